"""The adviser's browser phone: access tokens for Twilio's Voice JavaScript SDK, the SDK's file
served from this app, and the panel's settings (which adapter, which words).

An adviser whose staff endpoint is `client:NAME` answers calls in the desk itself: the SDK
registers as NAME with a short-lived token from `GET /console/api/phone/token`. Under `make run`
and in tests (PHONE_ADAPTER=development) the panel plays the emulator's `client:` device instead
(console/phone_relay.py). Tokens are never logged or audited; the audit says one was issued.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from flask import abort, current_app, g, jsonify, send_from_directory
from flask_login import current_user
from pydantic import Field
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant

from config import clock
from config.files import ConfigModel, load
from config.settings import REPO_ROOT
from console import bp
from console.audit import audit
from console.auth import ConsoleUser, role_required

SDK_FILE = "twilio.min.js"
SDK_LOCK = REPO_ROOT / "vendor" / "voice-sdk" / "package-lock.json"
# Twilio's identity rule for a Client: letters, digits and underscores, at most 121 characters.
IDENTITY = re.compile(r"[A-Za-z0-9_]{1,121}")
MAX_TTL_SECONDS = 24 * 3600  # Twilio refuses longer-lived access tokens


class PhoneConfig(ConfigModel):
    """config/phone.yaml: the token's life, the development phone's poll and the panel's words."""

    token_ttl_seconds: int = Field(ge=60, le=MAX_TTL_SECONDS)
    development_poll_seconds: float = Field(gt=0, le=10)
    sdk_sources: dict[str, list[str]]
    words: dict[str, str]


@lru_cache(maxsize=1)
def default_phone_config() -> PhoneConfig:
    """config/phone.yaml, read once per process."""
    return load(PhoneConfig, "phone.yaml")


def get_phone_config() -> PhoneConfig:
    """The app's phone configuration (a test may set app.extensions["phone_config"])."""
    return current_app.extensions.get("phone_config") or default_phone_config()


def client_identity(user: ConsoleUser) -> str | None:
    """NAME of the adviser's `client:NAME` endpoint, or None when their phone is a number."""
    endpoint = user.endpoint or ""
    if not endpoint.startswith("client:"):
        return None
    name = endpoint.removeprefix("client:")
    return name if IDENTITY.fullmatch(name) else None


def sdk_dir() -> Path:
    """Where twilio.min.js is: PHONE_SDK_DIR, else the cache folder scripts/voice_sdk.sh fills."""
    return sdk_dir_for(current_app.config["SETTINGS"].phone_sdk_dir)


def sdk_dir_for(configured: str | None) -> Path:
    """`configured`, or the cache folder keyed by the lock file (scripts/voice_sdk.sh)."""
    if configured:
        return Path(configured)
    cache = os.environ.get("CAREERS_TRIAGE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "careers-triage")
    return Path(cache) / f"voice-sdk-{lock_hash()}"


@lru_cache(maxsize=1)
def lock_hash() -> str:
    """The first 12 hex digits of the lock file's sha256 (scripts/common.sh hash_of)."""
    return hashlib.sha256(SDK_LOCK.read_bytes()).hexdigest()[:12]


def panel(user: ConsoleUser) -> dict:
    """What the desk's template needs to draw the phone panel for `user`; with the SDK, the page
    may also reach Twilio's signalling (ivr/security.py reads g.csp_sources)."""
    settings = current_app.config["SETTINGS"]
    development = settings.effective_phone_adapter == "development"
    if not development and client_identity(user):
        g.csp_sources = get_phone_config().sdk_sources
    return {"identity": client_identity(user), "adapter": settings.effective_phone_adapter,
            "sdk_present": development or (sdk_dir() / SDK_FILE).is_file(),
            "poll_ms": int(get_phone_config().development_poll_seconds * 1000),
            "words": get_phone_config().words}


def identity_or_403() -> str:
    """The adviser's own client: identity, or 403 with the reason their phone is not one."""
    identity = client_identity(current_user)
    if identity is None:
        abort(403, "your phone is not a browser phone: your staff account's endpoint must be "
                   "client:NAME (letters, digits, underscores) for this desk to ring")
    return identity


@bp.get("/api/phone/token")
@role_required("adviser")
def phone_token():
    """A short-lived Voice access token for the adviser's own `client:` identity."""
    identity = identity_or_403()
    settings = current_app.config["SETTINGS"]
    key = settings.effective_twilio_api_key
    if key is None:
        abort(503, "the browser phone is not configured: set TWILIO_API_KEY_SID and "
                   "TWILIO_API_KEY_SECRET")
    ttl = get_phone_config().token_ttl_seconds
    # Valid from now to now + ttl on the app's clock (the library would read the wall clock).
    start = int(clock.now().timestamp())
    token = AccessToken(settings.effective_twilio_account_sid, key[0], key[1],
                        identity=identity, nbf=start, ttl=ttl, valid_until=start + ttl)
    token.add_grant(VoiceGrant(incoming_allow=True,
                               outgoing_application_sid=settings.twilio_twiml_app_sid or None))
    audit("phone_token_issued", target=identity, detail={"ttl_seconds": ttl})
    response = jsonify(token=token.to_jwt(), identity=identity, ttl_seconds=ttl)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/phone/sdk/twilio.min.js")
@role_required("adviser")
def phone_sdk():
    """Twilio's Voice SDK, from this app's own files (no CDN); 404 with a reason when missing."""
    folder = sdk_dir()
    if not (folder / SDK_FILE).is_file():
        abort(404, "the phone's software is not installed: run scripts/voice_sdk.sh")
    return send_from_directory(folder, SDK_FILE, mimetype="text/javascript", max_age=3600)
