"""Sealed live state: unreadable at rest, tamper-evident, and only under the key that sealed it."""

from __future__ import annotations

import base64

from models.sealed import open_sealed, seal

KEY = "a-deployment-secret-key"


def test_a_sealed_value_opens_only_under_its_key():
    value = {"surname": "Okafor", "date_of_birth": "1990-02-01"}
    sealed = seal(KEY, value)
    assert open_sealed(KEY, sealed) == value
    assert open_sealed("another-key", sealed) is None
    assert "Okafor" not in sealed and b"Okafor" not in base64.urlsafe_b64decode(sealed)


def test_each_seal_is_different_so_equal_details_cannot_be_matched_at_rest():
    assert seal(KEY, {"a": 1}) != seal(KEY, {"a": 1})


def test_a_tampered_or_broken_value_opens_to_none():
    raw = bytearray(base64.urlsafe_b64decode(seal(KEY, {"surname": "Okafor"})))
    raw[20] ^= 1
    assert open_sealed(KEY, base64.urlsafe_b64encode(bytes(raw)).decode()) is None
    for broken in (None, "", "not base64 at all!", base64.urlsafe_b64encode(b"short").decode()):
        assert open_sealed(KEY, broken) is None
