"""The development phone's relay: the desk's phone panel plays the Twilio emulator's `client:`
device (devtools/emulator/device.py) through these routes, for the signed-in adviser's own
identity only. On when the phone adapter is development (PHONE_ADAPTER, or by default outside
production), which production refuses (config.settings).

Why a relay rather than CORS on the emulator: the page keeps its Content-Security-Policy
(`connect-src 'self'`) exactly as in production, the emulator needs no cross-origin rules, and
the app decides whose phone this is (the adviser's own `client:NAME`, from their session), so a
page can never act on another adviser's calls by naming them.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

import requests
from flask import abort, current_app, jsonify, request

from console import bp
from console.auth import role_required
from console.phone import identity_or_403

log = logging.getLogger(__name__)
CALL_SID = re.compile(r"CA[0-9a-f]{32}")
ACTIONS = frozenset({"answer", "decline", "say", "press", "hangup"})
TIMEOUT_SECONDS = 5.0
MAX_WORDS = 500  # what one typed turn may say
TWILIO_HOSTS = frozenset({"api.twilio.com"})


def _device_url(path: str = "") -> str:
    settings = current_app.config["SETTINGS"]
    if settings.effective_phone_adapter != "development":
        abort(404, "the development phone is off (PHONE_ADAPTER=sdk)")
    identity = identity_or_403()
    base = settings.twilio_api_base_url.rstrip("/")
    if urlsplit(base).hostname in TWILIO_HOSTS:
        # Never ask Twilio itself: the device's side exists only in the emulator.
        abort(409, "the development phone needs the Twilio emulator, and TWILIO_API_BASE_URL is "
                   "Twilio's own (make run starts the emulator; or set PHONE_ADAPTER=sdk)")
    return f"{base}/_emulator/clients/{identity}/calls{path}"


def _relay(method: str, url: str, body: dict | None = None):
    try:
        answer = requests.request(method, url, json=body, timeout=TIMEOUT_SECONDS)
    except requests.RequestException as error:
        log.warning("the development phone could not reach the emulator: %s",
                    type(error).__name__)
        abort(502, "the Twilio emulator is not answering (is make run still running?)")
    try:
        data = answer.json()
    except ValueError:
        abort(502, "the Twilio emulator gave an answer that is not JSON")
    if answer.status_code >= 400:
        reason = data.get("error") if isinstance(data, dict) else None
        abort(answer.status_code if answer.status_code in (400, 404) else 502,
              reason or "the Twilio emulator refused")
    return jsonify(data)


def _sid(sid: str) -> str:
    if not CALL_SID.fullmatch(sid):
        abort(400, "not a call SID (CA followed by 32 hex digits)")
    return sid


@bp.get("/api/phone/dev/calls")
@role_required("adviser")
def dev_phone_calls():
    """The calls ringing or connected to the adviser's development phone."""
    return _relay("GET", _device_url())


@bp.get("/api/phone/dev/calls/<sid>")
@role_required("adviser")
def dev_phone_call(sid: str):
    """One of them, with what the phone has heard."""
    return _relay("GET", _device_url(f"/{_sid(sid)}"))


@bp.post("/api/phone/dev/calls/<sid>/<action>")
@role_required("adviser")
def dev_phone_act(sid: str, action: str):
    """answer | decline | say {"text"} | press {"digits"} | hangup on the adviser's own call."""
    if action not in ACTIONS:
        abort(404, "the phone can answer, decline, say, press or hang up")
    body = request.get_json(silent=True) or {}
    if not isinstance(body, dict):
        abort(400, "the body must be a JSON object")
    sent: dict = {}
    if action == "say":
        text = str(body.get("text", "")).strip()
        if not text or len(text) > MAX_WORDS:
            abort(400, f"say needs between 1 and {MAX_WORDS} characters")
        sent = {"text": text}
    elif action == "press":
        digits = str(body.get("digits", ""))
        if not re.fullmatch(r"[0-9*#w]{1,32}", digits):
            abort(400, "digits must be 0-9, * or # (at most 32)")
        sent = {"digits": digits}
    return _relay("POST", _device_url(f"/{_sid(sid)}/{action}"), sent)
