"""Identity before disclosure: four facts or a new record (001:7.2, 000:L61), a shared secret set
at first contact and hashed with argon2id, nothing released before it is given (001:7.3), and
every step in the audit log without the facts themselves."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models.contacts import open_contact
from models.customers import Identity, authenticate, release_record
from models.db import session_scope
from models.erasure import erase_customer
from models.identity import (
    MAX_FAILURES,
    IdentityCheck,
    check_secret,
    identify,
    release_to,
    set_secret,
)
from models.records import Customer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NGOZI = dict(surname="Okafor", first_name="Ngozi", date_of_birth="1990-02-01", postcode="LS1 4AP")


def _contact(engine, key: str, at: datetime) -> None:
    with session_scope(engine) as session:
        open_contact(session=session, key=key, channel="webchat", at=at)


def _first_contact(engine) -> int:
    _contact(engine, "webchat-first", NOW)
    with session_scope(engine) as session:
        match = identify(session=session, contact_key="webchat-first",
                         identity=Identity.of(**NGOZI), at=NOW)
        assert not match.returning
        set_secret(session=session, customer_id=match.customer_id, secret="blue kettle",
                   at=NOW, contact_key="webchat-first")
        return match.customer_id


def _actions(engine) -> list[str]:
    with session_scope(engine) as session:
        return [c.action for c in session.exec(select(IdentityCheck).order_by(IdentityCheck.id))]


def test_a_returning_customers_history_is_released_only_after_the_secret(engine):
    customer_id = _first_contact(engine)
    later = NOW + timedelta(days=3)
    _contact(engine, "CA-second", later)
    with session_scope(engine) as session:
        match = identify(session=session, contact_key="CA-second",
                         identity=Identity.of(**{**NGOZI, "surname": "OKAFOR "}), at=later)
        assert match.returning and match.customer_id == customer_id
        assert check_secret(session=session, customer_id=customer_id, secret="red kettle",
                            at=later, contact_key="CA-second", actor="adviser:7") is None
        proof = check_secret(session=session, customer_id=customer_id, secret="Blue  Kettle",
                             at=later, contact_key="CA-second", actor="adviser:7")
        record = release_to(session=session, authenticated=proof, at=later, actor="adviser:7",
                            contact_key="CA-second")
    assert len(record["contacts"]) == 2  # the first contact and this one, both linked
    assert _actions(engine) == ["created", "secret_set", "matched", "refused", "authenticated",
                                "released"]
    with session_scope(engine) as session:
        rows = " ".join(str(r.model_dump()) for r in session.exec(select(IdentityCheck)))
    assert "okafor" not in rows.lower() and "1990" not in rows and "LS1" not in rows


def test_nothing_is_released_without_the_proof(engine):
    customer_id = _first_contact(engine)
    with session_scope(engine) as session, pytest.raises(PermissionError, match="001:7.3"):
        release_record(session=session, authenticated=type("Fake", (), {
            "customer_id": customer_id, "_token": object()})())


def test_three_matching_facts_make_a_new_customer(engine):
    customer_id = _first_contact(engine)
    _contact(engine, "CA-other", NOW)
    with session_scope(engine) as session:
        match = identify(session=session, contact_key="CA-other",
                         identity=Identity.of(**{**NGOZI, "postcode": "LS2 9JT"}), at=NOW)
    assert not match.returning and match.customer_id != customer_id


def test_too_many_wrong_secrets_lock_the_record_for_a_while(engine):
    customer_id = _first_contact(engine)
    with session_scope(engine) as session:
        for n in range(MAX_FAILURES):
            assert check_secret(session=session, customer_id=customer_id, secret="guess",
                                at=NOW + timedelta(seconds=n)) is None
        locked = check_secret(session=session, customer_id=customer_id, secret="blue kettle",
                              at=NOW + timedelta(minutes=1))
        assert locked is None
        later = check_secret(session=session, customer_id=customer_id, secret="blue kettle",
                             at=NOW + timedelta(minutes=20))
        assert later is not None
    assert _actions(engine)[-2:] == ["locked", "authenticated"]


def test_the_secret_is_stored_as_argon2id_and_old_scrypt_hashes_still_work(engine):
    customer_id = _first_contact(engine)
    with session_scope(engine) as session:
        customer = session.get(Customer, customer_id)
        assert customer.secret_hash.startswith("$argon2id$")
        assert "kettle" not in customer.secret_hash
        salt = bytes(16)
        digest = hashlib.scrypt(b"old secret", salt=salt, n=2**14, r=8, p=1, dklen=32)
        customer.secret_hash = f"scrypt${salt.hex()}${digest.hex()}"
        session.add(customer)
    with session_scope(engine) as session:
        assert authenticate(session=session, customer_id=customer_id, secret="Old Secret")
        assert session.get(Customer, customer_id).secret_hash.startswith("$argon2id$")


def test_erasure_leaves_the_checks_but_not_who_they_were_about(engine, redis_client):
    customer_id = _first_contact(engine)
    with session_scope(engine) as session:
        receipt = erase_customer(session=session, customer_id=customer_id, redis=redis_client,
                                 tracker_redis=redis_client, at=NOW)
    assert receipt.counts["identity_checks"] == 2
    with session_scope(engine) as session:
        rows = session.exec(select(IdentityCheck)).all()
    assert [(r.customer_id, r.contact_key) for r in rows] == [(None, None), (None, None)]
