"""The satisfaction figures in the supervisors' reports, from a scripted set of responses on
PostgreSQL: % satisfied (4 or 5 of 5, out of those with a score) against the 95% target (000:L5)
by channel, route, queue and prime contractor, on the page and in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import create_app
from config.settings import Settings
from engine.satisfaction import load_satisfaction_config, report_sections, store
from models.contacts import open_contact
from models.db import make_engine, session_scope
from models.erasure import erase_contacts
from models.satisfaction import Answers
from routing.figure_definitions import load_definitions
from tests.support.console import signed_in
from tests.support.databases import TEST_REDIS_URL, truncate_all

DEFS = load_definitions()
CONFIG = load_satisfaction_config()
DAY = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)  # winter: London is UTC
# (key, channel, route, queue, contractor, score, got what they needed, when)
SCRIPT = [
    ("CA1", "phone", "young_people_service", "young_people", None, 5, True, DAY),
    ("CA2", "phone", "young_people_service", "young_people", None, 4, True, DAY),
    ("CA3", "phone", "prime_contractor_advice", "adult_advice", "north_west", 2, False, DAY),
    ("CA4", "phone", "prime_contractor_advice", "adult_advice", "north_west", None, None, DAY),
    ("chat-1", "webchat", "adult_information", None, None, 5, True, DAY),
    ("chat-2", "webchat", "adult_information", None, None, 3, None, DAY),
    ("chat-3", "webchat", "adult_information", None, None, 4, False, DAY),
    # 23:59 local on the day: in it; 00:00 local the next day: not.
    ("CA5", "phone", "adult_information", None, None, 5, True,
     datetime(2026, 12, 1, 23, 59, tzinfo=UTC)),
    ("CA6", "phone", "adult_information", None, None, 1, False, DAY + timedelta(hours=12)),
]


@pytest.fixture
def engine(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    for key, channel, route, queue, contractor, score, needed, at in SCRIPT:
        with session_scope(engine) as session:
            open_contact(session=session, key=key, channel=channel, at=at)
        assert store(engine, Answers(key, channel, route, queue, contractor, score, needed),
                     at=at)
    yield engine
    engine.dispose()


def test_the_figures_by_each_dimension(engine):
    sections = report_sections(engine, CONFIG, first=DAY.date(), last=DAY.date(),
                               label="2026-12-01", timezone=DEFS.timezone)
    channels = {r["channel"]: r for r in sections["satisfaction_channels"]}
    # Phone: CA1 5, CA2 4, CA3 2, CA4 skipped, CA5 5: 3 satisfied of 4 scored, 5 responses.
    assert (channels["phone"]["responses"], channels["phone"]["scored"],
            channels["phone"]["satisfied"]) == (5, 4, 3)
    assert channels["phone"]["satisfied_rate"] == pytest.approx(0.75)
    assert (channels["phone"]["needed_yes"], channels["phone"]["needed_answered"]) == (3, 4)
    assert channels["webchat"]["satisfied_rate"] == pytest.approx(2 / 3)
    assert channels["webchat"]["target_rate"] == pytest.approx(0.95)
    routes = {r["destination"]: r["satisfied_rate"] for r in sections["satisfaction_routes"]}
    assert routes == {"young_people_service": 1.0, "prime_contractor_advice": 0.0,
                      "adult_information": pytest.approx(3 / 4)}
    queues = {r["queue"]: (r["responses"], r["satisfied"]) for r in
              sections["satisfaction_queues"]}
    assert queues == {"young_people": (2, 2), "adult_advice": (2, 0), "none": (4, 3)}
    contractors = {r["contractor"]: (r["responses"], r["scored"], r["satisfied_rate"])
                   for r in sections["satisfaction_contractors"]}
    assert contractors == {"north_west": (2, 1, 0.0), "none": (6, 6, pytest.approx(5 / 6))}
    assert sections["satisfaction_channels"][0]["formula"] == \
        "satisfied = responses scoring 4 or 5 ÷ responses with a score"


def test_the_month_counts_every_day(engine):
    sections = report_sections(engine, CONFIG, first=DAY.date().replace(day=1),
                               last=DAY.date().replace(day=31), label="2026-12",
                               timezone=DEFS.timezone)
    phone = next(r for r in sections["satisfaction_channels"] if r["channel"] == "phone")
    assert (phone["period"], phone["responses"], phone["satisfied"]) == ("2026-12", 6, 3)


def test_the_reports_page_and_csv_show_satisfaction_against_the_target(engine, postgres_url,
                                                                         redis_client):
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    app = create_app(settings)
    supervisor = signed_in(app, "sue", "supervisor")[0]
    page = supervisor.get("/console/reports?date=2026-12-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Satisfaction after the contact" in html
    assert "against the 95% target" in html and "a score of 4 or 5 of 5" in html
    assert "75.0%" in html and "below the 95.0% target" in html
    assert "meets the 95.0% target" in html  # young_people_service: 2 of 2
    text = supervisor.get("/console/reports.csv?date=2026-12-01").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    rates = {(r["section"], r["dimension_1"]): float(r["value"]) for r in rows
             if r["figure"] == "satisfied_rate"}
    assert rates[("satisfaction_channels", "phone")] == pytest.approx(0.75)
    assert rates[("satisfaction_contractors", "north_west")] == 0.0
    assert rates[("satisfaction_routes", "young_people_service")] == 1.0
    defined = [r for r in rows if r["figure"] == "satisfied_rate"]
    assert all("4 or 5" in r["definition"] for r in defined)
    assert not any(key in text for key, *_ in SCRIPT)  # no contact keys in the figures
    adviser = signed_in(app, "amy", "adviser")[0]
    assert adviser.get("/console/reports?date=2026-12-01").status_code == 403


def test_erasing_a_contact_erases_its_answers(engine, redis_client):
    with session_scope(engine) as session:
        receipt = erase_contacts(session=session, contact_keys=["CA3"], redis=redis_client,
                                 tracker_redis=redis_client, at=DAY)
    assert receipt.counts["satisfaction_responses"] == 1
    with engine.connect() as connection:
        keys = {k for (k,) in connection.execute(sa.text(
            "SELECT contact_key FROM satisfaction_response"))}
    assert "CA3" not in keys and len(keys) == len(SCRIPT) - 1
