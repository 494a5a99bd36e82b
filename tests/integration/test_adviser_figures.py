"""Adviser figures for a scripted day on the development clock: handling time, wrap time,
occupancy, contacts per hour and outcome codes, exact, per adviser and for the team."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app import create_app
from models.contacts import NewEvent, open_contact, record_events
from models.presence_history import record_presence
from tests.support.console import signed_in

# Tuesday 1 December 2026 (GMT: London time is UTC); the clock reads 12:00.
DAY = datetime(2026, 12, 1, tzinfo=UTC)
NOW = DAY + timedelta(hours=12)


def at(hhmm: str) -> datetime:
    return DAY + timedelta(hours=int(hhmm[:2]), minutes=int(hhmm[3:]))


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings, figures_clock=lambda: NOW)


def _states(app, adviser_id, *changes):
    with Session(app.extensions["engine"]) as session:
        for when, state in changes:
            record_presence(session=session, adviser_id=adviser_id, state=state, reason="",
                            queues="adult_information", at=at(when))
        session.commit()


def _contact(app, key, adviser_id, answered, outcome):
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key=key, channel="phone", at=at(answered))
        record_events(session=session, contact_key=key, events=[
            NewEvent("answered", at(answered), f"{key}:a",
                     {"adviser": adviser_id, "queue": "adult_information"}),
            NewEvent("wrapped_up", at(answered) + timedelta(minutes=9), f"{key}:w",
                     {"adviser": adviser_id, "outcome": outcome})])
        session.commit()


def test_a_scripted_morning_gives_exact_figures(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    _c, sam = signed_in(app, "sam", "adviser")
    _c, ada = signed_in(app, "ada", "adviser")
    # Sam: available 09:00, two calls (busy 09:10-09:20 and 09:30-09:40, 5 min wrap-up after
    # each), away at 10:00 for the rest of the morning. On duty 60 min; busy 20; wrap-up 10.
    _states(app, sam.id, ("09:00", "available"), ("09:10", "busy"), ("09:20", "wrap_up"),
            ("09:25", "available"), ("09:30", "busy"), ("09:40", "wrap_up"),
            ("09:45", "available"), ("10:00", "away"))
    _contact(app, "CA-s1", sam.id, "09:10", "advice_given")
    _contact(app, "CA-s2", sam.id, "09:30", "referred_to_prime_contractor")
    # Ada: available from 11:00, still available at noon, no contacts.
    _states(app, ada.id, ("11:00", "available"))

    body = sup.get("/console/advisers/figures.csv?date=2026-12-01").get_data(as_text=True)
    rows = {r["adviser"]: r for r in csv.DictReader(io.StringIO(body))}
    assert rows["sam"]["answered"] == "2"
    assert float(rows["sam"]["average_handling_seconds"]) == (20 + 10) * 60 / 2
    assert float(rows["sam"]["average_wrap_seconds"]) == 10 * 60 / 2
    assert float(rows["sam"]["occupancy"]) == 0.5            # 30 of 60 minutes on duty
    assert float(rows["sam"]["contacts_per_hour"]) == 2.0
    assert rows["sam"]["outcomes"] == "advice_given=1;referred_to_prime_contractor=1"
    assert rows["ada"]["answered"] == "0" and rows["ada"]["occupancy"] == "0"
    assert rows["ada"]["average_handling_seconds"] == ""      # nothing answered
    assert float(rows["ada"]["on_duty_seconds"]) == 3600       # an open interval counts to now
    # The team: 2 hours on duty, 30 minutes handling.
    assert float(rows["Team"]["occupancy"]) == 0.25 and rows["Team"]["answered"] == "2"

    page = sup.get("/console/advisers/figures?date=2026-12-01").get_data(as_text=True)
    assert "15 min 00 s" in page and "50%" in page and "Advice given" in page


def test_a_bad_or_future_day_is_refused_and_advisers_cannot_see_it(app):
    sup, _ = signed_in(app, "sue", "supervisor")
    assert sup.get("/console/advisers/figures?date=someday").status_code == 400
    assert sup.get("/console/advisers/figures?date=2026-12-02").status_code == 400
    adviser, _ = signed_in(app, "sam", "adviser")
    assert adviser.get("/console/advisers/figures").status_code == 403
    assert adviser.get("/console/advisers/figures.csv").status_code == 403
