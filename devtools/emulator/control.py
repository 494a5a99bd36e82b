"""The emulator's control API: the people on the calls (JSON, under /_emulator/).

Not part of Twilio: the simulator and the tests use it to phone in, speak, press keys, hang up,
answer or decline a ringing leg, set how an endpoint behaves, and read what a leg heard.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET

from flask import Blueprint, abort, current_app, jsonify, request

from devtools.emulator import dial
from devtools.emulator.events import SETTLED, send
from devtools.emulator.model import ANSWERED_BY, ENDPOINT_MODES, Endpoint, Leg, audience, new_sid
from devtools.emulator.runner import Engine

bp = Blueprint("emulator_control", __name__, url_prefix="/_emulator")
LONGEST_WAIT_SECONDS = 120.0


def _engine() -> Engine:
    return current_app.extensions["emulator"]


def _body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        body = {}
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object")
    return body


def _leg(sid: str) -> Leg:
    leg = _engine().account.legs.get(sid)
    if leg is None:
        abort(404, description=f"no call {sid}")
    return leg


def view(leg: Leg) -> dict:
    """What the control API tells about a leg."""
    return {"sid": leg.sid, "status": leg.status, "to": leg.to, "from": leg.from_,
            "direction": leg.direction, "parent_call_sid": leg.parent_sid,
            "waiting": leg.state, "gather_input": leg.gather_input if
            leg.waiting == "input" else "", "turn": leg.turn, "heard": list(leg.heard),
            "log": list(leg.log), "queue_sid": leg.queue_sid, "peer_sid": leg.peer_sid,
            "conference": leg.conference, "answered_by": leg.answered_by, "hold": leg.hold,
            "muted": leg.muted, "label": leg.label, "coaching": leg.coaching,
            "call_sid_to_coach": leg.call_sid_to_coach}


@bp.errorhandler(400)
@bp.errorhandler(404)
def _error(error):
    return jsonify({"error": error.description}), error.code


@bp.post("/calls")
def place_call():
    """A customer phones the service: {"from", "to", "patient"} -> 201 {"sid"}."""
    body = _body()
    leg = _engine().inbound(from_=str(body.get("from") or "+441134960123"),
                            to=str(body.get("to") or "+44800100900"),
                            patient=bool(body.get("patient", False)),
                            app_url=str(body["app_url"]) if body.get("app_url") else None)
    return jsonify(view(leg)), 201


@bp.get("/calls")
def list_calls():
    """Legs, optionally only those to an endpoint (?to=) or in a status (?status=)."""
    legs = list(_engine().account.legs.values())
    to, status = request.args.get("to"), request.args.get("status")
    return jsonify([view(leg) for leg in legs if (not to or leg.to == to)
                    and (not status or leg.status == status)])


@bp.get("/calls/<sid>")
def show_call(sid: str):
    """One leg: status, what it is waiting for, everything it heard."""
    return jsonify(view(_leg(sid)))


@bp.get("/calls/<sid>/settled")
def settled(sid: str):
    """Wait until the leg waits for someone (or has ended) after turn `after`; then the leg.

    ?state=NAME waits for that state (e.g. bridged) instead of any settled one; NAME,NAME for
    whichever comes first.
    """
    leg = _leg(sid)
    after = request.args.get("after", -1, type=int)
    wanted = frozenset(filter(None, request.args.get("state", "").split(",")))
    timeout = min(request.args.get("timeout", 30.0, type=float), LONGEST_WAIT_SECONDS)
    deadline = time.monotonic() + timeout

    def matched() -> bool:
        # An ended leg counts once its last webhooks have been sent (the app has heard).
        if wanted:
            return leg.state in wanted or (leg.status in wanted and leg.done == leg.ended)
        return leg.done or (leg.turn > after and leg.state in SETTLED)

    with leg.changed:
        while not (matched() or leg.done) and time.monotonic() < deadline:
            leg.changed.wait(timeout=max(0.01, deadline - time.monotonic()))
    return jsonify({**view(leg), "settled": matched()})


@bp.post("/calls/<sid>/say")
def say(sid: str):
    """Speech: the Gather's SpeechResult, or words the other side of a bridge hears."""
    leg, body = _leg(sid), _body()
    text = str(body.get("text", ""))
    if not text.strip():
        abort(400, description="say needs some text")
    if _to_others(leg, f"(they say) {text}"):
        return jsonify({**view(leg), "spoken_to_others": True})
    send(leg, "input", speech=text, confidence=float(body.get("confidence", 0.9)))
    return jsonify(view(leg))


