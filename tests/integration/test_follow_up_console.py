"""The follow-up worklist against PostgreSQL and Redis: a 31-day flag appears on the development
clock, and an adviser completes the follow-up with click-to-call (000:L110, 000:L5)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from app.factory import create_app
from config import clock
from config.settings import Settings
from models.callbacks import Callback
from models.contacts import EventKind, timeline
from models.db import make_engine, session_scope
from models.enquiries import WrittenEnquiry
from models.follow_ups import FollowUp
from routing import worker
from tests.support.console import csrf_token, signed_in
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.follow_ups import TwilioWithRecords, customer_with_contact
from tests.support.twilio import BASE_URL, sign

LAST = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)  # a Monday morning
FLAG_DAY = LAST + timedelta(days=31)  # Thursday 5 March, 10:00
CUSTOMER = "+441614960456"


@pytest.fixture
def twilio():
    return TwilioWithRecords(CUSTOMER)


@pytest.fixture
def app(postgres_url, redis_client, twilio):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    engine.dispose()
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, clock_start=FLAG_DAY.isoformat(), _env_file=None)
    app = create_app(settings, twilio=twilio, voice_clock=lambda: FLAG_DAY)
    yield app
    app.extensions["engine"].dispose()


def _round(app, redis_client):
    worker.tick(engine=app.extensions["engine"], redis=redis_client, trackers=None,
                retention_days=90)


def _webhook(app, path, params):
    url = BASE_URL + path
    headers = {"X-Twilio-Signature": sign(app.config["SETTINGS"].effective_twilio_auth_token,
                                          url, params)}
    return app.test_client().post(path, data=params, headers=headers, base_url=BASE_URL)


def test_a_31_day_flag_appears_and_the_adviser_completes_the_follow_up(app, redis_client,
                                                                      twilio):
    engine = app.extensions["engine"]
    customer_with_contact(engine, "Okafor", "CA-last", at=LAST)
    customer_with_contact(engine, "Later", "CA-later", at=LAST + timedelta(days=2))
    clock.start(FLAG_DAY - timedelta(hours=1))  # the development clock, an hour too early
    _round(app, redis_client)
    with session_scope(engine) as session:
        assert session.exec(select(FollowUp)).all() == []

    clock.start(FLAG_DAY + timedelta(minutes=1))
    _round(app, redis_client)
    adviser = signed_in(app, "ann", "adviser", queues=["adult_information"],
                        endpoint="+441614960000")[0]
    listed = adviser.get("/console/follow-ups/list.json").get_json()["follow_ups"]
    assert [(f["stage"], f["channel"], f["service"]) for f in listed] == \
        [(1, "phone", "Information")]  # CA-later is two days from its own
    target = listed[0]["id"]
    page = adviser.get(f"/console/follow-ups/{target}").get_data(as_text=True)
    assert "This follow-up is yours" in page and CUSTOMER in page
    assert "Enrolled on a course, learning or training" in page

    with session_scope(engine) as session:
        callback_id = session.get(FollowUp, target).callback_id
    headers = {"X-CSRFToken": csrf_token(adviser, f"/console/follow-ups/{target}")}
    assert adviser.post(f"/console/callbacks/{callback_id}/call",
                        headers=headers).status_code == 202
    (request,) = twilio.calls
    twiml = ET.fromstring(_webhook(app, request["url"][len(BASE_URL):],
                                   {"CallSid": "CA-adv"}).data)
    number = twiml.find("Dial/Number")
    assert number.text == CUSTOMER
    _webhook(app, number.get("statusCallback")[len(BASE_URL):],
             {"CallSid": "CA-cust", "CallStatus": "in-progress"})
    _webhook(app, number.get("amdStatusCallback")[len(BASE_URL):],
             {"CallSid": "CA-cust", "AnsweredBy": "human"})

    bad = adviser.post(f"/console/follow-ups/{target}/outcome", headers=headers,
                       data={"result": "won_the_lottery"})
    assert bad.status_code == 400 and "progression outcome" in bad.get_data(as_text=True)
    done = adviser.post(f"/console/follow-ups/{target}/outcome", headers=headers,
                        data={"result": "enrolled_learning"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"done={target}")

    with session_scope(engine) as session:
        found = session.get(FollowUp, target)
        assert (found.status, found.outcome, found.positive, found.finished_by) == \
            ("completed", "enrolled_learning", True, "ann")
        callback = session.get(Callback, callback_id)
        assert callback.status == "completed" and callback.source == "follow_up"
        steps = [e.detail["step"] for e in timeline(session=session, contact_key="CA-last")
                 if e.kind == EventKind.FOLLOW_UP]
        assert steps == ["flagged", "completed"]
    # Worked from the follow-ups, never twice from the callbacks' own list.
    assert adviser.get("/console/callbacks/list.json").get_json()["callbacks"] == []
    assert "No follow-ups are open" in adviser.get("/console/follow-ups").get_data(as_text=True)

    supervisor = signed_in(app, "sue", "supervisor")[0]
    html = supervisor.get("/console/reports?period=month&month=2026-03").get_data(as_text=True)
    assert "Follow-up outcomes" in html and "meets the 40.0% target" in html
    csv = supervisor.get("/console/reports.csv?period=month&month=2026-03").get_data(as_text=True)
    assert "follow_up_outcomes,2026-03,information,,positive_rate,1.0" in csv


def test_a_refusal_on_another_channel_is_honoured_and_bad_input_refused(app, redis_client):
    engine = app.extensions["engine"]
    customer_with_contact(engine, "Chat", "chat-said-no", at=LAST, channel="webchat",
                          route="adult_digital_advice")
    adviser = signed_in(app, "ann", "adviser", queues=["adult_information"])[0]
    headers = {"X-CSRFToken": csrf_token(adviser, "/console/follow-ups"),
               "Accept": "application/json"}
    unknown = adviser.post("/console/follow-ups/decline", headers=headers,
                           data={"contact_key": "CA-nobody", "channel": "phone"})
    assert unknown.status_code == 400 and "no customer record" in unknown.get_json()["error"]
    odd = adviser.post("/console/follow-ups/decline", headers=headers,
                       data={"contact_key": "chat-said-no", "channel": "pigeon"})
    assert odd.status_code == 400 and odd.get_json()["error"] == "unknown channel"
    empty = adviser.post("/console/follow-ups/decline", data={"channel": "phone"},
                         headers={"X-CSRFToken": headers["X-CSRFToken"]})
    assert empty.status_code == 400 and "give the reference" in empty.get_data(as_text=True)
    said = adviser.post("/console/follow-ups/decline", headers=headers,
                        data={"contact_key": "chat-said-no", "channel": "webchat"})
    assert said.get_json() == {"recorded": True, "already": False}
    clock.start(FLAG_DAY + timedelta(days=1))
    _round(app, redis_client)
    with session_scope(engine) as session:
        assert session.exec(select(FollowUp)).all() == []
    other = signed_in(app, "cat", "adviser", queues=["adult_digital_advice"])[0]
    assert other.get("/console/follow-ups/1").status_code == 404  # not their queue
    assert signed_in(app, "nw", "contractor_adviser", contractor="north-west")[0].get(
        "/console/follow-ups").status_code == 403


def test_a_customer_who_wrote_is_followed_up_by_e_mail(app, redis_client):
    engine = app.extensions["engine"]
    customer_with_contact(engine, "Writer", "email-1", at=LAST, channel="email",
                          route="adult_digital_advice")
    with session_scope(engine) as session:
        session.add(WrittenEnquiry(
            contact_key="email-1", channel="email", queue_id="adult_digital_advice",
            destination="adult_digital_advice", kind="enquiry", reply_to="writer@example.org",
            received_at=LAST, first_response_due=LAST + timedelta(days=1)))
        session.commit()
    clock.start(FLAG_DAY + timedelta(minutes=1))
    _round(app, redis_client)
    adviser = signed_in(app, "ann", "adviser", queues=["adult_information"])[0]
    (listed,) = adviser.get("/console/follow-ups/list.json").get_json()["follow_ups"]
    assert (listed["channel"], listed["service"]) == ("email", "Advice")
    page = adviser.get(f"/console/follow-ups/{listed['id']}").get_data(as_text=True)
    assert "mailto:writer@example.org" in page and "Call the customer" not in page
    assert 'value="no_answer"' not in page and 'value="wrong_number"' in page
    headers = {"X-CSRFToken": csrf_token(adviser, f"/console/follow-ups/{listed['id']}")}
    done = adviser.post(f"/console/follow-ups/{listed['id']}/outcome", headers=headers,
                        data={"result": "still_looking"})
    assert done.status_code == 303
    with session_scope(engine) as session:
        found = session.get(FollowUp, listed["id"])
        assert (found.status, found.positive) == ("completed", False)
