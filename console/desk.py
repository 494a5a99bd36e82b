"""The adviser's desk: presence, the contacts the dispatcher gives them, the screen pop, chats
(reply, canned answers, transfer, close) and wrap-up with an outcome code (and, if the customer
agreed, knowledge articles to confirm in writing: console.desk_confirm).

Every state change is a POST carrying the CSRF token (X-CSRFToken) and is written to the audit
log; an adviser can act only on contacts the dispatcher gave them.
"""

from __future__ import annotations

from flask import abort, current_app, jsonify, render_template, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from console import bp, desk_confirm
from console.audit import audit
from console.auth import ConsoleUser, passive, role_required
from console.config import get_console_config
from console.customer_record import check_for_customer, record_panel
from console.live import stream_response
from console.phone import panel as phone_panel
from console.screen_pop import screen_pop
from engine import desk_calls, figures
from engine.desk_ports import desk_ports
from engine.dispatch import (
    clock,
    dispatch,
    end_contact,
    get_dispatcher,
    get_presence,
    now,
    queue_ids,
    wrap_up_of,
)
from models import keys
from models.contacts import EventKind, NewEvent, record_events
from models.db import session_scope
from models.redaction import RESTRICTED, redact
from routing.presence import AWAY, MODES, WRAP_UP

MAX_NOTE = 1000
MAX_REPLY = 1000


def _sign_on(user: ConsoleUser):
    presence = get_presence()
    shown = presence.sign_on(user.id, queues=user.queues, chat_cap=get_console_config().chat_cap,
                             endpoint=user.endpoint)
    _name_for_customers(user)
    return shown


def _name_for_customers(user: ConsoleUser) -> None:
    # The customer is told the display name (or of "an adviser"), never the login name; set at
    # every heartbeat too, so an administrator's change reaches the next chat without a reload.
    current_app.extensions["redis"].hset(keys.key(keys.ADVISER, user_id=user.id), "name",
                                         user.display_name or "")


def _redis():
    return current_app.extensions["redis"]


def _mine(member: str):
    """The dispatcher's assignment of `member` to the current adviser, or 403/404."""
    held = get_dispatcher().assignment(member)
    if held is None:
        abort(404, "this contact is not with an adviser")
    if held.adviser_id != current_user.id:
        abort(403, "this contact is with another adviser")
    return held


def _state() -> dict:
    """The adviser's presence, contacts held and contacts waiting for wrap-up."""
    presence = get_presence().get(current_user.id) or _sign_on(current_user)
    dispatcher = get_dispatcher()
    held = [dispatcher.assignment(m) for m in sorted(dispatcher.contacts_of(current_user.id))]
    wrap_ups = _redis().hgetall(keys.key(keys.ADVISER_WRAP_UPS, user_id=current_user.id))
    # A transfer or callback made from the desk sets the outcome it means (engine.desk_calls).
    chosen = desk_calls.outcomes_set(_redis(), current_user.id)
    at = clock()()
    taken = {a.member: dispatcher.taken_at(a.member) for a in held if a}
    shown = presence.as_dict()
    shown["reason_label"] = get_console_config().away_reasons.get(presence.reason, presence.reason)
    # Each contact is named by channel, queue and time waited (the console ticks it on), so
    # three chats from one queue are never three identical lines. Contacts not yet taken are
    # "offered" (the desk rings for them); a taken one's handle time runs from when it was taken.
    return {"presence": shown,
            "contacts": [{"member": a.member, "channel": a.channel, "queue": a.queue_id,
                          "waited_seconds": round(a.waited(at))} for a in held if a],
            "offered": [m for m, t in taken.items() if t is None],
            "handled_seconds": {m: round(at - t) for m, t in taken.items() if t is not None},
            "wrap_up_seconds_left": (round(max(0.0, presence.wrap_up_until - at))
                                     if presence.status == WRAP_UP else None),
            "wrap_ups": [{"member": m, **wrap_up_of(v),
                          **({"outcome": chosen[m]} if m in chosen else {})}
                         for m, v in sorted(wrap_ups.items())],
            "waiting": dispatcher.waiting()}


@bp.get("/desk")
@role_required("adviser")
def desk_page():
    """The desk: presence, contacts, screen pop, chat and wrap-up."""
    _sign_on(current_user)
    config = get_console_config()
    canned = [{"id": k, "title": t} for k, (t, _) in config.canned.items()]
    return render_template("console/desk.html", config=config, canned=canned,
                           outcomes=config.outcomes, queues=queue_ids(),
                           phone=phone_panel(current_user), articles=desk_confirm.articles())


