"""The supervisor's console: the live dashboard and its JSON, and emergency closures.

`GET /console/api/dashboard` is the contract's body (routing.figures_live) with the live extras
the page shows: adviser presence, transfers, containment, closures and breached targets. The page
polls it every second, so a figure moves within two seconds of the event that changed it, in
whichever app process the event happened. Closures take effect on the next call and chat (every
process reads them from Redis) and each one set or lifted is written to the audit log.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from flask import (
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from console import (  # noqa: F401 - importing them adds their routes to bp
    adviser_board,
    adviser_figures,
    metrics,
    quality,
    reports,
    rights,
    safeguarding,  # (the dashboard shows its panel too)
    staffing,
)
from console.audit import audit
from console.auth import passive, role_required
from console.floor import closures, directory, live_snapshot, now
from console.supervisor_bp import SUPERVISORS, bp
from engine.dispatch import get_presence
from models.confirmations import counts as confirmation_counts
from models.db import session_scope
from routing.directory import CONTACT_CENTRE_ID, Directory
from routing.figure_definitions import load_definitions
from routing.figures_live import alerts, dashboard_json
from routing.written import load_written_config, queue_counts

PRESENCE_STATES = ("Available", "Busy", "Wrap-up", "Away")
STATUS_NAMES = {"available": "Available", "busy": "Busy", "wrap_up": "Wrap-up", "away": "Away"}
MAX_MESSAGE = 200


def init_app(app: Flask) -> None:
    """Register the supervisor pages (guarded by the console) and `/metrics` (by its token).

    The reports and the staffing page (console.reports, console.staffing) add their routes to
    the same blueprint when imported."""
    app.register_blueprint(bp)
    app.register_blueprint(metrics.bp)


def body() -> dict:
    """The dashboard JSON with its live extras."""
    found = dashboard_json(live_snapshot())
    found["advisers"] = adviser_presence()
    found["closures"] = [{"entity": c.entity_id, "message": c.reason, "set_by": c.set_by,
                          "until": c.until.isoformat() if c.until else None}
                         for c in closures().list(directory().entity_ids())]
    found["alerts"] = alerts(found)
    found["written"] = written_clocks()
    with session_scope(current_app.extensions["engine"]) as db:
        found["rights"] = rights.clocks_body(db)
        # Information owed in writing within 5 working days (000:L21): open, and past due.
        found["confirmations"] = confirmation_counts(session=db, now=now())
    found["alerts"] += [{"figure": f"rights_{name}", "value": found["rights"][name], "target": 0}
                        for name in ("funder_overdue", "answer_overdue") if found["rights"][name]]
    if found["confirmations"]["overdue"]:
        found["alerts"].append({"figure": "confirmations_overdue", "target": 0,
                                "value": found["confirmations"]["overdue"]})
    return found


def written_clocks() -> dict:
    """Per written queue: enquiries open, and those past their first-reply clock (48 h for a
    complaint, 24 h otherwise; config/forms.yaml)."""
    with session_scope(current_app.extensions["engine"]) as db:
        counts = queue_counts(session=db, at=now())
    return {queue: {"name": name, **counts.get(queue, {"open": 0, "overdue": 0})}
            for queue, name in load_written_config().queue_names().items()}


def adviser_presence() -> dict:
    """Advisers by presence status (routing.presence, derived on the server: a console that
    stopped its heartbeats is Away), overall and per queue they take."""
    totals: Counter = Counter()
    per_queue: dict[str, Counter] = {}
    for adviser in get_presence().everyone():
        state = STATUS_NAMES.get(adviser.status, "Away")
        totals[state] += 1
        for queue in {q.split(":")[0] for q in adviser.queues}:  # language lines share one
            per_queue.setdefault(queue, Counter())[state] += 1
    return {"total": {s: totals[s] for s in PRESENCE_STATES},
            "queues": {q: {s: c[s] for s in PRESENCE_STATES} for q, c in per_queue.items()}}


@bp.get("/api/dashboard")
@role_required(*SUPERVISORS)
@passive
def dashboard_api():
    """Today's figures (Supervisor figures contract), polled by the dashboard page."""
    response = jsonify(body())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/dashboard")
@role_required(*SUPERVISORS)
def dashboard_page():
    """The live dashboard."""
    return _page(message=request.args.get("done"))


def _page(*, message: str | None = None, error: str | None = None) -> str:
    places = directory()
    names = {**{q: e.name for q, e in places.queues.items()},
             **{c: e.name for c, e in places.contractors.items()}}
    return render_template("console/dashboard.html", initial=body(), names=names,
                           entities=_closable(places), message=message, error=error,
                           **safeguarding.panel_context())


@bp.post("/closures")
@role_required(*SUPERVISORS)
def close_entity():
    """Close a prime contractor, a queue or the whole contact centre, with a message and end."""
    entity = request.form.get("entity", "").strip()
    message = request.form.get("message", "").strip()[:MAX_MESSAGE]
    try:
        until = _until(request.form.get("until", ""), request.form.get("hours", ""))
        if not message:
            raise ValueError("give a message saying why")
        closure = closures().close(entity, reason=message, set_by=_username(), until=until,
                                   now=now())
    except ValueError as error:
        return _page(error=str(error)), 400
    audit("closure_set", target=entity, detail={
        "message": message, "until": closure.until.isoformat() if closure.until else None})
    return _back(f"{_name(entity)} is closed until {_when(closure.until)}")


@bp.post("/closures/<entity>/reopen")
@role_required(*SUPERVISORS)
def reopen_entity(entity: str):
    """Lift an emergency closure."""
    try:
        lifted = closures().reopen(entity)
    except ValueError as error:
        return _page(error=str(error)), 400
    if lifted:
        audit("closure_lifted", target=entity)
    return _back(f"{_name(entity)} is open again" if lifted else
                 f"{_name(entity)} was not closed")


def _until(text: str, hours: str) -> datetime | None:
    """The closure's end: a local date-time from the form, or a number of hours from now."""
    if hours.strip():
        return now() + timedelta(hours=float(hours))
    if not text.strip():
        return None
    zone = load_definitions().timezone
    value = datetime.fromisoformat(text.strip())
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


def _name(entity: str) -> str:
    return dict(_closable(directory())).get(entity, entity)


def _when(until: datetime | None) -> str:
    if until is None:
        return "reopened"
    return until.astimezone(load_definitions().timezone).strftime("%H:%M on %d %B %Y")


def _closable(places: Directory) -> list[tuple[str, str]]:
    return [(CONTACT_CENTRE_ID, "The whole contact centre"),
            *((c, e.name) for c, e in places.contractors.items()),
            *((q, f"Queue: {e.name}") for q, e in places.queues.items())]


def _username() -> str:
    from flask_login import current_user

    return current_user.username


def _back(done: str):
    return redirect(url_for("supervisor.dashboard_page", done=done), code=303)
