"""Management information: the worker's roll-up and daily and monthly reports (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from models.callbacks import Callback
from models.contacts import NewEvent
from models.figures import FigureHour
from routing.callbacks import cancel, claim_next, create_callback, record_attempt
from routing.figure_definitions import load_definitions
from routing.figures import Figures
from routing.reports import Period, report, service_level_by_hour, totals, volumes_by_day
from routing.rollup import rollup

DEFS = load_definitions()
DAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def queued(figures, key, joined, waited, result, queue="young_people", channel="phone"):
    figures.observe(channel, key, [NewEvent("enqueued", joined, f"{key}:e", {"queue": queue})])
    kind = "answered" if result == "answered" else "abandoned"
    figures.observe(channel, key, [NewEvent(kind, joined + timedelta(seconds=waited), f"{key}:o",
                                            {"where": "queue", "queue": queue,
                                             "queue_time": waited})])


@pytest.fixture
def figures(redis_client):
    return Figures(redis_client, DEFS)


def test_the_roll_up_copies_counters_and_is_idempotent(engine, redis_client, figures):
    queued(figures, "CA1", DAY, 14, "answered")
    queued(figures, "CA2", DAY, 16, "answered")
    queued(figures, "CA3", DAY + timedelta(hours=2), 40, "abandoned")
    for _ in range(2):
        rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=DAY)
    with Session(engine) as session:
        rows = session.exec(select(FigureHour).where(FigureHour.measure == "offered")).all()
    assert sorted((r.local_hour, r.value) for r in rows) == [(10, 2.0), (12, 1.0)]
    # Later events replace the values; nothing doubles.
    queued(figures, "CA4", DAY, 3, "answered")
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=DAY)
    found = totals(engine=engine, redis_client=None, period=Period.day(DAY.date()),
                   definitions=DEFS, now=DAY + timedelta(days=3))
    assert found[("2026-12-01", 10, "offered", "phone", "young_people")] == 3


def test_a_daily_report_and_its_charts(engine, redis_client, figures):
    queued(figures, "CA1", DAY, 14, "answered")
    queued(figures, "CA2", DAY, 16, "answered")
    queued(figures, "CA3", DAY, 4, "abandoned")
    queued(figures, "CA4", DAY, 40, "abandoned")
    queued(figures, "web-1", DAY, 2, "answered", channel="webchat")
    decision = {"destination": "prime_contractor_advice",
                "priority_groups": ["non_community", "neet_18_24"]}
    figures.observe("phone", "CA1", [NewEvent("triaged", DAY, "CA1:t", decision)])
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=DAY)
    later = DAY + timedelta(days=2)
    sections = report(engine=engine, redis_client=None, period=Period.day(DAY.date()),
                      definitions=DEFS, now=later)
    [phone, chat] = sections["queues"]
    assert (phone["channel"], phone["offered"], phone["answered"]) == ("phone", 4, 2)
    assert phone["service_level"] == pytest.approx(1 / 3)
    assert phone["abandonment_rate"] == pytest.approx(0.5)
    assert phone["average_speed_of_answer_seconds"] == 15
    assert phone["formula"] == "answered within T ÷ (answered + abandoned after T)"
    assert (chat["channel"], chat["service_level"]) == ("webchat", 1.0)
    assert sections["destinations"] == [{"period": "2026-12-01", "channel": "phone",
                                         "destination": "prime_contractor_advice",
                                         "contacts": 1}]
    assert [r["group"] for r in sections["priority_groups"]] == ["neet_18_24"]
    assert "community" not in repr(sections)
    found = totals(engine=engine, redis_client=None, period=Period.day(DAY.date()),
                   definitions=DEFS, now=later)
    by_hour = dict(service_level_by_hour(found, DEFS))
    assert by_hour[10] == pytest.approx(2 / 4)   # 14 s and 2 s within; 16 s and 40 s late
    assert by_hour[9] is None
    assert volumes_by_day(found) == {"2026-12-01": {"phone": 4, "webchat": 1}}


def test_a_monthly_report_sums_its_days_and_callback_outcomes(engine, redis_client, figures):
    for day in (1, 15, 31):
        at = datetime(2026, 12, day, 12, tzinfo=UTC)
        queued(figures, f"CA{day}", at, 10, "answered")
        rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=at)
    queued(figures, "CAnext", datetime(2027, 1, 1, 12, tzinfo=UTC), 10, "answered")
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS,
           now=datetime(2027, 1, 1, 12, tzinfo=UTC))
    with Session(engine) as session:
        for n, outcome in enumerate(("reached", "wrong_number", None)):
            made = create_callback(session=session, contact_key=f"CB{n}", due=DAY, reason="r",
                                   source="cold_transfer", contractor_id="london",
                                   phone="+441134960123", now=DAY)
            if outcome is None:
                cancel(session=session, callback_id=made.id, now=DAY + timedelta(hours=1))
                continue
            claimed = claim_next(session=session, staff_id="s1", contractor_id="london",
                                 now=DAY)
            record_attempt(session=session, callback_id=claimed.id, staff_id="s1",
                           outcome=outcome, now=DAY + timedelta(hours=1))
        assert session.exec(select(Callback)).all()
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS,
           now=DAY + timedelta(hours=2))
    sections = report(engine=engine, redis_client=None, period=Period.month(2026, 12),
                      definitions=DEFS, now=datetime(2027, 2, 1, tzinfo=UTC))
    [row] = sections["queues"]
    assert (row["period"], row["offered"], row["answered"]) == ("2026-12", 3, 3)
    outcomes = {(r["owner"], r["status"]): r["callbacks"] for r in sections["callbacks"]}
    assert outcomes == {("london", "completed"): 1, ("london", "failed"): 1,
                        ("london", "cancelled"): 1}


def test_today_comes_from_the_live_counters(engine, redis_client, figures):
    queued(figures, "CA1", DAY, 14, "answered")
    # No roll-up yet: today's report still has the call.
    sections = report(engine=engine, redis_client=redis_client, period=Period.day(DAY.date()),
                      definitions=DEFS, now=DAY + timedelta(minutes=1))
    assert sections["queues"][0]["answered"] == 1
    rollup(engine=engine, redis_client=redis_client, definitions=DEFS, now=DAY)
    again = report(engine=engine, redis_client=redis_client, period=Period.day(DAY.date()),
                   definitions=DEFS, now=DAY + timedelta(minutes=1))
    assert again["queues"] == sections["queues"]    # not counted twice