@bp.get("/api/desk")
@role_required("adviser")
@passive
def desk_state():
    """The adviser's state (presence, contacts, wrap-ups, queue sizes)."""
    return jsonify(_state())


@bp.post("/api/presence")
@role_required("adviser")
def presence_change():
    """Available, or Away with one of the configured reasons; going Available looks for a
    contact at once."""
    body = request.get_json(silent=True) or {}
    mode, reason = body.get("mode"), body.get("reason")
    if mode not in MODES:
        abort(400, f"mode must be one of {', '.join(MODES)}")
    reasons = get_console_config().away_reasons
    if mode == AWAY and reason not in reasons:
        abort(400, f"say why you are going Away: reason must be one of {', '.join(reasons)}")
    _sign_on(current_user)
    get_presence().set_mode(current_user.id, mode, reason=reason if mode == AWAY else "chosen")
    audit("presence_changed", detail={"mode": mode, "reason": reason if mode == AWAY else None})
    if mode == "available":
        dispatch()
    return jsonify(_state())


@bp.post("/api/heartbeat")
@role_required("adviser")
@passive
def heartbeat():
    """The console is open; also a periodic chance to dispatch."""
    if get_presence().heartbeat(current_user.id) is None:
        _sign_on(current_user)
    else:
        _name_for_customers(current_user)
    dispatch()
    return jsonify(_state())


@bp.get("/api/events")
@role_required("adviser")
@passive
def desk_events():
    """The adviser's live events: contact (a screen pop), ended, declined, gone."""
    return stream_response(_redis(), keys.key(keys.ADVISER_EVENTS, user_id=current_user.id))


@bp.get("/api/contacts/<member>")
@role_required("adviser")
def contact_pop(member: str):
    """The screen pop of a contact the adviser holds (the view is audited)."""
    held = _mine(member)
    audit("contact_viewed", target=member, detail={"channel": held.channel})
    return jsonify(_pop(member, held))


def _pop(member: str, held) -> dict:
    """The screen pop with the customer record's panel, gated on the customer's check."""
    pop = screen_pop(member, held.channel, held, clock()())
    try:
        contact_key = _contact_key(member, held.channel)
    except HTTPException:  # the chat's live state has expired: nothing to link or release
        pop["record"] = {"linked": False, "authenticated": False}
        return pop
    pop["record"] = record_panel(contact_key, adviser_id=current_user.id, member=member)
    return pop


@bp.post("/api/contacts/<member>/identity")
@role_required("adviser")
def contact_identity(member: str):
    """The memorable number the customer tells the adviser: checked, audited, then the pop."""
    held = _mine(member)
    secret = (request.get_json(silent=True) or {}).get("secret")
    try:
        result = check_for_customer(_contact_key(member, held.channel), secret,
                                    adviser_id=current_user.id, member=member)
    except ValueError as error:
        abort(400, str(error))
    if result == "not_linked":
        abort(409, "this contact has no customer record to check")
    return jsonify(result=result, pop=_pop(member, held))


@bp.get("/api/chats/<member>/events")
@role_required("adviser")
@passive
def chat_events(member: str):
    """The chat's own live stream (the same one the customer sees)."""
    if _mine(member).channel != "chat":
        abort(404, "not a chat")
    return desk_ports().chat_events(member)


def _chat(member: str):
    held = _mine(member)
    if held.channel != "chat":
        abort(404, "not a chat")
    service = desk_ports().chat_service()
    chat = service.store.load(member)
    if chat is None or chat.state != "adviser":
        abort(409, "this chat has ended")
    return held, service, chat


@bp.get("/api/chats/<member>/canned/<answer_id>")
@role_required("adviser")
def canned_preview(member: str, answer_id: str):
    """A canned answer's words for this chat, to edit in the reply box: nothing is sent."""
    held, _service, _chat_session = _chat(member)
    if answer_id not in get_console_config().canned:
        abort(404, "unknown canned answer")
    return jsonify(text=_canned(answer_id, held))


def _canned(answer_id: str, held) -> str:
    return get_console_config().canned_text(answer_id, adviser=current_user.shown_name,
                                            queue=held.queue_id.replace("_", " "))


@bp.post("/api/chats/<member>/messages")
@role_required("adviser")
def chat_reply(member: str):
    """Send a reply: {"text"} (edited from a canned answer, {"canned": id} says which), or
    {"canned": id} alone for the canned words as they are."""
    held, service, chat = _chat(member)
    body = request.get_json(silent=True) or {}
    config = get_console_config()
    if "canned" in body and body["canned"] not in config.canned:
        abort(400, "unknown canned answer")
    if "canned" in body and "text" not in body:
        text = _canned(body["canned"], held)
    else:
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            abort(400, '"text" must be a non-empty string')
        if len(text) > MAX_REPLY:
            abort(400, f'"text" is longer than {MAX_REPLY} characters')
        text = text.strip()
    service.adviser_says(chat, text, name=current_user.shown_name)
    get_dispatcher().take(member)  # replying takes a chat that was only offered
    audit("chat_replied", target=member, detail={"canned": body.get("canned")})
    return jsonify(sent=True, text=text)


