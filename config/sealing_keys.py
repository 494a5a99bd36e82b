"""SEALING_KEYS as written in the environment: comma-separated base64 keys, read and checked."""

from __future__ import annotations

import base64
import binascii
import hashlib

SEALING_KEY_BYTES = 32  # AES-256
# The key that seals live state (models.sealed) in development only: it is published here, so
# it is refused in production and off loopback, like the development SECRET_KEY.
DEVELOPMENT_SEALING_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"development-only-sealing-key").digest()).decode()


def split_keys(value: str) -> list[str]:
    """The keys listed in `value`, in order (the first is the one that seals)."""
    return [k.strip() for k in value.split(",") if k.strip()]


def decode_key(key: str) -> bytes:
    """A base64 key in either alphabet (standard or URL-safe); b"" when it is not base64."""
    try:
        return base64.b64decode(key.replace("+", "-").replace("/", "_"), altchars=b"-_",
                                validate=True)
    except (binascii.Error, ValueError):
        return b""
