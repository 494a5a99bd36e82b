"""Customer records: matched only on all four facts (000:L61), released only when authenticated
(001:7.3), exported whole for a subject access request (001:34.2)."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime

import pytest

from models.contacts import open_contact, record_event
from models.customers import (
    AuthenticatedCustomer,
    Identity,
    authenticate,
    link_contact,
    match_or_create_customer,
    release_record,
    set_shared_secret,
)
from models.db import session_scope
from models.subject_access import export_customer

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SAM = dict(surname="Okafor", first_name="Sam", date_of_birth="1990-02-01", postcode="LS1 4AP")


def identity(**changes) -> Identity:
    return Identity.of(**{**SAM, **changes})


def match(engine, ident: Identity):
    with session_scope(engine) as session:
        return match_or_create_customer(session=session, identity=ident, at=NOW)


def test_all_four_facts_must_match_for_a_returning_customer(engine):
    first = match(engine, identity())
    assert not first.returning
    again = match(engine, identity(surname=" OKAFOR ", postcode="ls14ap"))
    assert again.returning and again.customer_id == first.customer_id
    for change in (
        {"surname": "Okafor-Jones"},
        {"first_name": "Samuel"},
        {"date_of_birth": "1990-02-02"},
        {"postcode": "LS1 4AQ"},
    ):
        other = match(engine, identity(**change))
        assert not other.returning and other.customer_id != first.customer_id


def test_concurrent_first_contacts_make_one_record(engine):
    results = []
    barrier = threading.Barrier(6)

    def first_contact() -> None:
        barrier.wait()
        results.append(match(engine, identity()))

    threads = [threading.Thread(target=first_contact) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({r.customer_id for r in results}) == 1
    assert sum(not r.returning for r in results) == 1


def test_unusable_identity_facts_are_refused():
    with pytest.raises(ValueError):
        identity(postcode="LS1")
    with pytest.raises(ValueError):
        identity(surname="  ")
    with pytest.raises(ValueError):
        identity(date_of_birth="1 Feb 1990")


def test_nothing_is_released_until_the_customer_is_authenticated(engine):
    customer_id = match(engine, identity()).customer_id
    with session_scope(engine) as session:
        assert authenticate(session=session, customer_id=customer_id, secret="anything") is None
        set_shared_secret(session=session, customer_id=customer_id, secret="Blue Kettle")
    with session_scope(engine) as session:
        assert authenticate(session=session, customer_id=customer_id, secret="red kettle") is None
        with pytest.raises(PermissionError):
            release_record(session=session, authenticated=AuthenticatedCustomer(customer_id, None))
        proof = authenticate(session=session, customer_id=customer_id, secret=" blue  KETTLE")
        assert proof is not None
        record = release_record(session=session, authenticated=proof)
    assert record["customer"]["surname"] == "okafor"
    assert "secret_hash" not in record["customer"]


def test_subject_access_export_holds_the_customer_and_their_contacts(engine):
    customer_id = match(engine, identity()).customer_id
    with session_scope(engine) as session:
        open_contact(session=session, key="CA-SAR", channel="phone", at=NOW)
        link_contact(session=session, contact_key="CA-SAR", customer_id=customer_id)
        record_event(
            session=session,
            contact_key="CA-SAR",
            kind="customer_said",
            at=NOW,
            text="I want to retrain as a plumber",
        )
    with session_scope(engine) as session:
        export = export_customer(
            session=session, customer_id=customer_id, at=NOW, requested_on=date(2026, 3, 1)
        )
    json.dumps(export)  # plain JSON values only
    assert export["customer"]["postcode"] == "LS14AP"
    assert export["due_by"] == "2026-04-10"  # 40 calendar days (001:34.2)
    [contact] = export["contacts"]
    assert [e["kind"] for e in contact["events"]] == ["started", "customer_said"]
    assert contact["events"][1]["text"] == "I want to retrain as a plumber"
    with session_scope(engine) as session, pytest.raises(LookupError):
        export_customer(session=session, customer_id=customer_id + 99, at=NOW)
