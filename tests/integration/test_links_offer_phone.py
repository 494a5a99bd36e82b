"""The links of the information the assistant gave, offered by text on the phone (000:L21), through
the emulator on PostgreSQL and Redis: a caller on a mobile the assistant answered hears the offer
before the goodbye, presses 1, and the worker's round texts the article's title and link only;
a caller who says no gets no text; a withheld number or a landline is never offered one.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import requests
from sqlmodel import Session, select

from config.settings import Settings
from engine.knowledge import assistant_responses
from engine.satisfaction import load_satisfaction_config
from ivr.messaging.confirmations import send_due
from ivr.voice.voice_config import load_voice_config
from models.confirmations import InformationConfirmation
from models.contacts import timeline
from models.db import make_engine
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.emulator import eventually, live_voice_app

MOBILE = "+447400123456"
OFFER = load_voice_config().prompt("links_offer")
GOODBYE = load_voice_config().prompt("goodbye")
COURSES = assistant_responses()["utter_info_courses"][0]["text"]


class CoursesAssistant:
    """A scripted assistant: it gives the courses article's answer, then says goodbye."""

    def send(self, sender, text, metadata=None, timeout=None):
        if "course" in text:
            return [{"text": COURSES},
                    {"custom": {"triage": {"decision": {"destination": "adult_information"},
                                           "facts": {"age": 30, "need": "information"}}}}]
        return [{"text": "Thank you for calling. Goodbye."}, {"custom": {"end_conversation": True}}]


@pytest.fixture
def live(postgres_url, redis_client):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    config = load_satisfaction_config()  # no survey: the goodbye follows the offer
    unsampled = config.model_copy(update={"share_by_route": dict.fromkeys(config.share_by_route,
                                                                          0.0)})
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock, figures_clock=clock,
                        engine=engine, satisfaction_config=unsampled) as running:
        voice = running.app.extensions["voice"]
        running.app.extensions["voice"] = dataclasses.replace(voice, rasa=CoursesAssistant())
        yield running
    engine.dispose()


def _informed(live, caller: str):
    """A caller from `caller` asks about courses, is answered, and says that is all."""
    customer = live.emulator.phone(from_=caller)
    customer.settle()
    assert COURSES in " ".join(customer.say("where can I find a course in welding"))
    return customer, customer.say("no thanks, that is all")


def _texts(live):
    return requests.get(f"{live.emulator.url}/_emulator/messages", timeout=5).json()["messages"]


def _round(live):
    with live.app.app_context():
        return send_due(WEEKDAY_MORNING + timedelta(minutes=1))


def _confirmations(live):
    with Session(live.app.extensions["engine"]) as session:
        return list(session.exec(select(InformationConfirmation)).all())


def _events(live, key):
    with Session(live.app.extensions["engine"]) as session:
        return [(e.kind, e.detail) for e in timeline(session=session, contact_key=key)]


def test_a_caller_who_accepts_gets_the_links_by_text(live):
    customer, heard = _informed(live, MOBILE)
    assert heard[-1] == OFFER  # before the goodbye
    customer.wait_for("input")
    heard = customer.press("1")
    assert heard[-1] == GOODBYE
    customer.wait_for("completed")
    [row] = _confirmations(live)
    assert (row.articles, row.notify, row.phone, row.contact_key) == (
        ["courses"], "sms", MOBILE, customer.sid)

    assert _round(live) == 1
    [text] = eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    assert text["to"] == MOBILE
    assert "Finding a course (course search): https://nationalcareers.service.gov.uk/find-a-course"\
        in text["body"] and "STOP" in text["body"]
    for words in ("welding", "adult_information", "30"):  # nothing the caller said or is
        assert words not in text["body"]
    eventually(lambda: "message_delivered" in dict(_events(live, customer.sid)))
    arranged = dict(_events(live, customer.sid))["confirmation_arranged"]
    assert arranged["articles"] == ["courses"] and arranged["channel"] == "sms"
    for _, detail in _events(live, customer.sid):  # the timeline never holds the number
        assert "123456" not in str(detail)
    assert _round(live) == 0  # sent once


def test_a_caller_who_says_no_gets_no_text(live):
    customer, heard = _informed(live, MOBILE)
    assert heard[-1] == OFFER
    customer.wait_for("input")
    assert customer.say("no thank you")[-1] == GOODBYE
    customer.wait_for("completed")
    assert _confirmations(live) == []
    assert _round(live) == 0 and _texts(live) == []


@pytest.mark.parametrize("caller", ["anonymous", "+441134960123"])
def test_a_withheld_number_or_a_landline_is_not_offered(live, caller):
    customer, heard = _informed(live, caller)
    assert heard[-1] == GOODBYE and OFFER not in heard
    customer.wait_for("completed")
    assert _confirmations(live) == []