@bp.post("/calls/<sid>/press")
def press(sid: str):
    """Keys at a Gather (DTMF): {"digits": "123#"}."""
    leg, digits = _leg(sid), str(_body().get("digits", ""))
    if not digits or any(c not in "0123456789*#w" for c in digits):
        abort(400, description="digits must be 0-9, * or #")
    send(leg, "input", digits=digits)
    return jsonify(view(leg))


@bp.post("/calls/<sid>/silence")
def silence(sid: str):
    """Say nothing until the Gather times out."""
    leg = _leg(sid)
    send(leg, "silence")
    return jsonify(view(leg))


@bp.post("/calls/<sid>/hangup")
def hangup(sid: str):
    """The person on this leg hangs up."""
    leg = _leg(sid)
    send(leg, "hangup")
    return jsonify(view(leg))


@bp.put("/calls/<sid>/webhooks")
def webhooks(sid: str):
    """{"reachable": false}: from now on no request about this leg reaches the app (its status
    callback and actions are lost, as when the app is down); true restores them."""
    leg, body = _leg(sid), _body()
    if not isinstance(body.get("reachable"), bool):
        abort(400, description="reachable must be true or false")
    with _engine().account.lock:
        if body["reachable"]:
            _engine().account.unreachable.discard(leg.sid)
        else:
            _engine().account.unreachable.add(leg.sid)
    return jsonify({**view(leg), "reachable": body["reachable"]})


@bp.post("/calls/<sid>/answer")
def answer(sid: str):
    """A ringing leg (to a manual endpoint) is picked up."""
    leg = _leg(sid)
    send(leg, "pickup")
    return jsonify(view(leg))


@bp.post("/calls/<sid>/decline")
def decline(sid: str):
    """A ringing leg is declined ({"status": "busy"|"no-answer"|"failed"}, default busy)."""
    leg, status = _leg(sid), str(_body().get("status", "busy"))
    if status not in ("busy", "no-answer", "failed"):
        abort(400, description="status must be busy, no-answer or failed")
    send(leg, "decline", status=status)
    return jsonify(view(leg))


@bp.post("/calls/<sid>/take")
def take(sid: str):
    """An emulated adviser takes this caller from their queue (<Dial><Queue> on a new leg)."""
    engine, leg = _engine(), _leg(sid)
    queue = engine.account.queues.get(leg.queue_sid or "")
    if queue is None:
        abort(400, description="the call is not in a queue")
    adviser = Leg(new_sid("CA"), engine.account.sid, to="client:emulated_adviser",
                  from_="+44800100900", direction="outbound-api", status="in-progress")
    engine.account.add_leg(adviser)
    noun = ET.Element("Queue")
    noun.text = queue.friendly_name

    def run() -> None:
        try:
            # Bridged until the caller hangs up (or the emulated adviser is hung up on).
            dial.dial_queue(engine, adviser, noun, "", 5, {}, member=leg.sid)
        except Exception:  # noqa: BLE001 - the emulated adviser just goes away
            pass
        finally:
            engine.end(adviser, "completed")

    threading.Thread(target=run, daemon=True).start()
    return jsonify(view(adviser)), 201


@bp.put("/endpoints/<path:address>")
def set_endpoint(address: str):
    """How a number or client:NAME behaves: {"mode": ..., "answered_by": ...}."""
    body = _body()
    mode, answered_by = body.get("mode", "manual"), body.get("answered_by", "human")
    if mode not in ENDPOINT_MODES:
        abort(400, description=f"mode must be one of {sorted(ENDPOINT_MODES)}")
    if answered_by not in ANSWERED_BY:
        abort(400, description=f"answered_by must be one of {sorted(ANSWERED_BY)}")
    with _engine().account.lock:
        _engine().account.endpoints[address] = Endpoint(mode, answered_by)
    return jsonify({"address": address, "mode": mode, "answered_by": answered_by})


@bp.get("/queues")
def queues():
    """Every queue with its members' call sids, front first."""
    account = _engine().account
    with account.lock:
        return jsonify([{**q.resource(account.uri_base),
                         "members": [m.call_sid for m in q.members]}
                        for q in account.queues.values()])


def _to_others(leg: Leg, text: str) -> bool:
    """Words spoken on a bridged leg or in a conference reach the others; True if they did."""
    engine = _engine()
    others = []
    if leg.waiting == "conference":
        # On hold or muted: nobody hears them; a coach: only the participant coached.
        others = audience(leg, dial.conference_peers(engine, leg))
        if leg.hold or leg.muted:
            return True
    if leg.waiting == "bridged" and leg.peer_sid:
        others = [engine.account.legs[leg.peer_sid]]
    for other in others:
        other.hear(text)
    return bool(others)

