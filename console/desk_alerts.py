"""The desk's offers and alerts: accepting or declining a contact offered, and each adviser's
alert preferences (the ring's sound on or off and its volume), kept with their account.

A contact the dispatcher gives an adviser is offered until they take it: Accept on the desk (or,
for a call, 1 on their phone after the whisper; a reply takes a chat). Until then the desk rings,
flashes the tab's title and shows a notification. Declining gives the contact back with its place
by time waited, and the adviser goes Away (reason "declined"), as an unanswered call does.
"""

from __future__ import annotations

from flask import abort, current_app, jsonify, request
from flask_login import current_user

from console import bp
from console.audit import audit
from console.auth import role_required
from console.config import get_console_config
from console.desk import _mine, _state
from engine.desk_ports import desk_ports
from engine.dispatch import dispatch, get_dispatcher, get_presence, notify_adviser
from models import keys


@bp.post("/api/contacts/<member>/accept")
@role_required("adviser")
def contact_accept(member: str):
    """Take a contact offered: the desk stops ringing and its handle time starts."""
    held = _mine(member)
    if not get_dispatcher().take(member):
        abort(409, "this contact is already taken")
    audit("contact_accepted", target=member, detail={"channel": held.channel})
    get_presence().observe(current_user.id)
    return jsonify(accepted=True, **_state())


@bp.post("/api/contacts/<member>/decline")
@role_required("adviser")
def contact_decline(member: str):
    """Give back a contact offered (it keeps its place); the adviser goes Away."""
    held = _mine(member)
    dispatcher = get_dispatcher()
    if dispatcher.taken_at(member) is not None:
        abort(409, "this contact is taken: end it instead")
    if held.channel == "call":
        if not desk_ports().decline_call(member):
            abort(409, "this call has been answered")
    else:
        service = desk_ports().chat_service()
        chat = service.store.load(member)
        if chat is None or chat.state != "adviser":
            abort(409, "this chat has ended")
        service.transfer(chat, held.queue_id)  # the customer is told another adviser will come
        dispatcher.decline(member, reason="declined")
        notify_adviser(current_user.id, "declined", member=member, reason="declined")
    audit("contact_declined", target=member, detail={"channel": held.channel})
    get_presence().observe(current_user.id)
    dispatch()
    return jsonify(declined=True, **_state())


@bp.app_context_processor
def _alert_settings() -> dict:
    # The alerts partial (templates/console/alerts.html) is on the desk and, for a contractor
    # adviser, on every console page (warm transfers): its defaults come from the console's file.
    config = get_console_config()
    return {"alert_volume": config.ring_volume, "alert_flash_seconds": config.title_flash_seconds}


def _alerts_key() -> str:
    return keys.key(keys.STAFF_ALERTS, user_id=current_user.id)


def alert_preferences() -> dict:
    """The current user's alert preferences: {"sound": bool, "volume": 0-1}."""
    stored = current_app.extensions["redis"].hgetall(_alerts_key())
    volume = float(stored["volume"]) if "volume" in stored else get_console_config().ring_volume
    return {"sound": stored.get("sound", "1") == "1", "volume": volume}


@bp.get("/api/alerts")
@role_required("adviser", "contractor_adviser")
def alerts_get():
    """The user's alert preferences."""
    return jsonify(alert_preferences())


@bp.post("/api/alerts")
@role_required("adviser", "contractor_adviser")
def alerts_set():
    """Set {"sound": bool} and/or {"volume": number from 0 to 1}; 400 with a reason otherwise."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not body.keys() & {"sound", "volume"}:
        abort(400, 'give "sound" (true or false) or "volume" (0 to 1)')
    changes = {}
    if "sound" in body:
        if not isinstance(body["sound"], bool):
            abort(400, '"sound" must be true or false')
        changes["sound"] = "1" if body["sound"] else "0"
    if "volume" in body:
        volume = body["volume"]
        if isinstance(volume, bool) or not isinstance(volume, int | float) or not 0 <= volume <= 1:
            abort(400, '"volume" must be a number from 0 to 1')
        changes["volume"] = str(float(volume))
    current_app.extensions["redis"].hset(_alerts_key(), mapping=changes)
    audit("alerts_changed", detail={k: body[k] for k in ("sound", "volume") if k in body})
    return jsonify(alert_preferences())
