"""The enquiry form, triaged by the same rules as every channel into written queues (001:5.3).

Real Redis, SQLite and PostgreSQL. Every destination, the response clocks, the safeguarding screen
on the customer's words, bad input on every field (clear errors, nothing stored), the honeypot.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from models.callbacks import Callback
from models.contacts import timeline
from models.enquiries import EnquiryMessage, WrittenEnquiry
from tests.support.browser import moving_clock
from tests.support.databases import TEST_REDIS_URL
from tests.support.twilio import WEEKDAY_MORNING

FORM = {"message": "What courses could help me change career?", "email": "sam@example.com"}


@pytest.fixture
def app(database_url, engine, redis_client):
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    return create_app(settings, engine=engine, chat_clock=moving_clock(WEEKDAY_MORNING))


def send(app, **fields):
    return app.test_client().post("/enquiry", data=FORM | fields)


def enquiries(app) -> list[WrittenEnquiry]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(WrittenEnquiry)))


@pytest.mark.parametrize(("fields", "queue", "destination"), [
    ({"age": "16"}, "written_young_people", "young_people_service"),
    ({"age": "45", "need": "advice", "postcode": "M1 1AE"}, "written_adult_advice",
     "adult_digital_advice"),                                   # 001:5.3: the centre advises
    ({"age": "45", "need": "information"}, "written_adult_information", "adult_information"),
    ({"need": "complaint"}, "written_complaints", "complaints_and_feedback"),
    ({"need": "feedback"}, "written_complaints", "complaints_and_feedback"),
    ({"age": "45", "need": "advice", "postcode": "CF10 1EP"}, "written_signposting",
     "outside_england"),                                        # Wales has its own service
    ({"age": "11"}, "written_signposting", "not_eligible"),
    ({"age": "45", "need": "advice"}, "written_more_information", "incomplete"),
    ({"need": "not_sure"}, "written_more_information", "incomplete"),
])
def test_each_destination_waits_in_its_written_queue(app, fields, queue, destination):
    response = send(app, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)
    [enquiry] = enquiries(app)
    assert (enquiry.queue_id, enquiry.destination, enquiry.channel) == (queue, destination,
                                                                          "webform")
    assert f"WE-{enquiry.id}" in response.get_data(as_text=True)
    assert enquiry.first_response_due - enquiry.received_at == timedelta(
        hours=48 if fields.get("need") == "complaint" else 24)


def test_a_complaint_has_a_final_response_clock_of_five_working_days(app):
    send(app, need="complaint")
    [enquiry] = enquiries(app)
    # Monday 2 March 2026 + 5 working days = Monday 9 March, end of the day in London.
    assert enquiry.final_response_due.astimezone(WEEKDAY_MORNING.tzinfo).date().isoformat() \
        == "2026-03-09"


def test_words_of_harm_go_to_the_urgent_queue_whatever_else_was_said(app):
    response = send(app, age="45", need="information",
                    message="I cant see the point in going on any more")
    [enquiry] = enquiries(app)
    assert enquiry.queue_id == "written_safeguarding" and enquiry.kind == "safeguarding"
    assert enquiry.first_response_due - enquiry.received_at == timedelta(hours=1)
    assert "116 123" in response.get_data(as_text=True)


def test_face_to_face_in_writing_is_a_cold_transfer_with_an_email_callback(app):
    send(app, age="45", need="face_to_face", postcode="M1 1AE")
    [enquiry] = enquiries(app)
    assert enquiry.queue_id == "written_face_to_face"
    with Session(app.extensions["engine"]) as session:
        [callback] = session.exec(select(Callback)).all()
    assert callback.contractor_id == "north-west" and callback.email == "sam@example.com"
    assert callback.phone is None and callback.source == "cold_transfer"  # 001:5.6 digital


def test_the_words_are_stored_redacted_and_the_timeline_is_complete(app):
    send(app, age="45", need="information",
         message="I was on probation and my number is 07400 123456, what jobs can I do?")
    [enquiry] = enquiries(app)
    with Session(app.extensions["engine"]) as session:
        [message] = session.exec(select(EnquiryMessage)).all()
        kinds = [e.kind for e in timeline(session=session, contact_key=enquiry.contact_key)]
    assert "probation" not in message.text and "07400" not in message.text
    assert "[restricted]" in message.text and "[phone]" in message.text
    assert kinds == ["started", "customer_said", "triaged", "enqueued"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"message": ""}, "message"),
    ({"message": "x" * 4001}, "message"),
    ({"email": "not-an-address"}, "email"),
    ({"email": ""}, "email"),
    ({"age": "sixteen"}, "age"),
    ({"age": "0"}, "age"),
    ({"age": "300"}, "age"),
    ({"postcode": "nowhere"}, "postcode"),
    ({"need": "money"}, "need"),
])
def test_bad_input_on_each_field_is_named_and_nothing_is_stored(app, fields, field):
    response = send(app, **fields)
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and f'href="#{field}"' in body
    assert f'id="{field}-error"' in body
    assert enquiries(app) == []


def test_a_filled_honeypot_stores_nothing(app):
    response = send(app, website="http://spam.example")
    assert response.status_code == 200 and enquiries(app) == []


def test_the_form_keeps_what_was_typed_when_it_shows_errors(app):
    body = send(app, email="oops", age="33", postcode="M1 1AE").get_data(as_text=True)
    assert 'value="33"' in body and 'value="M1 1AE"' in body and "change career" in body


def test_received_at_is_the_centres_clock(app):
    send(app)
    [enquiry] = enquiries(app)
    assert abs(enquiry.received_at - WEEKDAY_MORNING) < timedelta(minutes=1)
    assert isinstance(enquiry.received_at, datetime)
