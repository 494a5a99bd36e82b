"""The supervisors' safeguarding panel on real Redis, PostgreSQL and SQLite: an alert raised by a
chat customer appears on the panel's JSON and event stream, is acknowledged, assigned, given an
outcome and closed, each step audited and kept; overdue on a set clock; supervisors and admins
only."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from console.safeguarding_cases import default_config
from models import keys
from models.db import session_scope
from models.erasure import erase_contacts
from models.safeguarding_cases import ERASED_CONTACT, SafeguardingCase
from models.staff import AuditEntry
from routing.safeguarding_alerts import SafeguardingAlerts
from tests.integration.test_chat_api import say, start
from tests.support.browser import LATE_EVENING, WEEKDAY_MORNING
from tests.support.console import api_headers, signed_in
from tests.support.databases import TEST_REDIS_URL

DISCLOSURE = "I want to kill myself"
API = "/console/api/safeguarding/alerts"


@pytest.fixture
def settings(database_url, engine):
    """The panel on both databases: PostgreSQL (production's) and SQLite (`make run`'s); the
    `engine` fixture empties the database first (the PostgreSQL one is shared by the run)."""
    return Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, _env_file=None)


def make_app(settings, at):
    clock = {"now": at}
    app = create_app(settings, chat_clock=lambda: clock["now"])
    app.extensions["test_clock"] = clock
    return app


@pytest.fixture
def app(settings, redis_client):
    return make_app(settings, WEEKDAY_MORNING)


@pytest.fixture
def supervisor(app):
    return signed_in(app, "sue", "supervisor")[0]


def disclose(app, text: str = DISCLOSURE) -> str:
    """A webchat customer says `text` through the chat API; returns the session id."""
    client = app.test_client()
    session_id = start(client)
    assert say(client, session_id, text)["route"]["destination"] == "safeguarding"
    return session_id


def panel(client) -> dict:
    response = client.get(API)
    assert response.status_code == 200
    return response.get_json()


def act(client, alert_id: str, action: str, status: int = 200, **form) -> dict:
    response = client.post(f"/console/safeguarding/{alert_id}/{action}", data=form,
                           headers={**api_headers(client), "Accept": "application/json"})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def event_frames(client, after: str, wanted: int) -> list[dict]:
    """Read the panel's event stream until `wanted` alert frames have come."""
    response = client.get(f"/console/api/safeguarding/events?after={after}", buffered=False)
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    frames, chunks = [], response.response
    try:
        for chunk in chunks:
            text = chunk.decode() if isinstance(chunk, bytes) else chunk
            if "event: alert\n" in text:
                data = next(line for line in text.splitlines() if line.startswith("data: "))
                frames.append(json.loads(data.removeprefix("data: ")))
            if len(frames) >= wanted:
                break
    finally:
        response.close()
    return frames


def test_a_chat_disclosure_is_worked_through_the_panel_and_audited(app, supervisor):
    signed_in(app, "ade", "adviser")
    before = panel(supervisor)
    assert before["alerts"] == [] and before["open"] == 0
    disclose(app)
    body = panel(supervisor)
    [alert] = body["alerts"]
    assert {k: alert[k] for k in ("channel", "kind", "explicit", "about", "status", "step",
                                  "assigned_to", "overdue")} == {
        "channel": "webchat", "kind": "self_harm", "explicit": True, "about": "self",
        "status": "new", "step": "menu", "assigned_to": None, "overdue": False}
    assert alert["contact"].startswith("webchat-") and alert["raised_at"].startswith("2026-11-24")
    assert "kill" not in supervisor.get(API).get_data(as_text=True)  # never the customer's words
    assert "kill" not in supervisor.get("/console/safeguarding").get_data(as_text=True)
    # The event stream told the open panels, ids only.
    assert event_frames(supervisor, before["after"], 1) == [{"id": alert["id"],
                                                             "change": "raised"}]
    alert_id = alert["id"]
    # Every change needs the page's CSRF token, like the rest of the console.
    assert supervisor.post(f"/console/safeguarding/{alert_id}/acknowledge").status_code == 400
    assert act(supervisor, alert_id, "close", 409)["error"].startswith("acknowledge")
    assert act(supervisor, alert_id, "acknowledge")["status"] == "acknowledged"
    assert act(supervisor, alert_id, "acknowledge", 409)["error"] == (
        "this alert is already acknowledged")
    assert "choose" in act(supervisor, alert_id, "assign", 400, assignee="nobody")["error"]
    act(supervisor, alert_id, "assign", assignee="ade")
    assert act(supervisor, alert_id, "close", 409)["error"].startswith("choose an outcome")
    assert "outcomes" in act(supervisor, alert_id, "outcome", 400, outcome="shrugged")["error"]
    act(supervisor, alert_id, "outcome", outcome="crisis_support_given")
    assert act(supervisor, alert_id, "close")["status"] == "closed"
    assert act(supervisor, alert_id, "outcome", 409, outcome="not_a_concern")["error"] == (
        "this alert is closed")
    assert act(supervisor, "1-0", "acknowledge", 404)["error"] == "no such safeguarding alert"

    [shown] = panel(supervisor)["alerts"]  # closed lately: still on the panel, marked so
    assert (shown["status"], shown["assigned_to"], shown["outcome"], shown["closed_by"]) == (
        "closed", "ade", "crisis_support_given", "sue")
    changes = [f["change"] for f in event_frames(supervisor, before["after"], 5)]
    assert changes == ["raised", "acknowledged", "assigned", "outcome", "closed"]
    with Session(app.extensions["engine"]) as db:
        audits = db.exec(select(AuditEntry).where(AuditEntry.target == f"safeguarding:{alert_id}")
                         .order_by(AuditEntry.id)).all()
        case = db.exec(select(SafeguardingCase)).one()
    assert [(a.action, a.actor) for a in audits] == [
        ("safeguarding_acknowledged", "sue"), ("safeguarding_assigned", "sue"),
        ("safeguarding_outcome", "sue"), ("safeguarding_closed", "sue")]
    assert audits[1].detail["assignee"] == "ade"
    assert audits[2].detail["outcome"] == "crisis_support_given"
    assert (case.alert_id, case.contact_key, case.status) == (alert_id, alert["contact"], "closed")
    assert case.acknowledged_by == case.outcome_by == case.closed_by == "sue"


