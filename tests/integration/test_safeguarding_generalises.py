"""Disclosures the rules never listed reach a person on every channel, with a supervisor alert.

The issue's done-when, on real Redis, the database and (for e-mail) a real IMAP and SMTP server:
a phone caller, a chat customer and an e-mail that tell of an overdose in the past tense, a weapon
at the door or a friend's plan to end their life each take the safeguarding route and raise an
alert that says what kind, how it was said and about whom (never the words). The customer hears
the emergency line before anything else, and while the centre is open is never offered a
callback instead of a person (003:L211).
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from config.settings import Settings
from ivr.mailbox.intake import ImapAccount, poll_once
from ivr.mailbox.replies import Outbox
from models.enquiries import WrittenEnquiry
from routing.plan import default_directory
from routing.safeguarding_alerts import SafeguardingAlerts
from tests.integration.test_chat_api import make_app, say, start
from tests.support.databases import TEST_REDIS_URL
from tests.support.mail import CUSTOMER, SERVICE, mail_servers
from tests.support.rasa import assistant_url  # noqa: F401  (a fixture)
from tests.support.twilio import NIGHT, WEEKDAY_MORNING, call_state, heard_text, new_call, voice_app

# Each: (words, kind, about). None of these phrasings is in the screen's rules.
DISCLOSURES = {
    "overdose": ("last night i took a whole packet of paracetamol, i'm still feeling rough",
                 "self_harm", "self"),
    "weapon": ("there's a guy at my front door with a machete and he's banging on it",
               "danger", "self"),
    "friend": ("my friend has told me she's going to end her life tonight, she's planned it all",
               "self_harm", "other"),
}
LONDON = ZoneInfo("Europe/London")


def _alerts(redis_client) -> list[dict]:
    return SafeguardingAlerts(redis_client).recent()


def _alert_matches(alert: dict, *, channel: str, kind: str, about: str, words: str) -> bool:
    return (alert["channel"], alert["kind"], alert["about"]) == (channel, kind, about) and not any(
        word in " ".join(alert.values()) for word in words.split() if len(word) > 5)


@pytest.mark.parametrize("case", DISCLOSURES)
def test_a_caller_is_put_through_with_the_emergency_line_first(case, settings, redis_client):
    words, kind, about = DISCLOSURES[case]
    app = voice_app(settings, WEEKDAY_MORNING)
    call = new_call(app)
    call.start()  # the assistant is off: the keypad asks the age, and hears words as well
    before = len(call.heard)
    call.say(words)
    assert call.waiting.kind == "queue"
    assert call_state(app, call.call_sid)["plan"]["queue"] == "safeguarding"
    after = call.heard[before:]
    assert after[0].startswith("If you are in danger now, call 999")
    assert "Childline" in " ".join(after)  # age not known: under-19s are told of Childline
    assert "callback" not in heard_text(call).lower()
    assert _alert_matches(_alerts(redis_client)[0], channel="phone", kind=kind, about=about,
                          words=words)
    assert call_state(app, call.call_sid)["concern"]["about"] == about


def test_at_night_the_emergency_line_comes_first_then_the_follow_up(settings, redis_client):
    app = voice_app(settings, NIGHT)
    call = new_call(app)
    call.start()
    before = len(call.heard)
    call.say(DISCLOSURES["overdose"][0])
    after = call.heard[before:]
    assert after[0].startswith("If you are in danger now, call 999")
    assert "No adviser can answer just now." in after
    assert _alerts(redis_client)[0]["kind"] == "self_harm"


@pytest.mark.parametrize("case", DISCLOSURES)
def test_a_chat_customer_is_put_through_and_never_offered_a_callback(case, settings,
                                                                      redis_client):
    words, kind, about = DISCLOSURES[case]
    client = make_app(settings).test_client()
    session_id = start(client)
    answer = say(client, session_id, words)
    assert answer["route"]["queue"] == "safeguarding"
    texts = [m["text"] for m in answer["messages"]]
    assert texts[0].startswith("If you are in danger now, call 999")
    assert not any(b["payload"] == "/chat_callback" for m in answer["messages"]
                   for b in m["buttons"])
    assert _alert_matches(_alerts(redis_client)[0], channel="webchat", kind=kind, about=about,
                          words=words)
    typed = say(client, session_id, "/chat_callback")  # asked anyway: a person is coming now
    assert typed["route"] is None or typed["route"].get("queue", "safeguarding") == "safeguarding"
    assert "adviser" in " ".join(m["text"] for m in typed["messages"])


def test_an_adult_is_not_told_of_childline(settings, redis_client):
    client = make_app(settings).test_client()
    session_id = start(client)
    say(client, session_id, "/chat_need advice")
    say(client, session_id, "45")
    answer = say(client, session_id, DISCLOSURES["weapon"][0])
    texts = " ".join(m["text"] for m in answer["messages"])
    assert "999" in texts and "Childline" not in texts


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


def _email(subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = f"Sam <{CUSTOMER.address}>", SERVICE.address
    message["Subject"], message["Message-ID"] = subject, message_id
    message.set_content(body)
    return message


@pytest.mark.parametrize("case", DISCLOSURES)
def test_an_email_goes_to_the_urgent_queue_and_alerts(case, servers, engine, redis_client):
    words, kind, about = DISCLOSURES[case]
    before = len(servers.inbox(CUSTOMER))
    body = f"Hello, I wanted to ask about college courses.\n\n{words}\n\nThanks, Sam"
    servers.send(_email("college", body, f"<sg-{case}@example.com>"))
    outbox = Outbox.from_url(servers.smtp_url, SERVICE.address, "National Careers Service")
    at = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
    assert poll_once(ImapAccount.from_url(servers.imap_url), engine=engine,
                     directory=default_directory(), outbox=outbox, rasa=None,
                     clock=lambda: at, redis_client=redis_client) == 1
    with Session(engine) as session:
        [enquiry] = session.exec(select(WrittenEnquiry)).all()
    assert enquiry.queue_id == "written_safeguarding" and enquiry.kind == "safeguarding"
    assert _alert_matches(_alerts(redis_client)[0], channel="email", kind=kind, about=about,
                          words=words)
    [reply] = servers.inbox(CUSTOMER)[before:]
    assert reply.get_content().startswith("If you are in danger now, call 999")


def test_the_call_me_forms_words_are_screened_too(settings, redis_client):
    client = make_app(settings).test_client()
    # make_app's clock: tests.support.browser.WEEKDAY_MORNING, Tuesday 24 November at 10:00.
    window = {"start": "2026-11-24T14:00:00+00:00", "end": "2026-11-24T16:00:00+00:00"}
    response = client.post("/api/call-me", json={
        "phone": "0113 496 0456", "window": window, "about": DISCLOSURES["friend"][0]})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["urgent"] is True and body["emergency"].startswith("If you are in danger now")
    assert body["due"].startswith("2026-11-24T10:00")  # called now, not in the window chosen
    alert = _alerts(redis_client)[0]
    assert (alert["channel"], alert["where"], alert["about"]) == ("webform", "call_me", "other")


@pytest.fixture
def assistant_settings(sqlite_url, assistant_url, redis_client):  # noqa: F811
    return Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                    rasa_url=assistant_url, rasa_timeout_seconds=10.0, _env_file=None)


@pytest.mark.rasa
@pytest.mark.parametrize("case", DISCLOSURES)
def test_with_the_assistant_running_a_first_turn_reaches_a_person(case, assistant_settings,
                                                                   redis_client):
    words, kind, about = DISCLOSURES[case]
    client = make_app(assistant_settings).test_client()
    answer = say(client, start(client), words)
    assert answer["route"]["queue"] == "safeguarding"
    assert answer["messages"][0]["text"].startswith("If you are in danger now, call 999")
    assert _alert_matches(_alerts(redis_client)[0], channel="webchat", kind=kind, about=about,
                          words=words)
    app = voice_app(assistant_settings, WEEKDAY_MORNING)
    call = new_call(app)
    call.start()
    before = len(call.heard)
    call.say(words)
    assert call_state(app, call.call_sid)["plan"]["queue"] == "safeguarding"
    assert call.heard[before].startswith("If you are in danger now, call 999")
