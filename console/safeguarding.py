"""The supervisors' safeguarding panel: every alert live, acknowledged, assigned, given an
outcome and closed, each step written to the audit log; and the history of past alerts.

`GET /console/api/safeguarding/alerts` is the Staff console contract's body (with the panel's
extras); `GET /console/api/safeguarding/events` streams a frame whenever an alert is raised or
changed (ids only), and the page then reads the JSON again. Supervisors and admins only.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from flask import current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from console import safeguarding_cases as cases
from console.audit import audit
from console.auth import passive, role_required
from console.live import stream_response
from console.supervisor_bp import SUPERVISORS, bp
from engine.dispatch import now
from models import keys
from models.db import session_scope
from models.safeguarding_cases import (
    STATUSES,
    CaseError,
    acknowledge,
    assign,
    close,
    get_case,
    search_cases,
    set_outcome,
)
from routing.figure_definitions import load_definitions

ACTIONS = ("acknowledge", "assign", "outcome", "close")
CHANNELS = ("phone", "webchat", "webform", "email")
KINDS = ("self_harm", "abuse", "danger")
MAX_HISTORY_DAYS = 366


def _engine():
    return current_app.extensions["engine"]


@bp.get("/api/safeguarding/alerts")
@role_required(*SUPERVISORS)
@passive
def alerts_api():
    """Live alerts, newest first, with the overdue count (never the customer's words)."""
    with session_scope(_engine()) as db:
        body = cases.panel(db)
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/safeguarding/events")
@role_required(*SUPERVISORS)
@passive
def alert_events():
    """Server-sent events: one frame per alert raised or changed (its id and the change)."""
    return stream_response(current_app.extensions["redis"], keys.SAFEGUARDING_PANEL)


@bp.get("/safeguarding")
@role_required(*SUPERVISORS)
def panel_page():
    """The safeguarding panel on a page of its own."""
    return _page(message=request.args.get("done"))


def panel_context() -> dict[str, Any]:
    """What the panel's template needs (the dashboard includes it too)."""
    with session_scope(_engine()) as db:
        body = cases.panel(db)
        people = cases.assignable(db)
    return {"safeguarding": body, "safeguarding_outcomes": cases.get_config().outcomes,
            "safeguarding_people": people}


def _page(*, message: str | None = None, error: str | None = None, status: int = 200):
    return render_template("console/safeguarding.html", message=message, error=error,
                           **panel_context()), status


@bp.post("/safeguarding/<alert_id>/<action>")
@role_required(*SUPERVISORS)
def act(alert_id: str, action: str):
    """Acknowledge, assign (`assignee`), record an outcome (`outcome`) or close an alert."""
    if action not in ACTIONS:
        return _refuse(404, "unknown action")
    with session_scope(_engine()) as db:
        cases.record_new_alerts(db)
        refused, detail = _change(db, alert_id, action)
    if refused:
        return _refuse(*refused)
    change = {"acknowledge": "acknowledged", "outcome": "outcome", "assign": "assigned",
              "close": "closed"}[action]
    audit(f"safeguarding_{change}", target=f"safeguarding:{alert_id}", detail=detail)
    cases.alerts().changed(alert_id, change)
    if _wants_json():
        return jsonify({"id": alert_id, "change": change, "status": detail["status"]})
    return redirect(_back(f"Alert {change}"), code=303)


def _change(db, alert_id: str, action: str) -> tuple[tuple[int, str] | None, dict[str, Any]]:
    """Make the change in `db`; returns (status, reason) when it is refused, and the detail."""
    by, at = current_user.username, now()
    case = get_case(session=db, alert_id=alert_id)
    if case is None:
        return (404, "no such safeguarding alert"), {}
    detail: dict[str, Any] = {"contact": case.contact_key}
    try:
        if action == "acknowledge":
            acknowledge(session=db, case=case, by=by, at=at)
        elif action == "assign":
            assignee = request.form.get("assignee", "").strip()
            if assignee not in cases.assignable(db):
                return (400, "choose a supervisor or adviser to assign it to"), detail
            assign(session=db, case=case, to=assignee, by=by, at=at)
            detail["assignee"] = assignee
        elif action == "outcome":
            outcome = request.form.get("outcome", "").strip()
            if outcome not in cases.get_config().outcomes:
                return (400, "choose one of the listed outcomes"), detail
            set_outcome(session=db, case=case, outcome=outcome, by=by, at=at)
            detail["outcome"] = outcome
        else:
            close(session=db, case=case, by=by, at=at)
    except CaseError as error:
        return (409, str(error)), detail
    detail["status"] = case.status
    return None, detail


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json"


def _back(done: str) -> str:
    """Where a form post returns: the page it came from (the panel or the dashboard)."""
    if request.form.get("back") == "dashboard":
        return url_for("supervisor.dashboard_page", done=done)
    return url_for("supervisor.panel_page", done=done)


def _refuse(status: int, reason: str):
    if _wants_json():
        return jsonify({"error": reason}), status
    return _page(error=reason, status=status)


@bp.get("/safeguarding/history")
@role_required(*SUPERVISORS)
def history_page():
    """Past alerts by date range, channel, kind and state, with who did what."""
    args = {name: request.args.get(name, "").strip()[:32] for name in
            ("from", "to", "channel", "kind", "state")}
    zone = load_definitions().timezone
    today = now().astimezone(zone).date()
    try:
        first = _date(args["from"]) or today - timedelta(days=30)
        last = _date(args["to"]) or today
        if last < first:
            raise ValueError("the end date is before the start date")
        if (last - first).days > MAX_HISTORY_DAYS:
            raise ValueError(f"choose at most {MAX_HISTORY_DAYS} days")
        for name, allowed in (("channel", CHANNELS), ("kind", KINDS), ("state", STATUSES)):
            if args[name] and args[name] not in allowed:
                raise ValueError(f"unknown {name}")
    except ValueError as error:
        return _history(args, [], error=str(error), status=400)
    since = datetime.combine(first, time(0), zone)
    until = datetime.combine(last + timedelta(days=1), time(0), zone)
    with session_scope(_engine()) as db:
        cases.record_new_alerts(db)
        found = search_cases(session=db, since=since, until=until,
                             channel=args["channel"] or None, kind=args["kind"] or None,
                             status=args["state"] or None)
        rows = cases.describe(db, found, now())
    args["from"], args["to"] = first.isoformat(), last.isoformat()
    return _history(args, rows)


def _date(text: str):
    if not text:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-12-07") from None


def _history(args: dict, rows: list, *, error: str | None = None, status: int = 200):
    return render_template("console/safeguarding_history.html", args=args, rows=rows,
                           error=error, channels=CHANNELS, kinds=KINDS, states=STATUSES,
                           outcomes=cases.get_config().outcomes,
                           zone=load_definitions().timezone), status