def test_the_history_searches_by_date_channel_kind_and_state(app, supervisor):
    disclose(app)
    alert_id = panel(supervisor)["alerts"][0]["id"]
    act(supervisor, alert_id, "acknowledge")
    act(supervisor, alert_id, "outcome", outcome="customer_safe_no_action")
    act(supervisor, alert_id, "close")
    day = "2026-11-24"
    page = supervisor.get(f"/console/safeguarding/history?from={day}&to={day}&state=closed"
                          "&channel=webchat&kind=self_harm").get_data(as_text=True)
    assert "1 alerts raised" in page and "Customer safe; no further action (by sue)" in page
    for other in ("channel=phone", "kind=abuse", "state=new", "from=2026-11-25&to=2026-11-26"):
        page = supervisor.get(f"/console/safeguarding/history?{other}").get_data(as_text=True)
        assert "No alerts match." in page, other
    assert supervisor.get("/console/safeguarding/history?from=24/11/2026").status_code == 400
    assert supervisor.get("/console/safeguarding/history?from=2026-11-25&to=2026-11-24"
                          ).status_code == 400
    assert supervisor.get("/console/safeguarding/history?state=lost").status_code == 400


def test_an_alert_not_acknowledged_in_time_is_overdue_first_and_counted(app, supervisor):
    clock = app.extensions["test_clock"]
    disclose(app)
    clock["now"] = WEEKDAY_MORNING + timedelta(minutes=1)
    disclose(app, "my dad hits me")
    first, second = sorted(panel(supervisor)["alerts"], key=lambda a: a["raised_at"])
    act(supervisor, second["id"], "acknowledge")
    clock["now"] = WEEKDAY_MORNING + timedelta(minutes=4, seconds=59)
    assert panel(supervisor)["overdue"] == 0
    clock["now"] = WEEKDAY_MORNING + timedelta(minutes=5, seconds=1)
    body = panel(supervisor)
    assert body["overdue"] == 1 and body["open"] == 2
    overdue = {a["id"]: a["overdue"] for a in body["alerts"]}
    assert overdue == {first["id"]: True, second["id"]: False}  # acknowledged in time
    assert [a["age_seconds"] for a in body["alerts"]] == [241, 301]  # newest first
    metrics = {(s.name, s.labels.get("status")): s.value for f in text_string_to_metric_families(
        app.test_client().get("/metrics").get_data(as_text=True)) for s in f.samples}
    assert metrics[("contact_centre_safeguarding_alerts", "overdue")] == 1
    assert metrics[("contact_centre_safeguarding_alerts", "new")] == 1
    assert metrics[("contact_centre_safeguarding_alerts", "acknowledged")] == 1
    # The escalation time is configuration: ten minutes, and the same alert is not yet overdue.
    app.extensions["safeguarding_config"] = default_config().model_copy(
        update={"acknowledge_within_minutes": 10})
    assert panel(supervisor)["overdue"] == 0


