"""Channel parity: the same customer gets the same decision, owner, due time and summary on the
phone, in a chat, on the enquiry form and by e-mail, except where the rules say otherwise.

One table of customers runs through each channel as that channel hears them (the phone's keypad,
the chat's menu, the form's fields, an e-mail's words read by the assistant) on real Redis and the
database. The documented difference: advice for an adult in England goes to the prime contractor
on the phone and stays with the contact centre on digital channels (001:5.3). A safeguarding
phrase on every channel is tested in test_safeguarding_generalises.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from ivr.mailbox.intake import take_in
from ivr.mailbox.reading import read
from ivr.rasa_client import RasaClient
from models.callbacks import Callback
from models.enquiries import WrittenEnquiry
from routing.plan import default_directory
from routing.worklist import summary_view
from tests.support import rasa
from tests.support.browser import moving_clock
from tests.support.databases import TEST_REDIS_URL
from tests.support.twilio import (
    NIGHT,
    WEEKDAY_MORNING,
    call_state,
    new_call,
    set_facts,
    voice_app,
)

assistant_url = rasa.assistant_url  # the session's real assistant (a fixture)
NUMBER = "0113 496 0456"
CALLER = "+441134960456"
NEED_KEYS = {"information": "1", "advice": "2", "face_to_face": "3"}
NEED_WORDS = {"information": "some information about college courses",
              "advice": "some careers advice about changing jobs",
              "face_to_face": "a face to face appointment with an adviser"}


@dataclass(frozen=True)
class Customer:
    """One row of the table: who they are, when they get in touch, and what the rules say."""

    name: str
    age: int
    need: str
    postcode: str
    at: datetime
    destination: str                  # on the digital channels (chat, form, e-mail)
    phone_destination: str | None = None  # where the rules make the phone differ (001:5.3)
    callback_owner: str | None = None     # contractor id when a callback is owed everywhere


CUSTOMERS = [
    Customer("face to face, contractor closed", 30, "face_to_face", "M1 1AA", NIGHT,
             "prime_contractor_face_to_face", callback_owner="north-west"),
    Customer("young person wants information", 16, "information", "LS1 4AP", WEEKDAY_MORNING,
             "young_people_service"),
    Customer("adult advice in England, open", 45, "advice", "M1 1AE", WEEKDAY_MORNING,
             "adult_digital_advice", phone_destination="prime_contractor_advice"),
    Customer("adult advice in Wales", 45, "advice", "CF10 1EP", WEEKDAY_MORNING,
             "outside_england"),
]


def _callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(Callback).order_by(Callback.id.desc())).all())


def _count(engine) -> int:
    with Session(engine) as db:
        return len(db.exec(select(Callback)).all())


def _enquiries(app) -> list[WrittenEnquiry]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(WrittenEnquiry)).all())


def on_the_phone(settings, engine, customer: Customer) -> tuple[str, Callback | None]:
    app = voice_app(settings, customer.at, engine=engine)
    call = new_call(app, caller=CALLER)
    call.start()
    set_facts(app, call.call_sid, postcode=customer.postcode)  # as the assistant would learn it
    heard = call.press(str(customer.age))
    # The keypad asks the need only when the age and place have not already decided the route
    # (a young person is queued at once; a customer in Wales is signposted).
    if not call.ended and any(line.startswith("Press 1 for information") for line in heard):
        call.press(NEED_KEYS[customer.need])
    state = call_state(app, call.call_sid)
    if customer.callback_owner:
        call.press("1")  # yes, call me back on the number I am calling from
    found = _callbacks(app)
    return state["decision"]["destination"], (found[0] if found else None)


def in_a_chat(settings, engine, customer: Customer) -> tuple[str, Callback | None]:
    app = create_app(settings, engine=engine, chat_clock=moving_clock(customer.at))
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]

    def say(text):
        response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    say(f"/chat_need {customer.need}")
    say(str(customer.age))
    answer = say(customer.postcode)
    if customer.callback_owner:
        say(f"please ring me on {NUMBER}")
    found = _callbacks(app)
    return answer["route"]["destination"], (found[0] if found else None)


def on_the_form(settings, engine, customer: Customer) -> tuple[str, Callback | None]:
    app = create_app(settings, engine=engine, chat_clock=moving_clock(customer.at))
    response = app.test_client().post("/enquiry", data={
        "message": f"I would like {NEED_WORDS[customer.need]}.", "email": "sam@example.com",
        "age": str(customer.age), "need": customer.need, "postcode": customer.postcode})
    assert response.status_code == 201, response.get_data(as_text=True)
    enquiry = _enquiries(app)[-1]
    found = _callbacks(app)
    return enquiry.destination, (found[0] if found else None)


def by_email(engine, redis_client, url: str, customer: Customer) -> tuple[str, Callback | None]:
    message = EmailMessage()
    message["From"], message["To"] = "sam@example.com", "enquiries@careers.localhost"
    message["Subject"], message["Message-ID"] = "Help please", f"<{customer.age}@example.com>"
    message.set_content(f"Hello, I am {customer.age} years old and I would like "
                        f"{NEED_WORDS[customer.need]}. My postcode is {customer.postcode}.")
    assert take_in(read(bytes(message)), engine=engine, directory=default_directory(),
                   outbox=None, rasa=RasaClient(url, timeout=10, token=rasa.assistant_token()),
                   at=customer.at,
                   redis_client=redis_client)
    with Session(engine) as db:
        enquiry = db.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id.desc())).first()
    return enquiry.destination, None  # its callback, if any, is read by the test


@pytest.fixture
def written_settings(database_url):
    return Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, _env_file=None)


def _same_callback(channel: str, callback: Callback | None, customer: Customer, due: list):
    if customer.callback_owner is None:
        assert callback is None, f"{channel} owes no callback"
        return
    assert callback is not None, f"{channel} lost the callback"
    assert callback.contractor_id == customer.callback_owner, channel
    assert summary_view(callback.summary)["destination"] == customer.destination, channel
    due.append((channel, callback.due_at))


@pytest.mark.parametrize("customer", CUSTOMERS, ids=lambda c: c.name)
def test_phone_chat_and_form_agree(written_settings, engine, redis_client, customer):
    settings = written_settings  # every channel on the same database (SQLite, then PostgreSQL)
    due: list[tuple[str, datetime]] = []
    destination, callback = on_the_phone(settings, engine, customer)
    assert destination == (customer.phone_destination or customer.destination)
    _same_callback("phone", callback, customer, due)
    for channel, hear in (("chat", lambda: in_a_chat(settings, engine, customer)),
                          ("form", lambda: on_the_form(written_settings, engine, customer))):
        before = _count(engine)
        destination, callback = hear()
        callback = callback if _count(engine) > before else None
        assert destination == customer.destination, channel
        _same_callback(channel, callback, customer, due)
    assert len(due) == (3 if customer.callback_owner else 0)
    assert len({at for _, at in due}) <= 1, f"due times differ: {due}"


@pytest.mark.rasa
@pytest.mark.parametrize("customer", CUSTOMERS, ids=lambda c: c.name)
def test_an_email_agrees_with_the_form(written_settings, engine, redis_client, assistant_url,
                                       customer):
    """An e-mail is read by the assistant, then routed as the form is: same decision, owner and
    due time."""
    form_destination, form_callback = on_the_form(written_settings, engine, customer)
    destination, callback = by_email(engine, redis_client, assistant_url, customer)
    assert destination == form_destination == customer.destination
    due: list[tuple[str, datetime]] = []
    _same_callback("form", form_callback, customer, due)
    if customer.callback_owner:
        with Session(engine) as db:
            newest = db.exec(select(Callback).order_by(Callback.id.desc())).first()
        _same_callback("email", newest, customer, due)
        assert newest.id != form_callback.id and newest.email == "sam@example.com"
        assert len({at for _, at in due}) == 1, f"due times differ: {due}"
