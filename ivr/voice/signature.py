"""X-Twilio-Signature: each voice webhook must be signed by Twilio for the URL it called, or 403."""

from __future__ import annotations

from flask import Request, abort
from twilio.request_validator import RequestValidator

from config.settings import Settings


def public_base(request: Request, settings: Settings) -> str:
    """The scheme and host Twilio uses to reach us, without a trailing slash.

    Behind trusted proxies ProxyFix has already rewritten the request from X-Forwarded-*, so the
    request's own root is the public one; otherwise PUBLIC_BASE_URL is (headers are not believed).
    """
    if settings.trusted_proxies:
        return request.host_url.rstrip("/")
    return settings.effective_public_base_url


def public_url(request: Request, settings: Settings) -> str:
    """The exact URL Twilio called, including its query string, as it signed it."""
    if settings.trusted_proxies:
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
