"""Incoming warm transfers for a prime contractor's advisers: the screen pop while the line
rings, and Accept (your own phone rings and the caller is bridged) or Decline (the customer is
offered a callback, pinned to the top of the worklist).

Only advisers of the contractor the call is ringing at see it: another contractor's advisers
get the same 404 for a call of theirs as for one that does not exist, on every URL here, and
their live stream never hears of it (ivr.voice.warm_offer publishes per contractor).
"""

from __future__ import annotations

import re
import time

from flask import Blueprint, abort, current_app, jsonify
from flask_login import current_user

from console.audit import audit
from console.auth import guard, passive, role_required
from console.screen_pop import screen_pop
from engine.summary import summary_sentence

bp = guard(Blueprint("transfers", __name__, url_prefix="/console/transfers"))
NOT_FOUND = "No such incoming transfer."
_CALL_SID = re.compile(r"^[A-Za-z0-9]{2,64}$")
# What each console decision answers: (HTTP status, words for the adviser).
OUTCOMES = {
    "connecting": (202, "Your phone is ringing: answer it to talk to the customer."),
    "declined": (200, "Declined. The customer is offered a callback, at the top of your list."),
    "taken": (409, "Someone else has already taken this call."),
    "no_phone": (400, "Your account has no phone to ring: ask an admin to set one."),
}


def init_app(app) -> None:
    """Register the incoming-transfers blueprint (guarded like the rest of the console)."""
    app.register_blueprint(bp)


def _offers():
    found = current_app.extensions.get("warm_transfers")
    if found is None:
        abort(503, "the phone line is switched off on this system")
    return found


@bp.get("/incoming.json")
@role_required("contractor_adviser")
@passive
def incoming():
    """The warm transfers ringing at the adviser's contractor now, each with its screen pop."""
    offers, redis = _offers(), current_app.extensions["redis"]
    now = time.time()
    shown = []
    for call_sid, since in offers.ringing_calls(redis, current_user.contractor_id):
        shown.append(_pop(call_sid, since, now))
    ring_limit = current_app.extensions["voice"].config.transfer_ring_seconds
    return jsonify(transfers=shown, ring_limit_seconds=ring_limit)


def _pop(call_sid: str, since: float, now: float) -> dict:
    pop = screen_pop(call_sid, "call", None, now)
    state = current_app.extensions["voice"].store.load(call_sid)
    facts, decision = (state.facts, state.decision) if state else ({}, None)
    return {**pop, "call": call_sid, "ringing_seconds": max(0, round(now - since)),
            "summary": summary_sentence(facts, decision)}


@bp.post("/<call_sid>/accept")
@role_required("contractor_adviser")
def accept(call_sid: str):
    """Take the call: your own phone rings, and the caller is bridged when you answer."""
    return _decide(call_sid, accept=True)


@bp.post("/<call_sid>/decline")
@role_required("contractor_adviser")
def decline(call_sid: str):
    """Decline the call for the contractor, as a whisper declined: a callback, pinned."""
    return _decide(call_sid, accept=False)


def _decide(call_sid: str, *, accept: bool):
    if not _CALL_SID.match(call_sid):
        abort(404, NOT_FOUND)
    outcome = _offers().decide_in_console(
        call_sid, contractor_id=current_user.contractor_id, username=current_user.username,
        endpoint=current_user.endpoint, accept=accept)
    if outcome == "gone":
        return jsonify(error=NOT_FOUND), 404
    status, words = OUTCOMES[outcome]
    if status < 400:
        audit("transfer_accepted" if accept else "transfer_declined", target=call_sid)
    body = {"state": outcome, "message": words} if status < 400 else {"error": words}
    return jsonify(body), status
