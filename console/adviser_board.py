"""The adviser board: every signed-in adviser, their state and why, how long they have been in
it, the contact they hold and how many they have answered today; a supervisor can set one Away
or sign them out.

Presence is read live from Redis (routing.presence) after storing any change nobody asked about
(a silent console, a wrap-up run out), so the time in state comes from the adviser's open
presence_interval row (models.presence_history) and matches the supervisors' figures. Contacts
answered today are the contact timeline's `answered` events naming the adviser since the centre's
midnight. Times are on the app's clock, shown in the centre's time zone (figures.yaml). The page
polls `GET /console/api/advisers` every 5 s; each action is a CSRF-protected POST, audited. An
adviser on a phone call can be listened to, coached or barged in on (console.call_monitoring).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from sqlmodel import select

from console.audit import audit
from console.auth import passive, role_required
from console.call_monitoring import monitoring
from console.config import get_console_config
from console.floor import directory
from console.sessions import end_user_sessions
from console.supervisor_bp import SUPERVISORS, bp
from engine.dispatch import get_dispatcher, get_presence, now
from models import keys
from models.contacts import EventKind, adviser_of
from models.db import session_scope
from models.presence_history import open_interval
from models.records import ContactEvent
from models.staff import StaffUser
from routing.figure_definitions import load_definitions
from routing.presence import AWAY

STATES = {"available": "Available", "busy": "Busy", "wrap_up": "Wrap-up", "away": "Away"}
SUPERVISOR_REASON = "supervisor"


def board() -> dict:
    """Every signed-in adviser as the board shows them, by name."""
    presence = get_presence()
    presence.observe_all()  # a change nobody asked about is stored first, so its time is right
    views = presence.everyone()
    at, zone = now(), load_definitions().timezone
    ids = [v.user_id for v in views]
    with session_scope(current_app.extensions["engine"]) as db:
        names = {u.id: u.display_name or u.username
                 for u in db.exec(select(StaffUser).where(StaffUser.id.in_(ids)))} if ids else {}
        since = {i: _started(db, i) for i in ids}
        handled = _answered_today(db, at, zone)
    rows = [_row(v, names.get(v.user_id, str(v.user_id)), since[v.user_id],
                 handled[v.user_id], at, zone) for v in views]
    rows.sort(key=lambda r: (r["name"].casefold(), r["id"]))
    return {"at": at.astimezone(zone).isoformat(), "timezone": zone.key, "advisers": rows}


def _row(view, name: str, since: datetime | None, handled: int, at: datetime, zone) -> dict:
    config = get_console_config()
    reason = view.reason if view.status == AWAY else ""
    labels = {**config.away_reasons, **config.server_away_reasons}
    return {"id": view.user_id, "name": name, "state": STATES.get(view.status, "Away"),
            "reason": reason, "reason_label": labels.get(reason, reason),
            "since": since.astimezone(zone).isoformat() if since else None,
            "seconds_in_state": round((at - since).total_seconds()) if since else None,
            "contact": _contact(view.user_id, at, zone), "handled_today": handled,
            "monitor": monitoring(view.user_id)}


def _started(db, adviser_id: int) -> datetime | None:
    row = open_interval(session=db, adviser_id=adviser_id)
    return row.started if row else None


def _answered_today(db, at: datetime, zone) -> Counter:
    """Contacts answered since the centre's midnight, per adviser id."""
    midnight = datetime.combine(at.astimezone(zone).date(), time(0), tzinfo=zone).astimezone(UTC)
    found: Counter = Counter()
    details = db.exec(select(ContactEvent.detail).where(
        ContactEvent.kind == EventKind.ANSWERED.value, ContactEvent.at >= midnight,
        ContactEvent.at <= at.astimezone(UTC)))
    for detail in details:
        adviser = adviser_of(detail)
        if adviser is not None:
            found[adviser] += 1
    return found


def _contact(adviser_id: int, at: datetime, zone) -> dict | None:
    """The earliest contact the dispatcher gave the adviser that they still hold."""
    dispatcher, redis_client = get_dispatcher(), current_app.extensions["redis"]
    held = [a for a in (dispatcher.assignment(m) for m in dispatcher.contacts_of(adviser_id)) if a]
    if not held:
        return None
    given = {a.member: float(redis_client.hget(keys.key(keys.ASSIGNMENT, member=a.member), "at")
                             or at.timestamp()) for a in held}
    first = min(held, key=lambda a: (given[a.member], a.member))
    queue = first.queue_id.split(":")[0]  # a language line belongs to its queue
    place = directory().queues.get(queue)
    began = datetime.fromtimestamp(given[first.member], UTC)
    return {"channel": first.channel, "queue": queue, "queue_name": place.name if place else queue,
            "since": began.astimezone(zone).isoformat(),
            "seconds": round(at.timestamp() - given[first.member]), "held": len(held)}


@bp.get("/advisers")
@role_required(*SUPERVISORS)
def advisers_page():
    """The adviser board."""
    return render_template("console/advisers.html", initial=board(),
                           done=request.args.get("done"))


@bp.get("/api/advisers")
@role_required(*SUPERVISORS)
@passive
def advisers_api():
    """The board as JSON, polled by the page."""
    response = jsonify(board())
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/advisers/<int:user_id>/away")
@role_required(*SUPERVISORS)
def set_away(user_id: int):
    """Send a signed-in adviser Away (reason "supervisor"): the dispatcher offers them nothing."""
    name = _signed_in(user_id)
    get_presence().set_mode(user_id, AWAY, reason=SUPERVISOR_REASON)
    audit("adviser_set_away", target=str(user_id), detail={"reason": SUPERVISOR_REASON})
    return _back(f"{name} is Away")


@bp.post("/advisers/<int:user_id>/sign-out")
@role_required(*SUPERVISORS)
def sign_out(user_id: int):
    """End every console session of the adviser and take them off the dispatcher's list."""
    name = _signed_in(user_id)
    ended = end_user_sessions(user_id)
    get_presence().sign_off(user_id)
    audit("adviser_signed_out", target=str(user_id), detail={"sessions": ended})
    return _back(f"{name} is signed out")


def _signed_in(user_id: int) -> str:
    """The adviser's name; 404 when they are not signed in, 400 when the account is no adviser's."""
    if user_id not in {v.user_id for v in get_presence().everyone()}:
        abort(404, "this adviser is not signed in")
    with session_scope(current_app.extensions["engine"]) as db:
        user = db.get(StaffUser, user_id)
        if user is None or user.role != "adviser":
            abort(400, "only an adviser's presence can be changed here")
        return user.display_name or user.username


def _back(done: str):
    return redirect(url_for("supervisor.advisers_page", done=done), code=303)