def test_out_of_hours_the_follow_up_callback_is_shown_with_the_alert(settings, redis_client):
    app = make_app(settings, LATE_EVENING)
    supervisor = signed_in(app, "sue", "supervisor")[0]
    client = app.test_client()
    session_id = start(client)
    answer = say(client, session_id, DISCLOSURE)
    assert answer["route"]["callback_queue"] == "safeguarding"
    say(client, session_id, "07700 900123")
    [alert] = panel(supervisor)["alerts"]
    callback = alert["callback"]
    assert (callback["status"], callback["owner"], alert["now"]) == (
        "pending", "safeguarding", "callback")
    assert "900123" not in supervisor.get(API).get_data(as_text=True)
    page = supervisor.get("/console/safeguarding/history").get_data(as_text=True)
    assert f"#{callback['id']} pending" in page


def test_the_adviser_on_a_call_is_shown_and_a_lost_cursor_copies_nothing_twice(app, supervisor):
    adviser = signed_in(app, "ade", "adviser")[1]
    redis = app.extensions["redis"]
    SafeguardingAlerts(redis).raise_alert(
        contact="CA0123456789abcdef0123456789abcdef", channel="phone", kind="abuse",
        explicit=False, about="other", rule="model", where="queue", at=WEEKDAY_MORNING)
    redis.hset(keys.key(keys.ASSIGNMENT, member="CA0123456789abcdef0123456789abcdef"),
               mapping={"adviser": adviser.id, "queue": "safeguarding"})
    [alert] = panel(supervisor)["alerts"]
    assert (alert["adviser"], alert["now"], alert["about"], alert["explicit"]) == (
        "ade", "adviser", "other", False)
    redis.xadd(keys.SAFEGUARDING_ALERTS, {"contact": "CA-bad", "at": "yesterday"})  # unreadable
    redis.delete(keys.SAFEGUARDING_RECORDED)  # Redis forgot how far the cases were copied
    assert len(panel(supervisor)["alerts"]) == 1


def test_only_supervisors_and_admins_see_or_act(app, supervisor):
    disclose(app)
    alert_id = panel(supervisor)["alerts"][0]["id"]
    adviser = signed_in(app, "ade", "adviser")[0]
    contractor = signed_in(app, "cal", "contractor_adviser", contractor="london")[0]
    for client in (adviser, contractor):
        for path in (API, "/console/api/safeguarding/events", "/console/safeguarding",
                     "/console/safeguarding/history"):
            assert client.get(path).status_code == 403, path
        response = client.post(f"/console/safeguarding/{alert_id}/acknowledge",
                               headers=api_headers(client))
        assert response.status_code == 403
    assert "Safeguarding alerts" not in adviser.get("/console/").get_data(as_text=True)
    assert app.test_client().get(API).status_code == 302  # signed out: to the sign-in page
    admin = signed_in(app, "ann", "admin")[0]
    assert act(admin, alert_id, "acknowledge")["status"] == "acknowledged"
    dashboard = supervisor.get("/console/dashboard").get_data(as_text=True)
    assert 'id="safeguarding"' in dashboard and "0 open" not in dashboard


def test_erasing_the_contact_keeps_what_was_done_but_not_whose(app, supervisor):
    disclose(app)
    [alert] = panel(supervisor)["alerts"]
    act(supervisor, alert["id"], "acknowledge")
    redis = app.extensions["redis"]
    with session_scope(app.extensions["engine"]) as db:
        receipt = erase_contacts(session=db, contact_keys=[alert["contact"]], redis=redis,
                                 tracker_redis=redis, at=WEEKDAY_MORNING)
    assert receipt.counts["safeguarding_cases"] == 1
    [kept] = panel(supervisor)["alerts"]
    assert (kept["id"], kept["contact"], kept["status"], kept["acknowledged_by"]) == (
        alert["id"], ERASED_CONTACT, "acknowledged", "sue")


def test_the_adviser_who_took_a_chat_is_shown_and_named_on_a_later_alert(app, supervisor):
    session_id = disclose(app)  # raised in the menu: the chat waits in the safeguarding queue
    sam, user = signed_in(app, "sam", "adviser", queues=["safeguarding"], endpoint="client:sam")
    assert sam.get("/console/desk").status_code == 200
    response = sam.post("/console/api/presence", json={"mode": "available"},
                        headers=api_headers(sam))
    assert response.status_code == 200  # going Available hands sam the waiting chat
    [first] = panel(supervisor)["alerts"]
    assert (first["adviser"], first["now"], first["step"]) == ("sam", "adviser", "menu")
    say(app.test_client(), session_id, "he said he will hurt me if I tell anyone")
    second, _ = panel(supervisor)["alerts"]  # newest first
    assert (second["step"], second["adviser"], second["kind"]) == ("adviser", "sam", "abuse")
