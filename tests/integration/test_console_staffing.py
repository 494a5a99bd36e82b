"""The staffing page and its CSV: supervisors and admins only, on the development clock, from
the rolled-up figures in the app's own database (SQLite and the real PostgreSQL)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from models.contacts import NewEvent
from models.staff import AuditEntry
from routing.figure_definitions import load_definitions
from routing.rollup import rollup
from tests.support.console import signed_in
from tests.support.databases import TEST_REDIS_URL

# Monday 7 December 2026, 12:00 in London (the development clock); the day shown is Tuesday 1st.
CLOCK = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def app(engine, database_url, redis_client):
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, clock_start=CLOCK, _env_file=None)
    return create_app(settings)


def scripted_tuesday(app):
    """200 phone calls to adult information from 10:00 to 11:00, 10 from 14:00; rolled up."""
    figures = app.extensions["figures"]
    for n in range(200):
        at = TUESDAY + timedelta(seconds=18 * n)
        figures.observe("phone", f"CA{n}", [NewEvent("enqueued", at, f"CA{n}:e",
                                                     {"queue": "adult_information"})])
    for n in range(10):
        at = TUESDAY + timedelta(hours=4, minutes=n)
        figures.observe("phone", f"CB{n}", [NewEvent("enqueued", at, f"CB{n}:e",
                                                     {"queue": "adult_information"})])
    rollup(engine=app.extensions["engine"], redis_client=app.extensions["redis"],
           definitions=load_definitions(), now=TUESDAY + timedelta(hours=12))


def test_only_supervisors_and_admins_see_staffing(app):
    assert app.test_client().get("/console/staffing").status_code == 302
    adviser, _ = signed_in(app, "ade", "adviser")
    assert adviser.get("/console/staffing").status_code == 403
    assert adviser.get("/console/staffing.csv").status_code == 403
    admin, _ = signed_in(app, "ann", "admin")
    assert admin.get("/console/staffing").status_code == 200


def test_the_page_shows_the_day_the_plan_and_what_is_not_recorded(app):
    scripted_tuesday(app)
    supervisor, _ = signed_in(app, "sue", "supervisor")
    page = supervisor.get("/console/staffing?date=2026-12-01")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # 100 calls a half-hour × 300 s (adult information's configured handling time) = 16.67
    # erlangs: 23 advisers answer 90% within 15 s (22 answer about 88%).
    assert "<td>10:00</td><td>100</td><td>300 s</td><td>16.67</td><td>23</td>" in html
    assert "<td>14:00</td><td>5</td><td>300 s</td><td>0.83</td><td>3</td>" in html
    assert "not recorded yet" in html and "assumed, not measured" in html
    assert "Europe/London" in html
    # The plan: Tuesday 8 December from Tuesday 1 December alone (the earlier three are empty).
    assert "Tue 8 Dec: from Tue 1 Dec</li>" in html
    assert "Wed 9 Dec: no history yet" in html
    # The default day is yesterday, on the development clock (Sunday 6 December: nothing).
    default = supervisor.get("/console/staffing").get_data(as_text=True)
    assert 'value="2026-12-06"' in default and "no advisers were needed" in default


def test_the_csv_holds_the_same_table(app, engine):
    scripted_tuesday(app)
    supervisor, _ = signed_in(app, "sue", "supervisor")
    answer = supervisor.get("/console/staffing.csv?date=2026-12-01&queue=adult_information")
    assert answer.status_code == 200 and answer.content_type.startswith("text/csv")
    assert 'filename="staffing-2026-12-01.csv"' in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    day = [(r["interval_start"], r["contacts_offered"], r["advisers_needed"],
            r["advisers_available"]) for r in rows if r["section"] == "day"]
    assert day == [("10:00", "100.0", "23", "not recorded yet"),
                   ("10:30", "100.0", "23", "not recorded yet"),
                   ("14:00", "5.0", "3", "not recorded yet"),
                   ("14:30", "5.0", "3", "not recorded yet")]
    plan = [(r["date"], r["interval_start"], r["advisers_needed"]) for r in rows
            if r["section"] == "plan"]
    assert plan == [("2026-12-08", "10:00", "23"), ("2026-12-08", "10:30", "23"),
                    ("2026-12-08", "14:00", "3"), ("2026-12-08", "14:30", "3")]
    assert {r["target_service_level"] for r in rows} == {"0.9"}
    with Session(engine) as session:
        entries = session.exec(select(AuditEntry).where(
            AuditEntry.action == "staffing_downloaded")).all()
    assert [(e.actor, e.target) for e in entries] == [("sue", "2026-12-01")]
    other = supervisor.get("/console/staffing.csv?date=2026-12-01&queue=young_people")
    assert [r["section"] for r in csv.DictReader(io.StringIO(other.get_data(as_text=True)))] \
        == []


@pytest.mark.parametrize(("query", "reason"), [
    ("date=yesterday", "YYYY-MM-DD"),
    ("date=2026-12-07", "before today"),
    ("date=2027-01-01", "before today"),
    ("queue=nobody", "no queue"),
])
def test_bad_choices_are_refused_with_a_reason(app, query, reason):
    supervisor, _ = signed_in(app, "sue", "supervisor")
    for path in ("/console/staffing", "/console/staffing.csv"):
        answer = supervisor.get(f"{path}?{query}")
        assert answer.status_code == 400 and reason in answer.get_data(as_text=True)


def test_advisers_available_come_from_the_presence_history(app, engine):
    from models.presence_history import record_presence

    scripted_tuesday(app)
    with Session(engine) as session:  # Tuesday 1 December is GMT: London time is UTC
        for adviser_id, state, queues, at in (
                (1, "available", "adult_information", "09:00"),
                (1, "away", "adult_information", "10:45"),
                (2, "available", "adult_information,complaints", "10:00"),
                (2, "busy", "adult_information,complaints", "10:10"),
                (3, "available", "young_people", "10:00"),
                (2, "away", "adult_information,complaints", "14:15")):
            hour, minute = (int(x) for x in at.split(":"))
            record_presence(session=session, adviser_id=adviser_id, state=state,
                            reason="lunch" if state == "away" else "", queues=queues,
                            at=TUESDAY.replace(hour=hour, minute=minute))
        session.commit()
    supervisor, _ = signed_in(app, "sue", "supervisor")
    answer = supervisor.get("/console/staffing.csv?date=2026-12-01&queue=adult_information")
    day = [(r["interval_start"], r["advisers_needed"], r["advisers_available"])
           for r in csv.DictReader(io.StringIO(answer.get_data(as_text=True)))
           if r["section"] == "day"]
    # 10:00: advisers 1 and 2 all the half-hour (adviser 3 takes another queue); 10:30: adviser
    # 1 until 10:45; 14:00: adviser 2 until 14:15; 14:30: nobody.
    assert day == [("10:00", "23", "2"), ("10:30", "23", "1.5"), ("14:00", "3", "0.5"),
                   ("14:30", "3", "0")]
    html = supervisor.get("/console/staffing?date=2026-12-01").get_data(as_text=True)
    assert "from the presence history" in html and "not recorded yet" not in html
