"""A `client:NAME` device's side of its calls (development only, not Twilio's): what a browser
running Twilio's Voice JavaScript SDK as NAME would see and do.

The desk's development phone (console/static/phone_dev.js, through the app's relay in
console/phone_relay.py) plays an adviser's browser phone with it: it lists the calls ringing or
connected to `client:NAME`, answers (`Call.accept()`), declines (`Call.reject()`), sends digits
(`Call.sendDigits()`), speaks (typed words, heard across the bridge or conference) and hangs up
(`Call.disconnect()`), and reads what the device has heard. A call of another device is 404, so
one adviser's phone can never act on another's. Mute is the SDK's own (`Call.mute()` stops the
microphone in the browser, Twilio is not told): the development phone keeps it in the page.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, request

from devtools.emulator import control
from devtools.emulator.model import Leg

bp = Blueprint("emulator_device", __name__, url_prefix="/_emulator/clients")
# The SDK's incoming call exists from the invite (ringing) until it is disconnected
# (https://www.twilio.com/docs/voice/sdks/javascript/twiliocall#events: "cancel", "disconnect").
LIVE = frozenset({"queued", "ringing", "in-progress"})
ACTIONS = {"answer": control.answer, "decline": control.decline, "say": control.say,
           "press": control.press, "hangup": control.hangup}


def _device_leg(name: str, sid: str) -> Leg:
    leg = control._leg(sid)
    if leg.to != f"client:{name}":
        abort(404, description=f"no call {sid} for client:{name}")
    return leg


def _device_view(leg: Leg) -> dict:
    """A call as the device sees it: Twilio's call parameters, its state, what it heard."""
    return {"sid": leg.sid, "status": leg.status, "from": leg.from_, "to": leg.to,
            "waiting": leg.state, "gather_input": leg.gather_input if leg.waiting == "input"
            else "", "heard": list(leg.heard)}


@bp.get("/<name>/calls")
def device_calls(name: str):
    """The calls ringing or connected to client:NAME, oldest first (?all=1: ended ones too)."""
    every = request.args.get("all") == "1"
    legs = [leg for leg in list(control._engine().account.legs.values())
            if leg.to == f"client:{name}" and (every or leg.status in LIVE)]
    return jsonify([_device_view(leg) for leg in legs])


@bp.get("/<name>/calls/<sid>")
def device_call(name: str, sid: str):
    """One of the device's calls, with everything it has heard."""
    return jsonify(_device_view(_device_leg(name, sid)))


@bp.post("/<name>/calls/<sid>/<action>")
def device_act(name: str, sid: str, action: str):
    """answer | decline | say {"text"} | press {"digits"} | hangup, on the device's own call."""
    if action not in ACTIONS:
        abort(404, description=f"a device cannot {action}: answer, decline, say, press, hangup")
    leg = _device_leg(name, sid)
    if action in ("answer", "decline") and leg.status not in ("queued", "ringing"):
        abort(400, description="only a ringing call can be answered or declined")
    if action in ("say", "press") and leg.status != "in-progress":
        abort(400, description="the call is not connected")
    response = ACTIONS[action](sid)
    return jsonify(_device_view(leg)) if response.status_code < 300 else response


@bp.errorhandler(400)
@bp.errorhandler(404)
def _error(error):
    return jsonify({"error": error.description}), error.code
