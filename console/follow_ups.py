"""The follow-up worklist: customers the worker flagged after their last contact (000:L110).

An adviser opens a follow-up; the first opening looks up how to reach the customer (a number or
address already held, else the phone system's record of their last call, through the desk port)
and makes the callback that carries it, so claiming, click-to-call and attempts are the callback
worklist's own (console.worklist). They record the progression outcome heard (config/
follow_up.yaml), an unsuccessful try, or that the customer declines. A refusal said on any other
channel is recorded here too, against any contact of the customer.
Tenancy: contact-centre advisers whose queues include the follow-up queue, supervisors, admins.
"""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask import (
    Blueprint,
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
from console.auth import guard, role_required
from console.worklist_view import OUTCOME_WORDS, due_words, urgency
from engine.desk_ports import desk_ports
from models.db import session_scope
from models.follow_ups import FollowUp, get_follow_up, open_follow_ups
from routing import callback_work, callbacks, follow_up, worklist
from routing.callback_config import CallbackRules, load_rules
from routing.follow_up_rules import FollowUpRules
from routing.follow_up_rules import load_rules as load_follow_up_rules

bp = guard(Blueprint("follow_ups", __name__, url_prefix="/console/follow-ups"))
VIEWERS = ("adviser", "supervisor", "admin")
WORKERS = ("adviser",)
NOT_FOUND = "No such follow-up."
TRIES = {"phone": ("no_answer", "busy", "voicemail", "wrong_number"), "email": ("wrong_number",)}
SERVICE_WORDS = {"information": "Information", "advice": "Advice"}


def init_app(app) -> None:
    """Register the follow-up blueprint (guarded like the rest of the console)."""
    app.register_blueprint(bp)


def _rules() -> FollowUpRules:
    return current_app.extensions.get("follow_up_rules") or load_follow_up_rules()


def _callback_rules() -> CallbackRules:
    return current_app.extensions.get("callback_rules") or load_rules()


def _now() -> datetime:
    clock = current_app.extensions.get("callback_clock")
    return clock() if clock else dev_clock.now()


def _engine():
    return current_app.extensions["engine"]


def _may_work_queue() -> bool:
    """Whether this viewer's callback scope takes the follow-up queue (as the callbacks do)."""
    scope = worklist.scope_for(role=current_user.role, contractor_id=current_user.contractor_id,
                               queues=current_user.queues, staff_id=current_user.username)
    return scope.allows(SimpleNamespace(queue_id=_rules().queue, contractor_id=None,
                                        owner_adviser=None))


def _visible(follow_up_id: str) -> FollowUp:
    if not _may_work_queue() or not follow_up_id.isdigit() or len(follow_up_id) > 12:
        abort(404, NOT_FOUND)
    with session_scope(_engine()) as session:
        found = get_follow_up(session=session, follow_up_id=int(follow_up_id))
        if found is None or found.status == "not_followed":
            abort(404, NOT_FOUND)
        session.expunge(found)
    return found


def _row(item: FollowUp, now: datetime) -> dict:
    return {"id": item.id, "stage": item.stage, "stage_words": follow_up.STAGE_WORDS[item.stage],
            "due_at": item.due_at.isoformat(), "due_words": due_words(item.due_at, now),
            "urgency": "overdue" if item.due_at <= now else urgency(item.due_at, now, 60),
            "channel": item.channel, "service": SERVICE_WORDS.get(item.service or "", "–"),
            "started": item.callback_id is not None}


@bp.get("")
@role_required(*VIEWERS)
def list_page():
    """Open follow-ups, soonest due first, and a form to record a refusal from any channel."""
    return render_template("console/follow_ups.html", **_listing())


def _listing(error: str | None = None) -> dict:
    now, may_work = _now(), _may_work_queue()
    rows = []
    if may_work:
        with session_scope(_engine()) as session:
            rows = [_row(f, now) for f in open_follow_ups(session=session)]
    return {"rows": rows, "rules": _rules(), "may_work": may_work, "error": error}


@bp.get("/list.json")
@role_required(*VIEWERS)
def list_json():
    """The open follow-ups as JSON."""
    now = _now()
    with session_scope(_engine()) as session:
        rows = [_row(f, now) for f in open_follow_ups(session=session)] \
            if _may_work_queue() else []
    return jsonify(as_of=now.isoformat(), follow_ups=rows)


@bp.get("/<follow_up_id>")
@role_required(*VIEWERS)
def follow_up_page(follow_up_id: str):
    """One follow-up: the first opening by an adviser starts it; then call or write, and record."""
    found, now, problem = _visible(follow_up_id), _now(), None
    if found.status == "open" and found.callback_id is None and current_user.role in WORKERS:
        problem = _start(found, now)
        found = _visible(follow_up_id)
    opened = None
    if found.callback_id is not None:
        with session_scope(_engine()) as session:
            if current_user.role in WORKERS and found.status == "open":
                opened = callback_work.open_callback(
                    session=session, callback_id=found.callback_id,
                    staff_id=current_user.username, rules=_callback_rules(), now=now)
            else:
                cb = callbacks.get_callback(session=session, callback_id=found.callback_id)
                opened = callback_work.Opened(cb, False, None, None, None)
    audit("follow_up_opened", target=f"follow_up:{found.id}",
          detail={"claimed": bool(opened and opened.mine)})
    cb = opened.callback if opened else None
    return render_template(
        "console/follow_up.html", fu=found, row=_row(found, now), opened=opened, cb=cb,
        problem=problem, rules=_rules(), callback_rules=_callback_rules(),
        tries=TRIES["phone" if cb is not None and cb.phone else "email"],
        outcome_words=OUTCOME_WORDS, server_now=now.isoformat(),
        can_call=bool(cb is not None and cb.phone and current_user.endpoint and opened.mine))


def _start(found: FollowUp, now: datetime) -> str | None:
    """Make the follow-up's callback; the reason it cannot be made, or None."""
    with session_scope(_engine()) as session:
        phone, email = follow_up.held_address(session=session, follow_up=found)
    if not (phone or email) and found.channel == "phone":
        phone = desk_ports().caller_number(found.contact_key)
    try:
        with session_scope(_engine()) as session:
            follow_up.start(session=session, follow_up_id=found.id, phone=phone, email=email,
                            rules=_rules(), now=now)
    except (follow_up.FollowUpError, callbacks.CallbackError) as error:
        return str(error)
    audit("follow_up_started", target=f"follow_up:{found.id}")
    return None


@bp.post("/<follow_up_id>/outcome")
@role_required(*WORKERS)
def outcome(follow_up_id: str):
    """Record a progression outcome, that the customer declines, or an unsuccessful try."""
    found = _visible(follow_up_id)
    chosen = request.form.get("result", "")[:32]
    try:
        with session_scope(_engine()) as session:
            if chosen in TRIES["phone"]:
                after = follow_up.attempt(session=session, follow_up_id=found.id,
                                          staff_id=current_user.username, outcome=chosen,
                                          callback_rules=_callback_rules(), now=_now())
            else:
                after = follow_up.complete(session=session, follow_up_id=found.id,
                                           staff_id=current_user.username, outcome=chosen,
                                           rules=_rules(), callback_rules=_callback_rules(),
                                           now=_now())
            status = after.status
    except (follow_up.FollowUpError, callbacks.CallbackError) as error:
        return render_template("console/follow_up_error.html", error=str(error),
                               follow_up_id=found.id), 400
    except callbacks.CallbackConflict as error:
        return render_template("console/follow_up_error.html", error=str(error),
                               follow_up_id=found.id), 409
    audit("follow_up_outcome", target=f"follow_up:{found.id}",
          detail={"result": chosen, "status": status})
    return redirect(url_for("follow_ups.list_page", done=found.id), code=303)


@bp.post("/decline")
@role_required(*VIEWERS)
def decline():
    """Record that a customer declines follow-up, said on any channel, against one of their
    contacts (a call's reference, a chat's, an enquiry's). JSON with Accept: application/json."""
    key = request.form.get("contact_key", "").strip()[:64]
    channel = request.form.get("channel", "")[:16]
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        if not key:
            raise follow_up.FollowUpError("give the reference of one of the customer's contacts")
        with session_scope(_engine()) as session:
            first = follow_up.decline(session=session, contact_key=key, channel=channel,
                                      rules=_rules(), now=_now())
    except follow_up.FollowUpError as error:
        if wants_json:
            return jsonify(error=str(error)), 400
        return render_template("console/follow_ups.html", **_listing(str(error))), 400
    audit("follow_up_declined", target=f"contact:{key}", detail={"channel": channel})
    if wants_json:
        return jsonify(recorded=True, already=not first)
    return redirect(url_for("follow_ups.list_page", declined=1), code=303)
