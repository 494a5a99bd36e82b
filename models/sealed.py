"""Sealing small values for live state: what must wait between two turns, unreadable at rest.

The identity step collects four facts over several turns (000:L61); between turns they wait in
Redis, and Redis writes to disk. So they are kept there only sealed, with AES-256-GCM from the
`cryptography` library under keys of their own (SEALING_KEYS), never the key that signs cookies.

A sealed value is `version | key id | nonce | ciphertext and tag`, URL-safe base64. The version
byte lets the format change without misreading old values; the key id names which key sealed it,
so keys can be rotated: the first key seals, every key listed still opens. The contact the value
belongs to is authenticated with it (associated data), so a value copied into another contact's
state does not open there. A changed key, another contact or a tampered value opens to None.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = 1
KEY_BYTES = 32  # AES-256
_KEY_ID = 4
_NONCE = 12  # the size AES-GCM is specified for; random, so never reused in practice
_HEADER = 1 + _KEY_ID


def key_id(key: bytes) -> bytes:
    """A short public name for `key` (a hash prefix: it says which key, not what it is)."""
    return hashlib.sha256(b"careers-triage sealing key id\x00" + key).digest()[:_KEY_ID]


class Sealer:
    """Seals with the first key, opens with any: a new key goes first, old ones stay to open."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys or any(len(k) != KEY_BYTES for k in keys):
            raise ValueError(f"sealing needs one or more keys of {KEY_BYTES} bytes")
        self._sealing = (key_id(keys[0]), AESGCM(keys[0]))
        self._opening = {key_id(k): AESGCM(k) for k in reversed(keys)}

    def seal(self, value: dict[str, Any], *, context: str) -> str:
        """`value` as an opaque URL-safe string that opens only for the same `context`."""
        kid, aead = self._sealing
        header = bytes([VERSION]) + kid
        nonce = os.urandom(_NONCE)
        plain = json.dumps(value, separators=(",", ":")).encode()
        cipher = aead.encrypt(nonce, plain, _associated(header, context))
        return base64.urlsafe_b64encode(header + nonce + cipher).decode()

    def open(self, sealed: str | None, *, context: str) -> dict[str, Any] | None:
        """What `seal` sealed for `context`; None if missing, tampered with or not ours."""
        if not sealed:
            return None
        try:
            raw = base64.urlsafe_b64decode(sealed.encode())
        except (ValueError, TypeError, binascii.Error):
            return None
        if len(raw) < _HEADER + _NONCE + 16 or raw[0] != VERSION:
            return None
        aead = self._opening.get(raw[1:_HEADER])
        if aead is None:  # sealed under a key no longer listed
            return None
        nonce, cipher = raw[_HEADER:_HEADER + _NONCE], raw[_HEADER + _NONCE:]
        try:
            value = json.loads(aead.decrypt(nonce, cipher, _associated(raw[:_HEADER], context)))
        except (InvalidTag, ValueError):
            return None
        return value if isinstance(value, dict) else None


def _associated(header: bytes, context: str) -> bytes:
    # The header is authenticated too, so a value cannot be relabelled with another version.
    return header + b"\x00" + context.encode()
