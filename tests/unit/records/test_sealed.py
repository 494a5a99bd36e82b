"""Sealed live state: AES-GCM under keys of its own, bound to one contact, with key rotation."""

from __future__ import annotations

import base64
import hashlib
import os

import pytest

from models.sealed import VERSION, Sealer, key_id

KEY, NEW_KEY = os.urandom(32), os.urandom(32)
CONTACT = "CA0123456789abcdef0123456789abcdef"


def _raw(sealed: str) -> bytearray:
    return bytearray(base64.urlsafe_b64decode(sealed))


def test_a_sealed_value_opens_only_under_its_key_and_hides_what_it_holds():
    value = {"surname": "Okafor", "date_of_birth": "1990-02-01"}
    sealed = Sealer([KEY]).seal(value, context=CONTACT)
    assert Sealer([KEY]).open(sealed, context=CONTACT) == value
    assert Sealer([NEW_KEY]).open(sealed, context=CONTACT) is None
    assert "Okafor" not in sealed and b"Okafor" not in _raw(sealed)


def test_a_value_sealed_for_one_contact_does_not_open_for_another():
    sealer = Sealer([KEY])
    sealed = sealer.seal({"surname": "Okafor"}, context=CONTACT)
    assert sealer.open(sealed, context="CA" + "f" * 32) is None
    assert sealer.open(sealed, context="") is None


def test_the_token_starts_with_its_version_and_the_sealing_keys_id():
    raw = _raw(Sealer([NEW_KEY, KEY]).seal({"a": 1}, context=CONTACT))
    assert raw[0] == VERSION
    assert bytes(raw[1:5]) == key_id(NEW_KEY) != key_id(KEY)


def test_rotation_old_values_still_open_and_new_ones_are_sealed_with_the_new_key():
    before = Sealer([KEY]).seal({"surname": "Okafor"}, context=CONTACT)
    rotated = Sealer([NEW_KEY, KEY])
    assert rotated.open(before, context=CONTACT) == {"surname": "Okafor"}
    after = rotated.seal({"surname": "Okafor"}, context=CONTACT)
    assert Sealer([NEW_KEY]).open(after, context=CONTACT) == {"surname": "Okafor"}
    assert Sealer([KEY]).open(after, context=CONTACT) is None
    # Once the old key is dropped, what it sealed no longer opens.
    assert Sealer([NEW_KEY]).open(before, context=CONTACT) is None


def test_each_seal_is_different_so_equal_details_cannot_be_matched_at_rest():
    sealer = Sealer([KEY])
    assert sealer.seal({"a": 1}, context=CONTACT) != sealer.seal({"a": 1}, context=CONTACT)


@pytest.mark.parametrize("where", [0, 1, 5, 17, -1])
def test_a_tampered_value_opens_to_none(where):
    sealer = Sealer([KEY])
    raw = _raw(sealer.seal({"surname": "Okafor"}, context=CONTACT))
    raw[where] ^= 1  # the version, the key id, the nonce, the ciphertext, the tag
    assert sealer.open(base64.urlsafe_b64encode(bytes(raw)).decode(), context=CONTACT) is None


def test_broken_values_open_to_none():
    sealer = Sealer([KEY])
    for broken in (None, "", "not base64 at all!", base64.urlsafe_b64encode(b"short").decode()):
        assert sealer.open(broken, context=CONTACT) is None


def test_a_value_sealed_the_old_way_under_secret_key_does_not_open():
    # The keys used to be derived from SECRET_KEY; nothing sealed so opens any more.
    derived = hashlib.sha256(b"a-deployment-secret-key").digest()
    forged = Sealer([derived]).seal({"surname": "Okafor"}, context=CONTACT)
    assert Sealer([KEY]).open(forged, context=CONTACT) is None


def test_keys_must_be_256_bits():
    for keys in ([], [b"short"], [KEY, b"x" * 16]):
        with pytest.raises(ValueError, match="32 bytes"):
            Sealer(keys)
