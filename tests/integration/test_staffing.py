"""Staffing from the rolled-up figures: a scripted day through the counters and the roll-up,
on the development clock, gives exact advisers (SQLite and the real PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from config import clock
from models.contacts import NewEvent
from routing.figure_definitions import load_definitions
from routing.figures import Figures
from routing.plan import default_directory
from routing.rollup import rollup
from routing.staffing import HandlingTimes, day_needs, default_staffing_config, week_plan

DEFS = load_definitions()
SCHEDULES = {queue: entity.schedule for queue, entity in default_directory().queues.items()}
# The published worked example (ErlangC package's README, see tests/unit/routing/test_erlang_c
# .py): 100 calls in 30 minutes, 180 s handling, 80% within 20 s → 14 advisers; 30% shrinkage
# → 20 rostered. The queue here is judged by that target so the expected answer is published.
PUBLISHED = DEFS.model_copy(update={"queues": {**DEFS.queues, "adult_information":
    DEFS.default.model_copy(update={"service_level_target": 0.8, "threshold_seconds": 20})}})
CONFIG = default_staffing_config().model_copy(update={
    "handling_seconds": HandlingTimes(default=180, queues={}), "shrinkage": 0.3,
    "channels": ("phone",)})
# Monday 7 December 2026, 12:00 in London: the development clock for every test here.
TODAY = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY = date(2026, 12, 1)


@pytest.fixture
def figures(redis_client):
    return Figures(redis_client, DEFS)


@pytest.fixture(autouse=True)
def development_clock():
    clock.start(TODAY)
    yield
    # the suite's autouse fixture puts the suite's clock back


def offered(figures, day: date, hour_utc: int, calls: int, *, queue="adult_information",
            channel="phone", spread_minutes=60):
    """`calls` queued contacts through one hour (London is on UTC in December)."""
    start = datetime(day.year, day.month, day.day, hour_utc, tzinfo=UTC)
    for n in range(calls):
        at = start + timedelta(seconds=n * spread_minutes * 60 // calls)
        figures.observe(channel, f"{day}-{queue}-{channel}-{hour_utc}-{n}",
                        [NewEvent("enqueued", at, f"e{n}", {"queue": queue})])


def rolled_up(engine, redis_client, day: date):
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS,
           now=datetime(day.year, day.month, day.day, 23, 0, tzinfo=UTC))


def test_a_scripted_day_gives_the_published_advisers(engine, redis_client, figures):
    offered(figures, TUESDAY, 10, 200)  # 100 a half-hour
    offered(figures, TUESDAY, 14, 20)   # 10 a half-hour
    offered(figures, TUESDAY, 10, 40, channel="webchat")  # not a planned channel
    rolled_up(engine, redis_client, TUESDAY)
    redis_client.flushdb()  # a past day is read from the database alone
    rows = day_needs(engine=engine, redis_client=redis_client, day=TUESDAY, config=CONFIG,
                     definitions=PUBLISHED, now=clock.now())
    got = [(r.queue, r.start, r.offered, r.intensity, r.advisers, r.rostered) for r in rows]
    assert got == [("adult_information", "10:00", 100, 10, 14, 20),
                   ("adult_information", "10:30", 100, 10, 14, 20),
                   ("adult_information", "14:00", 10, 1, 3, 5),
                   ("adult_information", "14:30", 10, 1, 3, 5)]
    assert rows[0].service_level == pytest.approx(0.88835, abs=5e-6)  # as published


def test_the_queue_target_from_figures_yaml_plans_for_90_within_15(engine, redis_client,
                                                                    figures):
    offered(figures, TUESDAY, 10, 200)
    rolled_up(engine, redis_client, TUESDAY)
    rows = day_needs(engine=engine, redis_client=redis_client, day=TUESDAY, config=CONFIG,
                     definitions=DEFS, now=clock.now())
    # 10 erlangs: 14 advisers answer about 87.5% within 15 s, so 90/15 needs 15.
    assert [(r.start, r.advisers, r.target, r.answer_seconds) for r in rows] == \
        [("10:00", 15, 0.9, 15), ("10:30", 15, 0.9, 15)]
    assert rows[0].service_level >= 0.9


def test_a_day_with_nothing_offered_needs_nobody(engine, redis_client):
    assert day_needs(engine=engine, redis_client=redis_client, day=TUESDAY, config=CONFIG,
                     definitions=DEFS, now=clock.now()) == []


def test_next_weeks_plan_averages_the_same_weekdays(engine, redis_client, figures):
    # Tuesdays before Monday 7 December: 1 December, 24, 17 and 10 November.
    offered(figures, TUESDAY, 10, 300)
    offered(figures, date(2026, 11, 24), 10, 100)
    offered(figures, date(2026, 11, 10), 10, 200)  # 17 November: nothing (left out)
    offered(figures, date(2026, 12, 3), 9, 20)  # a Thursday
    for day in (TUESDAY, date(2026, 11, 24), date(2026, 11, 10), date(2026, 12, 3)):
        rolled_up(engine, redis_client, day)
    plan = week_plan(engine=engine, redis_client=redis_client,
                     today=clock.now().date(), config=CONFIG, definitions=PUBLISHED,
                     now=clock.now(), schedules=SCHEDULES)
    assert plan.days[0] == date(2026, 12, 8) and len(plan.days) == 7
    assert plan.history[date(2026, 12, 8)] == (TUESDAY, date(2026, 11, 24), date(2026, 11, 10))
    tuesday = [(r.start, r.offered, r.advisers, r.rostered) for r in plan.needs
               if r.day == date(2026, 12, 8)]
    assert tuesday == [("10:00", 100, 14, 20), ("10:30", 100, 14, 20)]  # (300+100+200) ÷ 3
    thursday = [(r.start, r.offered, r.advisers) for r in plan.needs
                if r.day == date(2026, 12, 10)]
    assert thursday == [("09:00", 10, 3), ("09:30", 10, 3)]
    assert {r.day for r in plan.needs} == {date(2026, 12, 8), date(2026, 12, 10)}


def test_the_plan_needs_nobody_when_the_queue_is_closed(engine, redis_client, figures):
    # Friday 18 December 2026 at noon: the plan reaches Christmas Day (closed, 001:1.3) and
    # Christmas Eve (open 08:00-16:00 only, 000:L65).
    offered(figures, date(2026, 12, 11), 7, 20)   # 07:00 London: before opening every day
    offered(figures, date(2026, 12, 11), 10, 20)  # a Friday morning
    offered(figures, date(2026, 12, 10), 17, 20)  # a Thursday, 17:00
    offered(figures, date(2026, 12, 10), 10, 20)
    for day in (date(2026, 12, 10), date(2026, 12, 11)):
        rolled_up(engine, redis_client, day)
    now = datetime(2026, 12, 18, 12, 0, tzinfo=UTC)
    clock.start(now)
    plan = week_plan(engine=engine, redis_client=redis_client, today=clock.now().date(),
                     config=CONFIG, definitions=DEFS, now=clock.now(),
                     schedules=SCHEDULES)
    starts = {d: [r.start for r in plan.needs if r.day == d] for d in plan.days}
    assert starts[date(2026, 12, 25)] == []  # Christmas Day, a Friday: closed
    assert starts[date(2026, 12, 24)] == ["10:00", "10:30"]  # Thursday: 17:00 is after 16:00
