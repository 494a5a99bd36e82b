"""Callback worklists: the list (page, rows, JSON, CSV, live events) and one callback's page.

Opening a callback claims it (its lease), the open page renews the claim and gives it back when
the adviser leaves; someone else's claim is shown, never taken before it lapses. Tenancy comes
from routing.worklist.Scope: a callback the viewer may not see answers 404 with the same words
as one that does not exist, on every URL here.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from config import clock as dev_clock
from console.audit import audit
from console.auth import guard, passive, role_required
from console.worklist_view import OUTCOME_WORDS, SOURCE_WORDS, owner_label, row, to_csv
from live import flask as live_flask
from models.callbacks import CallbackPublic
from models.contacts import UnknownContact, timeline
from models.db import session_scope
from routing import callback_dials, callback_live, callback_work, callbacks, worklist
from routing.callback_config import CallbackRules, load_rules

# Guarded once, here: signed out -> sign-in page, a role without rights -> 403 (console.auth).
bp = guard(Blueprint("worklist", __name__, url_prefix="/console/callbacks"))
VIEWERS = ("contractor_adviser", "adviser", "supervisor", "admin")
WORKERS = ("contractor_adviser", "adviser")  # who claims and calls; supervisors look on
NOT_FOUND = "No such callback."
STREAM_SECONDS = 25.0


def init_app(app) -> None:
    """Register the worklist blueprint (guarded like the rest of the console)."""
    app.register_blueprint(bp)


def _rules() -> CallbackRules:
    return current_app.extensions.get("callback_rules") or load_rules()


def _now() -> datetime:
    clock = current_app.extensions.get("callback_clock")
    return clock() if clock else dev_clock.now()


def _engine():
    return current_app.extensions["engine"]


def _scope() -> worklist.Scope:
    return worklist.scope_for(role=current_user.role, contractor_id=current_user.contractor_id,
                              queues=current_user.queues, staff_id=current_user.username)


def _directory():
    voice = current_app.extensions.get("voice")
    if voice is not None:
        return voice.directory
    from routing.plan import default_directory
    return default_directory()


def _visible(callback_id: str) -> CallbackPublic:
    """The callback, if this viewer may see it; else 404 (the same for "not there")."""
    if not callback_id.isdigit() or len(callback_id) > 12:
        abort(404, NOT_FOUND)
    with session_scope(_engine()) as session:
        found = callbacks.get_callback(session=session, callback_id=int(callback_id))
    if found is None or not _scope().allows(found):
        abort(404, NOT_FOUND)
    return found


def _listed() -> list[dict]:
    args = {"status": request.args.get("status", "open"), "due": request.args.get("due", "all")}
    now, rules = _now(), _rules()
    try:
        with session_scope(_engine()) as session:
            found = worklist.list_callbacks(session=session, scope=_scope(), now=now,
                                            due_soon_minutes=rules.due_soon_minutes, **args)
    except ValueError as error:
        if request.path.endswith(".json"):
            abort(Response(json.dumps({"error": str(error)}), 400, mimetype="application/json"))
        abort(400, str(error))
    return [row(c, now, rules.due_soon_minutes) for c in found]


@bp.get("")
@role_required(*VIEWERS)
def list_page():
    """The worklist: soonest due first, overdue and due-soon highlighted, filters, live."""
    rows = _listed()
    failed = []
    if current_user.role in ("supervisor", "admin"):
        with session_scope(_engine()) as session:
            since = _now() - timedelta(days=7)
            failed = [row(c, _now(), _rules().due_soon_minutes) for c in
                      worklist.failed_for_supervisor(session=session, since=since)]
    latest = callback_live.latest_id(current_app.extensions["redis"],
                                     callback_live.stream_key(_scope().audience))
    return render_template("console/worklist.html", rows=rows, failed=failed,
                           server_now=_now().isoformat(), events_after=latest,
                           status=request.args.get("status", "open"),
                           due=request.args.get("due", "all"),
                           statuses=worklist.STATUS_FILTERS, dues=worklist.DUE_FILTERS,
                           sources=SOURCE_WORDS)


@bp.get("/rows")
@role_required(*VIEWERS)
@passive
def list_rows():
    """The list's rows alone, for the live page to swap in."""
    return render_template("console/worklist_rows.html", rows=_listed(), sources=SOURCE_WORDS)


