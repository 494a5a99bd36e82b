"""The 31-day sample survey through the emulator on PostgreSQL and Redis: a customer whose last
contact was 31 days ago, with a mobile held for their callback, is texted one link by the
worker's messages round; the page answers once (a second use is refused with a 410), the answer
is a satisfaction response of source survey_31_day on their timeline and in the report by
channel; a number that said STOP gets nothing; nobody is sent it twice.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlmodel import Session, select

from engine import satisfaction
from engine.survey_31_day import link_state
from ivr.messaging.survey_31_day import send_due
from models.contacts import EventKind, timeline
from models.db import make_engine
from models.satisfaction import SatisfactionResponse
from models.survey_invitations import SurveyInvitation
from routing.callbacks import create_callback
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import truncate_all
from tests.support.emulator import eventually, live_voice_app
from tests.support.follow_ups import customer_with_contact

LAST = WEEKDAY_MORNING - timedelta(days=31)
MOBILE, STOPPED = "+447400123456", "+447400654321"
LINK = re.compile(r"https?://\S+/survey/([A-Za-z0-9_-]+)")


@pytest.fixture
def pg_engine(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def everyone_sampled(monkeypatch):
    """The survey's share at 1.0, so the test does not depend on the hash of a key."""
    config = satisfaction.load_satisfaction_config()
    config = config.model_copy(update={"survey_31_day": config.survey_31_day.model_copy(
        update={"share": 1.0})})
    monkeypatch.setattr(satisfaction, "_default_config", lambda: config)
    return config


@pytest.fixture
def live(settings, postgres_url, pg_engine, redis_client, everyone_sampled):
    on_postgres = settings.model_copy(update={"database_url": postgres_url})
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(on_postgres, voice_clock=clock, chat_clock=clock, figures_clock=clock,
                        engine=pg_engine) as running:
        yield running


def _customer(engine, name, key, phone):
    customer_with_contact(engine, name, key, at=LAST)
    with Session(engine) as session:
        create_callback(session=session, contact_key=key, due=LAST + timedelta(hours=2),
                        reason="phone: callback", source="customer_request",
                        queue_id="adult_information", phone=phone, now=LAST, notify="sms")


def _texts(live):
    return requests.get(f"{live.emulator.url}/_emulator/messages", timeout=5).json()["messages"]


def _round(live, at):
    with live.app.app_context():
        return send_due(at)


def test_texted_at_31_days_answered_once_reported_and_never_to_a_stopped_number(live, pg_engine):
    _customer(pg_engine, "Texted", "CA-texted", MOBILE)
    _customer(pg_engine, "Stopped", "CA-stopped", STOPPED)
    stop = requests.post(f"{live.emulator.url}/_emulator/messages/inbound", timeout=10,
                         json={"from": STOPPED, "body": "STOP"}).json()
    assert stop["app_status"] == 200

    assert _round(live, WEEKDAY_MORNING - timedelta(minutes=1)) == 0  # a minute early: nothing
    assert _round(live, WEEKDAY_MORNING) == 1
    [text] = eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    assert text["to"] == MOBILE and "STOP" in text["body"]
    assert "Texted" not in text["body"] and "123456" not in text["body"].split("/survey/")[0]
    token = LINK.search(text["body"]).group(1)
    assert _round(live, WEEKDAY_MORNING + timedelta(hours=1)) == 0  # once per contact
    assert all(m["to"] != STOPPED for m in _texts(live))
    with Session(pg_engine) as session:
        rows = {r.contact_key: r for r in session.exec(select(SurveyInvitation)).all()}
    assert set(rows) == {"CA-texted"}  # the STOPped number is not even invited
    assert rows["CA-texted"].token_sha256 != token and token not in str(rows["CA-texted"])
    assert rows["CA-texted"].phone is None  # forgotten once sent

    client = live.app.test_client()
    page = client.get(f"/survey/{token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "How satisfied were you with the National Careers Service?" in html
    assert "Did it help you take a next step?" in html and "<script" not in html
    bad = client.post(f"/survey/{token}", data={"score": "9", "next_step": "yes"})
    assert bad.status_code == 400 and "Choose how satisfied" in bad.get_data(as_text=True)
    done = client.post(f"/survey/{token}", data={"score": "5", "next_step": "yes"})
    assert done.status_code == 201 and "Thank you" in done.get_data(as_text=True)

    again = client.post(f"/survey/{token}", data={"score": "1", "next_step": "no"})
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert client.get(f"/survey/{token}").status_code == 410
    assert client.get("/survey/not-a-real-token").status_code == 404

    with Session(pg_engine) as session:
        [response] = session.exec(select(SatisfactionResponse)).all()
        events = [e.detail for e in timeline(session=session, contact_key="CA-texted")
                  if e.kind == EventKind.SATISFACTION]
    assert (response.source, response.score, response.got_what_they_needed) == (
        "survey_31_day", 5, True)
    assert events == [{"channel": "phone", "score": 5, "satisfied": True,
                       "got_what_they_needed": True, "skipped": False,
                       "source": "survey_31_day"}]
    day = WEEKDAY_MORNING.date()
    sections = satisfaction.report_sections(
        pg_engine, satisfaction.load_satisfaction_config(), first=day, last=day,
        label=str(day), timezone=ZoneInfo("Europe/London"))
    [row] = sections["satisfaction_channels"]
    assert (row["channel"], row["responses"], row["satisfied"]) == ("survey_31_day", 1, 1)


def test_a_link_expires_after_14_days(live, pg_engine):
    _customer(pg_engine, "Late", "CA-late", MOBILE)
    assert _round(live, WEEKDAY_MORNING) == 1
    [text] = eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    token = LINK.search(text["body"]).group(1)
    with Session(pg_engine) as session:
        assert link_state(session=session, token=token,
                          now=WEEKDAY_MORNING + timedelta(days=13)) == "open"
        assert link_state(session=session, token=token,
                          now=WEEKDAY_MORNING + timedelta(days=14)) == "expired"
