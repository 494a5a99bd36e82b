"""Presence history on real Redis and PostgreSQL: each change the desk and the dispatcher make is
stored as an interval with its exact length on a set clock, Away needs one of the configured
reasons, and the advisers on duty per half-hour of a scripted day come out exactly."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session

from app import create_app
from config.settings import Settings
from console.config import default_console_config
from models.db import make_engine
from models.presence_history import (
    available_by_half_hour,
    intervals,
    occupancy,
    record_presence,
    recorded_on,
)
from tests.integration.test_console_desk import START, Clock, adviser, chat_to_queue, desk, go
from tests.support.browser import LONDON
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.fake_twilio import FakeTwilio

WRAP_UP = default_console_config().wrap_up_seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(postgres_url, redis_client, clock):
    truncate_all(make_engine(postgres_url))
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=FakeTwilio())


def history(app, adviser_id):
    with Session(app.extensions["engine"]) as session:
        rows = intervals(session=session, start=START - timedelta(days=1),
                         end=START + timedelta(days=1), adviser_id=adviser_id)
        return [(r.state, r.reason, r.seconds) for r in rows]


def elapse(client, clock, seconds, every=15):
    """Time passes with the desk open: a heartbeat every `every` seconds, as the page sends."""
    state = None
    for _ in range(int(seconds // every)):
        clock.advance(every)
        state = client.post("/console/api/heartbeat", headers=client.headers).get_json()
    clock.advance(seconds % every)
    return state


def test_each_presence_change_is_stored_with_its_reason_and_exact_length(app, clock):
    sam, user = adviser(app, "sam", queues=("adult_digital_advice",))  # Available at START
    elapse(sam, clock, 600)
    away = go_away(sam, "lunch")
    assert away["presence"]["status"] == "away" and away["presence"]["reason_label"] == "Lunch"
    elapse(sam, clock, 1800)
    go(sam, "available")
    elapse(sam, clock, 120)
    _, chat = chat_to_queue(app)  # given to sam at once: Busy from now
    elapse(sam, clock, 300)
    assert sam.post(f"/console/api/chats/{chat}/close", headers=sam.headers).status_code == 200
    # The wrap-up time runs out between two heartbeats; the next one notices.
    beat = elapse(sam, clock, WRAP_UP + 14, every=14)  # beats at 112 s and 126 s
    assert beat["presence"]["status"] == "available"
    assert history(app, user.id) == [
        ("available", "", 600.0),
        ("away", "lunch", 1800.0),
        ("available", "", 120.0),
        ("busy", "", 300.0),
        ("wrap_up", "", WRAP_UP),  # ended when its time ran out, not when it was noticed
        ("available", "", None),   # still going
    ]


def test_going_away_needs_a_configured_reason(app, clock):
    sam, user = adviser(app, "sam")
    for body in ({"mode": "away"}, {"mode": "away", "reason": "nap"},
                 {"mode": "away", "reason": ""}):
        refused = sam.post("/console/api/presence", json=body,
                           headers={**sam.headers, "Accept": "application/json"})
        assert refused.status_code == 400
        assert "reason must be one of break, lunch, training" in refused.get_json()["error"]
    assert desk(sam)["presence"]["status"] == "available"  # nothing changed
    assert [s for s, _, _ in history(app, user.id)] == ["available"]


def test_a_silent_console_is_stored_as_away_from_the_heartbeat_timeout(app, clock):
    sam, user = adviser(app, "sam")
    clock.advance(10)
    sam.post("/console/api/heartbeat", headers=sam.headers)
    timeout = default_console_config().heartbeat_timeout_seconds
    clock.advance(timeout + 100)  # the console went quiet 10 s in
    back = sam.post("/console/api/heartbeat", headers=sam.headers).get_json()
    assert back["presence"]["status"] == "available"
    assert history(app, user.id) == [("available", "", 10.0 + timeout),
                                     ("away", "no heartbeat", 100.0),
                                     ("available", "", None)]


def go_away(client, reason):
    response = client.post("/console/api/presence", json={"mode": "away", "reason": reason},
                           headers=client.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def at(hh_mm: str, day: date = date(2026, 7, 1)) -> datetime:
    """A London wall-clock time on a summer day (BST: UTC+1), as an aware datetime."""
    hour, minute = (int(x) for x in hh_mm.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def test_advisers_on_duty_per_half_hour_of_a_scripted_day(engine):
    day = date(2026, 7, 1)
    script = [  # adviser, state, reason, queues, from (London)
        (1, "available", "", "young_people,adult_digital_advice", "08:00"),
        (1, "busy", "", "young_people,adult_digital_advice", "08:10"),
        (1, "wrap_up", "", "young_people,adult_digital_advice", "08:40"),
        (1, "away", "break", "young_people,adult_digital_advice", "08:45"),
        (1, "available", "", "young_people,adult_digital_advice", "09:00"),
        (2, "away", "", "adult_digital_advice", "08:00"),
        (2, "available", "", "adult_digital_advice", "08:15"),
        (2, "away", "lunch", "adult_digital_advice", "09:30"),
        (1, "away", "signed out", "young_people,adult_digital_advice", "09:45"),
    ]
    with Session(engine) as session:
        for adviser_id, state, reason, queues, start in script:
            record_presence(session=session, adviser_id=adviser_id, state=state, reason=reason,
                            queues=queues, at=at(start))
        session.commit()
        now = at("12:00")
        slots = available_by_half_hour(session=session, day=day, timezone=LONDON, now=now)
        young = available_by_half_hour(session=session, day=day, timezone=LONDON, now=now,
                                       queue="young_people")
        assert recorded_on(session=session, day=day, timezone=LONDON, now=now)
        assert not recorded_on(session=session, day=day - timedelta(days=1), timezone=LONDON,
                               now=now)
    assert len(slots) == 48 and slots["07:30"] == 0.0
    # 08:00-08:30: adviser 1 all of it (available, busy), adviser 2 from 08:15: 1 + 0.5.
    assert slots["08:00"] == 1.5
    # 08:30-09:00: adviser 1 until the break at 08:45 (0.5), adviser 2 all of it (1).
    assert slots["08:30"] == 1.5
    assert slots["09:00"] == 2.0
    # 09:30-10:00: adviser 1 until signing out at 09:45; adviser 2 at lunch.
    assert slots["09:30"] == 0.5
    assert slots["10:00"] == 0.0
    assert young["08:00"] == 1.0 and young["08:30"] == 0.5 and young["09:30"] == 0.5
    with Session(engine) as session:
        # Adviser 1 from 08:00 to 09:00: 10 min available, 30 busy, 5 in wrap-up, then a break.
        first = occupancy(session=session, start=at("08:00"), end=at("09:00"), now=now,
                          adviser_id=1)
        nobody = occupancy(session=session, start=at("11:00"), end=at("11:30"), now=now)
    assert first == 35 / 45 and nobody is None


def test_an_interval_still_open_counts_up_to_now(engine):
    with Session(engine) as session:
        record_presence(session=session, adviser_id=7, state="available", reason="",
                        queues="complaints", at=at("10:00"))
        session.commit()
        slots = available_by_half_hour(session=session, day=date(2026, 7, 1), timezone=LONDON,
                                       now=at("10:45"))
    assert (slots["10:00"], slots["10:30"], slots["11:00"]) == (1.0, 0.5, 0.0)


def test_a_console_closed_for_good_is_stored_as_away_by_the_worker_round(app, clock):
    from engine.dispatch import observe_presence

    _, user = adviser(app, "sam")  # Available at START, then the browser is closed
    clock.advance(600)
    with app.app_context():
        observe_presence()  # the worker's dispatch round; no request from the adviser again
    timeout = default_console_config().heartbeat_timeout_seconds
    assert history(app, user.id) == [("available", "", timeout),
                                     ("away", "no heartbeat", None)]
