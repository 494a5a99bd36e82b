"""The staff second factor's secrets and codes: TOTP (RFC 6238, pyotp), sealed at rest, QR codes.

A secret is 32 base32 characters (160 bits) from pyotp's `random_base32` (the `secrets` module).
It is stored only sealed (models.sealed, AES-256-GCM under SEALING_KEYS) for the context
"totp:USER_ID", so a copy of the database gives no secret, and a sealed secret copied to another
user's row does not open there. A code is six digits, accepted for the current 30-second step or
one either side (clocks drift), and reported with the step it matched so a caller can refuse it
the second time (models.staff.accept_totp_step).
"""

from __future__ import annotations

import re
from datetime import datetime

import pyotp
import segno
from pyotp.exceptions import OTPVerificationError

from models.sealed import Sealer

ISSUER = "National Careers Service console"
_CODE = re.compile(r"^[0-9]{6}$")


def new_secret() -> str:
    """A fresh random secret, in base32 as authenticator apps take it."""
    return pyotp.random_base32()


def seal_secret(keys: tuple[bytes, ...], user_id: int, secret: str) -> str:
    """The secret sealed for this user only (what the database keeps)."""
    return Sealer(keys).seal({"s": secret}, context=_context(user_id))


def open_secret(keys: tuple[bytes, ...], user_id: int, sealed: str | None) -> str | None:
    """The user's secret; None when there is none, or it does not open (another user's, tampered
    with, or sealed under a key no longer listed)."""
    value = Sealer(keys).open(sealed, context=_context(user_id))
    secret = value.get("s") if value else None
    return secret if isinstance(secret, str) else None


def clean_code(text: str) -> str | None:
    """The six digits typed (spaces and dashes allowed between them), or None."""
    code = re.sub(r"[\s-]", "", text or "")[:16]
    return code if _CODE.match(code) else None


def matching_step(secret: str, code: str, at: datetime) -> int | None:
    """The time-step `code` is right for at `at` (this step or one either side), else None."""
    try:
        return pyotp.TOTP(secret).verify_and_get_timecode(code, for_time=at, valid_window=1)
    except (OTPVerificationError, ValueError):
        return None


def provisioning_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app enrols from."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_data_uri(uri: str) -> str:
    """The URI as a QR code, an SVG in a data: URI (the pages' CSP allows images from data:)."""
    return segno.make_qr(uri, error="m").svg_data_uri(scale=5, border=4)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _context(user_id: int) -> str:
    return f"totp:{user_id}"