@bp.get("/list.json")
@role_required(*VIEWERS)
@passive
def list_json():
    """The worklist as JSON."""
    return jsonify(as_of=_now().isoformat(), callbacks=_listed())


@bp.get("/export.csv")
@role_required(*VIEWERS)
def list_csv():
    """The worklist as CSV (the filters apply)."""
    rows = _listed()
    audit("callbacks_exported", detail={"rows": len(rows)})
    return Response(to_csv(rows), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=callbacks.csv", "Cache-Control": "no-store"})


@bp.get("/events")
@role_required(*VIEWERS)
@passive
def events():
    """Server-sent events: a change to a callback this viewer's list may show (ids only)."""
    redis = current_app.extensions["redis"]
    key = callback_live.stream_key(_scope().audience)
    seconds = float(current_app.config.get("CALLBACK_STREAM_SECONDS", STREAM_SECONDS))

    def frames(after: str):
        # A page opened without a position starts at the newest change, not the history.
        after = after if after != "0" else callback_live.latest_id(redis, key)
        yield "retry: 2000\n\n"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            after, changes = callback_live.read_since(redis, key, after, block_ms=1000)
            for change in changes:
                name = "transfer" if change.get("transfer") else "callback"
                data = ({"kind": change["kind"]} if name == "transfer" else
                        {"callback_id": change["callback_id"], "kind": change["kind"]})
                yield f"id: {change['id']}\nevent: {name}\ndata: {_json(data)}\n\n"
            yield ": keep-alive\n\n"

    # Behind the events front no worker thread is held; served alone, `frames` streams it.
    return live_flask.stream(redis, key, renderer="raw", fallback=frames)


@bp.get("/<callback_id>")
@role_required(*VIEWERS)
def callback_page(callback_id: str):
    """One callback: opening it claims it for an adviser; its story; call; outcome."""
    callback_id = _visible(callback_id).id
    rules, now = _rules(), _now()
    with session_scope(_engine()) as session:
        if current_user.role in WORKERS:
            opened = callback_work.open_callback(session=session, callback_id=callback_id,
                                                 staff_id=current_user.username, rules=rules,
                                                 now=now)
        else:
            found = callbacks.get_callback(session=session, callback_id=callback_id)
            held = found.claimed_by if found.status == "claimed" else None
            opened = callback_work.Opened(found, False, held, None, callback_dials.latest_dial(
                session=session, callback_id=callback_id))
        story = _story(session, opened.callback.contact_key)
    if opened.mine:
        _publish(callback_id, "claimed")
    audit("callback_opened", target=f"callback:{callback_id}",
          detail={"claimed": opened.mine})
    callback = opened.callback
    return render_template(
        "console/callback.html", cb=callback, opened=opened, server_now=now.isoformat(),
        view=row(callback, now, rules.due_soon_minutes),
        summary=worklist.summary_view(callback.summary), story=story, rules=rules,
        owner=owner_label(callback, _directory()), outcome_words=OUTCOME_WORDS,
        sources=SOURCE_WORDS, outcomes=(callback_work.PHONE_OUTCOMES if callback.phone
                                        else callback_work.EMAIL_OUTCOMES),
        can_call=bool(callback.phone and current_user.endpoint and opened.mine))


@bp.post("/<callback_id>/heartbeat")
@role_required(*WORKERS)
@passive
def heartbeat(callback_id: str):
    """The open page renews its claim; 409 once it has lapsed and gone to someone else."""
    callback_id = _visible(callback_id).id
    try:
        with session_scope(_engine()) as session:
            kept = callback_work.heartbeat(session=session, callback_id=callback_id,
                                           staff_id=current_user.username, rules=_rules(),
                                           now=_now())
    except callbacks.CallbackConflict:
        return jsonify(error="this callback is no longer yours: reopen it to see who has it"), 409
    return jsonify(lease_expires_at=kept.lease_expires_at.isoformat())


@bp.post("/<callback_id>/release")
@role_required(*WORKERS)
@passive
def release(callback_id: str):
    """The adviser left the page: give the callback back (unless a call is under way)."""
    callback_id = _visible(callback_id).id
    with session_scope(_engine()) as session:
        released = callback_work.leave(session=session, callback_id=callback_id,
                                       staff_id=current_user.username, now=_now())
    if released:
        _publish(callback_id, "released")
    return Response(status=204)


@bp.post("/<callback_id>/call")
@role_required(*WORKERS)
def call(callback_id: str):
    """Click-to-call: ring the adviser's own phone, then the customer."""
    callback_id = _visible(callback_id).id
    if not current_user.endpoint:
        return jsonify(error="your account has no phone to ring: ask an admin to set one"), 400
    start = current_app.extensions.get("click_to_call")
    if start is None:
        return jsonify(error="calls are switched off on this system"), 503
    try:
        dial = start(callback_id=callback_id, staff_id=current_user.username,
                     endpoint=current_user.endpoint)
    except callbacks.CallbackConflict as error:
        return jsonify(error=str(error)), 409
    except callbacks.CallbackError as error:
        return jsonify(error=str(error)), 400
    except RuntimeError:
        return jsonify(error="your phone could not be rung; no attempt was used"), 502
    audit("callback_call_started", target=f"callback:{callback_id}")
    return jsonify(state=dial.state), 202


@bp.get("/<callback_id>/state")
@role_required(*VIEWERS)
@passive
def state(callback_id: str):
    """The callback's status and its latest call, for the open page to follow."""
    found = _visible(callback_id)
    callback_id = found.id
    with session_scope(_engine()) as session:
        dial = callback_dials.latest_dial(session=session, callback_id=callback_id)
    mine = found.status == "claimed" and found.claimed_by == current_user.username
    return jsonify(status=found.status, mine=mine, attempts=found.attempt_count,
                   held_by=found.claimed_by if found.status == "claimed" and not mine else None,
                   call=None if dial is None else {"state": dial.state, "result": dial.result,
                                                   "answered_by": dial.answered_by})


@bp.post("/<callback_id>/outcome")
@role_required(*WORKERS)
def outcome(callback_id: str):
    """Record what happened; reached needs an outcome code. Back to the list when done."""
    callback_id = _visible(callback_id).id
    chosen = request.form.get("outcome", "")[:32]
    code = request.form.get("outcome_code", "")[:32] or None
    try:
        with session_scope(_engine()) as session:
            after = callback_work.record_outcome(
                session=session, callback_id=callback_id, staff_id=current_user.username,
                outcome=chosen, outcome_code=code if chosen == "reached" else None,
                rules=_rules(), now=_now())
    except (callbacks.CallbackError, callbacks.CallbackConflict) as error:
        return render_template("console/outcome_error.html", error=str(error),
                               callback_id=callback_id), 400 if isinstance(
                                   error, callbacks.CallbackError) else 409
    _publish(callback_id, after.status if after.status != "pending" else "attempted")
    audit("callback_outcome", target=f"callback:{callback_id}",
          detail={"outcome": chosen, "code": code, "status": after.status})
    return redirect(url_for("worklist.list_page", done=callback_id), code=303)


def _story(session, contact_key: str) -> list:
    try:
        return timeline(session=session, contact_key=contact_key)
    except UnknownContact:
        return []


def _publish(callback_id: int, kind: str) -> None:
    try:
        with session_scope(_engine()) as session:
            callback_live.publish_id(current_app.extensions["redis"], session, callback_id, kind)
    except Exception:  # noqa: BLE001  # nosec B110 - the list reloads from the database anyway
        pass


def _json(data) -> str:
    return json.dumps(data)
