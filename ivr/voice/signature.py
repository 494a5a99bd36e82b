"""X-Twilio-Signature: each voice webhook must be signed by Twilio for the URL it called, or 403."""

from __future__ import annotations

from flask import Request, abort
from twilio.request_validator import RequestValidator

from config.settings import Settings


def _from_headers(settings: Settings) -> bool:
    # PUBLIC_BASE_URL, when set, is the only public root: a forwarded Host a client chose must
    # never decide which URL a signature is checked against. Without it (make run, behind its
    # own front) the root ProxyFix rebuilt from a trusted proxy's X-Forwarded-* is used.
    return bool(settings.trusted_proxies) and not settings.public_base_url


def public_base(request: Request, settings: Settings) -> str:
    """The scheme and host Twilio uses to reach us, without a trailing slash."""
    if _from_headers(settings):
        return request.host_url.rstrip("/")
    return settings.effective_public_base_url


def public_url(request: Request, settings: Settings) -> str:
    """The exact URL Twilio called, including its query string, as it signed it."""
    if _from_headers(settings):
        return request.url
    return settings.effective_public_base_url + request.full_path.rstrip("?")


def check(request: Request, validator: RequestValidator, settings: Settings) -> None:
    """Abort with 403 unless the request carries a valid signature for its public URL."""
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        abort(403, description="missing X-Twilio-Signature")
    # The form itself (a MultiDict): the validator signs repeated keys with every value.
    params = request.form if request.method == "POST" else {}
    if not validator.validate(public_url(request, settings), params, signature):
        abort(403, description="invalid X-Twilio-Signature")