@bp.post("/api/chats/<member>/transfer")
@role_required("adviser")
def chat_transfer(member: str):
    """Transfer to another queue: the customer is told and keeps their place by time waited."""
    held, service, chat = _chat(member)
    queue = (request.get_json(silent=True) or {}).get("queue")
    if queue not in queue_ids() or queue == held.queue_id:
        abort(400, "choose another contact-centre queue")
    service.transfer(chat, queue)
    get_dispatcher().hand_back(member, to_queue=queue)
    audit("chat_transferred", target=member, detail={"from": held.queue_id, "to": queue})
    dispatch()
    return jsonify(transferred=True, queue=queue)


@bp.post("/api/chats/<member>/close")
@role_required("adviser")
def chat_close(member: str):
    """End the chat for both sides; the adviser then wraps it up."""
    _held, service, chat = _chat(member)
    service.end(chat, by="adviser")
    end_contact(member)
    audit("chat_closed", target=member)
    return jsonify(closed=True)


@bp.post("/api/calls/<member>/interpreter")
@role_required("adviser")
def call_interpreter(member: str):
    """Advice in another language: bring the interpreter into the call, three-way (000:L47)."""
    held = _mine(member)
    if held.channel != "call":
        abort(404, "not a call")
    added = desk_ports().add_interpreter(member, get_console_config().interpreters)
    if isinstance(added, str):
        abort(409, added)
    audit("interpreter_added", target=member, detail={"language": added["language"]})
    return jsonify(interpreter=True, language=added["language"])


@bp.post("/api/contacts/<member>/wrap-up")
@role_required("adviser")
def wrap_up(member: str):
    """The outcome code and an optional note (redacted; the adviser is warned if words went)."""
    wraps = keys.key(keys.ADVISER_WRAP_UPS, user_id=current_user.id)
    stored_wrap = _redis().hget(wraps, member)
    if stored_wrap is None:
        abort(404, "nothing to wrap up for this contact")
    channel = wrap_up_of(stored_wrap)["channel"]
    body = request.get_json(silent=True) or {}
    # The code a transfer or callback from the desk set, unless the adviser chose another.
    outcome = body.get("outcome") or desk_calls.outcomes_set(_redis(), current_user.id).get(member)
    note = body.get("note") or ""
    config = get_console_config()
    if outcome not in config.outcomes:
        abort(400, "choose an outcome code")
    if not isinstance(note, str) or len(note) > MAX_NOTE:
        abort(400, f"the note must be text of at most {MAX_NOTE} characters")
    confirm = desk_confirm.requested(body)  # checked before anything is recorded
    stored = redact(note.strip()) if note.strip() else None
    removed = bool(stored and RESTRICTED in stored and RESTRICTED not in note)
    contact_key = _contact_key(member, channel)
    _record(contact_key, EventKind.WRAPPED_UP, {"outcome": outcome, "adviser": current_user.id},
            text=stored)
    confirmed = desk_confirm.arrange(confirm, contact_key, current_user.id) if confirm else None
    _redis().hdel(wraps, member)
    desk_calls.outcome_recorded(_redis(), current_user.id, member)
    if not _redis().hlen(wraps) and not get_dispatcher().contacts_of(current_user.id):
        get_presence().end_wrap_up(current_user.id)
        dispatch()
    audit("wrapped_up", target=member, detail={"outcome": outcome})
    return jsonify(wrapped_up=True, note=stored, restricted_removed=removed,
                   confirmation=confirmed, **_state())


def _contact_key(member: str, channel: str) -> str:
    if channel == "chat":
        chat = desk_ports().chat_store().load(member)
        if chat is None:
            abort(410, "the chat has expired; its wrap-up cannot be recorded")
        return chat.contact_key
    return member


def _record(contact_key: str, kind: EventKind, detail: dict, text: str | None = None) -> None:
    # The app's one clock (CLOCK_START and tests move it), never the wall clock.
    events = [NewEvent(kind=kind, at=now(), detail=detail, text=text)]
    with session_scope(current_app.extensions["engine"]) as db:
        record_events(session=db, contact_key=contact_key, events=events)
    figures.observe("webchat" if contact_key.startswith("webchat-") else "phone", contact_key,
                    events)


