"""Sealing small values for live state: what must wait between two turns, unreadable at rest.

The identity step collects four facts over several turns (000:L61); between turns they wait in
Redis, and Redis writes to disk. So they are kept there only sealed: encrypted with a keystream of
HMAC-SHA256 in counter mode under a random nonce, then authenticated with a second HMAC key
(encrypt-then-MAC). Both keys are derived from the app's SECRET_KEY, so every process of one
deployment can open what another sealed; a changed key or a tampered value opens to None.
Standard library only: the values are small (a few hundred bytes) and live for minutes.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

_NONCE = 16
_TAG = 32


def sealing_keys(secret_key: str) -> tuple[bytes, bytes]:
    """The encryption and authentication keys for `secret_key` (distinct, by label)."""
    root = hashlib.sha256(secret_key.encode()).digest()
    return (hmac.new(root, b"seal:encrypt", hashlib.sha256).digest(),
            hmac.new(root, b"seal:authenticate", hashlib.sha256).digest())


def seal(secret_key: str, value: dict[str, Any]) -> str:
    """`value` as an opaque URL-safe string only `open_sealed` with the same key can read."""
    encrypt, authenticate = sealing_keys(secret_key)
    plain = json.dumps(value, separators=(",", ":")).encode()
    nonce = secrets.token_bytes(_NONCE)
    body = nonce + _xor(plain, _keystream(encrypt, nonce, len(plain)))
    tag = hmac.new(authenticate, body, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(body + tag).decode()


def open_sealed(secret_key: str, sealed: str | None) -> dict[str, Any] | None:
    """What `seal` sealed, or None when it is missing, tampered with or sealed under another key."""
    if not sealed:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed.encode())
    except (ValueError, TypeError):
        return None
    if len(raw) < _NONCE + _TAG:
        return None
    encrypt, authenticate = sealing_keys(secret_key)
    body, tag = raw[:-_TAG], raw[-_TAG:]
    if not hmac.compare_digest(tag, hmac.new(authenticate, body, hashlib.sha256).digest()):
        return None
    nonce, cipher = body[:_NONCE], body[_NONCE:]
    try:
        value = json.loads(_xor(cipher, _keystream(encrypt, nonce, len(cipher))))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _keystream(key: bytes, nonce: bytes, length: int) -> bytes:
    blocks = (hmac.new(key, nonce + counter.to_bytes(4, "big"), hashlib.sha256).digest()
              for counter in range((length + 31) // 32))
    return b"".join(blocks)[:length]


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))
