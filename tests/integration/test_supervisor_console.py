"""The supervisor's console: dashboard JSON per contract, closures, reports, CSV and /metrics."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from models.contacts import NewEvent
from models.staff import AuditEntry
from routing import hours
from routing.callbacks import create_callback
from routing.plan import default_directory
from tests.support.console import csrf_token, signed_in
from tests.support.databases import TEST_REDIS_URL
from tests.support.twilio import WEEKDAY_MORNING, heard_text, new_call, set_facts

# Tuesday 1 December 2026, 10:05 in London.
NOW = datetime(2026, 12, 1, 10, 5, tzinfo=UTC)
QUEUE_KEYS = {"waiting", "longest_wait_seconds", "offered", "answered", "abandoned",
              "short_abandoned", "answered_within_threshold", "service_level",
              "abandonment_rate", "average_speed_of_answer_seconds"}


@pytest.fixture
def app(settings, redis_client):
    clock = {"now": NOW}
    app = create_app(settings, figures_clock=lambda: clock["now"],
                     voice_clock=lambda: WEEKDAY_MORNING)
    app.extensions["test_clock"] = clock
    return app


@pytest.fixture
def supervisor(app):
    return signed_in(app, "sue", "supervisor")[0]


def synthetic_morning(app):
    """Answered at 14 s and 16 s, abandoned at 4 s and 40 s, one still waiting (phone)."""
    figures = app.extensions["figures"]
    joined = NOW - timedelta(minutes=5)
    for n, (kind, waited) in enumerate([("answered", 14), ("answered", 16), ("abandoned", 4),
                                        ("abandoned", 40)]):
        key = f"CA{n}"
        figures.observe("phone", key, [NewEvent("enqueued", joined, f"{key}:e",
                                                {"queue": "adult_information"})])
        figures.observe("phone", key, [NewEvent(kind, joined + timedelta(seconds=waited),
                                                f"{key}:{kind}", {"where": "queue",
                                                "queue": "adult_information",
                                                "queue_time": waited})])
    figures.observe("phone", "CA9", [NewEvent("enqueued", NOW - timedelta(seconds=42), "CA9:e",
                                              {"queue": "adult_information"})])


def test_the_dashboard_api_needs_a_supervisor_or_admin(app):
    assert app.test_client().get("/console/api/dashboard").status_code == 302
    adviser, _ = signed_in(app, "ade", "adviser")
    assert adviser.get("/console/api/dashboard").status_code == 403
    admin, _ = signed_in(app, "ann", "admin")
    assert admin.get("/console/api/dashboard").status_code == 200


def test_dashboard_json_csv_and_metrics_agree(app, supervisor):
    synthetic_morning(app)
    body = supervisor.get("/console/api/dashboard").get_json()
    assert body["as_of"] == NOW.isoformat() and body["threshold_seconds"] == 15
    q = body["queues"]["adult_information"]
    assert set(q) == QUEUE_KEYS
    assert q == {"waiting": 1, "longest_wait_seconds": 42, "offered": 5, "answered": 2,
                 "abandoned": 2, "short_abandoned": 1, "answered_within_threshold": 1,
                 "service_level": pytest.approx(1 / 3), "abandonment_rate": 2 / 5,
                 "average_speed_of_answer_seconds": 15}
    assert set(body["queues"]) == set(default_directory().queues)
    assert set(body["callbacks"]) >= {"north-west", "london", "young_people"}

    rows = list(csv.DictReader(io.StringIO(supervisor.get(
        "/console/reports.csv?period=day&date=2026-12-01").get_data(as_text=True))))
    mine = {r["figure"]: r["value"] for r in rows
            if r["section"] == "queues" and r["dimension_2"] == "adult_information"}
    assert int(mine["offered"]) == q["offered"] and int(mine["answered"]) == q["answered"]
    assert int(mine["abandoned"]) == q["abandoned"]
    assert int(mine["answered_within_threshold"]) == q["answered_within_threshold"]
    assert float(mine["service_level"]) == pytest.approx(q["service_level"])
    assert float(mine["average_speed_of_answer_seconds"]) == q["average_speed_of_answer_seconds"]
    assert not any("community" in value for r in rows for value in r.values())

    text = app.test_client().get("/metrics").get_data(as_text=True)
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    labels = (("channel", "phone"), ("queue", "adult_information"))
    assert samples[("contact_centre_contacts_offered_total", labels)] == q["offered"]
    assert samples[("contact_centre_contacts_answered_total", labels)] == q["answered"]
    assert samples[("contact_centre_contacts_abandoned_total", labels)] == q["abandoned"]
    assert samples[("contact_centre_answered_within_threshold_total", labels)] == 1
    assert samples[("contact_centre_waiting", (("queue", "adult_information"),))] == 1
    assert samples[("contact_centre_longest_wait_seconds", (("queue", "adult_information"),))] \
        == 42


def test_callbacks_overdue_across_a_bank_holiday(app, supervisor):
    # Thursday 24 December 2026, 18:00: North West is closed until Tuesday 29 December (Christmas
    # Day, the weekend, and Boxing Day's bank holiday on Monday 28 December).
    after_hours = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
    contractor = default_directory().contractors["north-west"]
    due = hours.end_of_next_period(contractor, after_hours)
    assert due == datetime(2026, 12, 29, 17, 0, tzinfo=UTC)
    with Session(app.extensions["engine"]) as session:
        create_callback(session=session, contact_key="CA-late", due=due, reason="r",
                        source="cold_transfer", contractor_id="north-west", phone="01134960123",
                        now=after_hours)
        create_callback(session=session, contact_key="CA-older", reason="r",
                        due=datetime(2026, 12, 24, 16, 0, tzinfo=UTC), source="cold_transfer",
                        contractor_id="north-west", phone="01134960124", now=after_hours)
    clock = app.extensions["test_clock"]
    clock["now"] = datetime(2026, 12, 28, 12, 0, tzinfo=UTC)      # the bank holiday
    owner = supervisor.get("/console/api/dashboard").get_json()["callbacks"]["north-west"]
    assert owner == {"pending": 2, "due_within_hour": 0, "overdue": 1}
    clock["now"] = datetime(2026, 12, 29, 16, 30, tzinfo=UTC)
    owner = supervisor.get("/console/api/dashboard").get_json()["callbacks"]["north-west"]
    assert owner == {"pending": 2, "due_within_hour": 1, "overdue": 1}
    clock["now"] = datetime(2026, 12, 29, 17, 1, tzinfo=UTC)
    body = supervisor.get("/console/api/dashboard").get_json()
    assert body["callbacks"]["north-west"]["overdue"] == 2
    assert {"owner": "north-west", "figure": "callbacks_overdue", "value": 2,
            "target": 0} in body["alerts"]


def test_a_closure_is_audited_and_heard_on_the_next_call(app, supervisor):
    token = csrf_token(supervisor, "/console/dashboard")
    response = supervisor.post("/console/closures", data={
        "entity": "north-west", "message": "Flooded office", "csrf_token": token})
    assert response.status_code == 303
    body = supervisor.get("/console/api/dashboard").get_json()
    assert body["closures"][0]["entity"] == "north-west"
    assert body["closures"][0]["message"] == "Flooded office"
    call = new_call(app)
    call.start()
    set_facts(app, call.call_sid, postcode="M1 1AE")
    call.press("45")
    heard = call.press("2")
    assert "North West prime contractor" in heard_text(call) and "closed" in " ".join(heard)
    bad = supervisor.post("/console/closures", data={"entity": "atlantis", "message": "x",
                                                     "csrf_token": token})
    assert bad.status_code == 400
    assert supervisor.post("/console/closures/north-west/reopen",
                           data={"csrf_token": token}).status_code == 303
    assert supervisor.get("/console/api/dashboard").get_json()["closures"] == []
    with Session(app.extensions["engine"]) as session:
        actions = [(e.action, e.actor, e.target) for e in session.exec(select(AuditEntry))
                   if e.action.startswith("closure")]
    assert actions == [("closure_set", "sue", "north-west"), ("closure_lifted", "sue",
                                                               "north-west")]


def test_reports_pages_charts_and_definitions(app, supervisor):
    synthetic_morning(app)
    page = supervisor.get("/console/reports")
    assert page.status_code == 200 and "adult_information" in page.get_data(as_text=True)
    assert supervisor.get("/console/reports?period=month&month=2026-12").status_code == 200
    assert supervisor.get("/console/reports?date=yesterday").status_code == 400
    for name in ("service-level-by-hour", "volumes-by-day", "destinations",
                 "callback-outcomes"):
        svg = supervisor.get(f"/console/reports/charts/{name}.svg?period=day&date=2026-12-01")
        assert svg.status_code == 200 and svg.content_type == "image/svg+xml"
        assert b"<script" not in svg.data and b"http://kozea" not in svg.data
    words = supervisor.get("/console/definitions").get_data(as_text=True)
    assert "15 seconds" in words and "Average speed of answer" in words
    assert supervisor.get("/console/dashboard").status_code == 200


def test_metrics_are_protected_in_production(sqlite_url, redis_client):
    base = dict(app_env="production", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                rasa_enabled=False, secret_key="s" * 32, twilio_auth_token="t", clock_start=None,
                public_base_url="https://contact.careers.example",
                sealing_keys="c2VhbGluZy1rZXktZm9yLXRoZS1zdXBlcnZpc29yLXQ=", _env_file=None)
    closed = create_app(Settings(**base))
    assert closed.test_client().get("/metrics").status_code == 403
    guarded = create_app(Settings(**base, metrics_token="scrape-me"))
    assert guarded.test_client().get("/metrics").status_code == 401
    ok = guarded.test_client().get("/metrics", headers={"Authorization": "Bearer scrape-me"})
    assert ok.status_code == 200 and b"contact_centre_waiting" in ok.data


def test_the_grafana_dashboard_asks_only_for_metrics_the_app_exposes(app):
    import json
    import re
    from pathlib import Path

    synthetic_morning(app)
    app.extensions["figures"].observe("phone", "CA20", [
        NewEvent("transferred", NOW, "x", {"contractor": "london"})])
    text = app.test_client().get("/metrics").get_data(as_text=True)
    exposed = {s.name for f in text_string_to_metric_families(text) for s in f.samples}
    board = json.loads((Path(__file__).parents[2] / "docker" / "grafana-dashboard.json")
                       .read_text(encoding="utf-8"))
    asked = {name for panel in board["panels"] for target in panel["targets"]
             for name in re.findall(r"contact_centre_\w+", target["expr"])}
    assert asked and asked <= exposed, asked - exposed


def test_advisers_by_presence_per_queue(app, supervisor):
    from config import clock
    from routing.presence import Presence

    # On the app's clock, as the console's own sign-on is: a heartbeat on another clock is stale.
    presence = Presence(app.extensions["redis"], clock=lambda: clock.now().timestamp())
    presence.sign_on(7, queues=["young_people", "adult_information"], chat_cap=2, endpoint=None)
    presence.set_mode(7, "available")
    presence.sign_on(8, queues=["young_people"], chat_cap=2, endpoint=None)
    advisers = supervisor.get("/console/api/dashboard").get_json()["advisers"]
    assert advisers["total"] == {"Available": 1, "Busy": 0, "Wrap-up": 0, "Away": 1}
    assert advisers["queues"]["young_people"] == {"Available": 1, "Busy": 0, "Wrap-up": 0,
                                                  "Away": 1}


def test_a_long_wait_and_safeguarding_waiting_with_nobody_on_it_alert(app, supervisor):
    synthetic_morning(app)  # one call in adult information waiting 42 s against 15 s
    figures = app.extensions["figures"]
    figures.observe("webchat", "web-sg", [NewEvent("enqueued", NOW - timedelta(seconds=5),
                                                   "web-sg:e", {"queue": "safeguarding"})])
    body = supervisor.get("/console/api/dashboard").get_json()
    assert {"queue": "adult_information", "figure": "longest_wait", "value": 42,
            "target": 15} in body["alerts"]
    # Nobody is signed in to take the safeguarding queue: that is an alert however short the wait.
    assert {"queue": "safeguarding", "figure": "safeguarding_unstaffed", "value": 1,
            "target": 0} in body["alerts"]
    assert not any(a["figure"] == "longest_wait" and a["queue"] == "safeguarding"
                   for a in body["alerts"])  # 5 s is inside the threshold
