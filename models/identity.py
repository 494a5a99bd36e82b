"""Identity before disclosure (001:7.2, 001:7.3), with an audit of every check.

A channel that is sending a customer to an adviser asks for the four facts 000:L61 matches on
and nothing else (001:29.1), then calls `identify`: all four match an existing record or a new
one is made, and the contact is linked. A new customer sets a shared secret (`set_secret`);
a returning one is asked for it, and `check_secret` gives the proof `release_to` needs before
anything held is shown, to the customer or to an adviser on their behalf. Every step is written
to `identity_check` (what, when, by whom, for which record) without any of the facts themselves.
Five wrong secrets within 15 minutes lock the record's secret for 15 minutes, atomically (one
guess at a time per record, under a row lock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, Session, SQLModel, select

from models.customers import (
    AuthenticatedCustomer,
    CustomerMatch,
    Identity,
    authenticate,
    link_contact,
    match_or_create_customer,
    release_record,
    set_shared_secret,
    spend_a_check,
    vouched_for,
)
from models.records import Customer
from models.timestamps import UTCDateTime, require_utc

MAX_FAILURES = 5
LOCK_WINDOW = timedelta(minutes=15)


class Check(StrEnum):
    """What an identity check did."""

    CREATED = "created"  # no record matched all four facts: a new customer (001:7.2)
    MATCHED = "matched"  # a returning customer's record, not yet released
    SECRET_SET = "secret_set"  # nosec B105
    AUTHENTICATED = "authenticated"
    REFUSED = "refused"  # a wrong shared secret
    LOCKED = "locked"  # too many wrong secrets: not even checked
    RELEASED = "released"  # what is held was shown (001:7.3)


class IdentityCheck(SQLModel, table=True):
    """One step of identifying a customer; names the record and contact, never the facts."""

    __tablename__ = "identity_check"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    action: str = Field(max_length=16)
    actor: str = Field(max_length=64)  # "customer", or "adviser:<user id>"
    customer_id: int | None = None
    contact_key: str | None = Field(default=None, max_length=64)


def identify(
    *, session: Session, contact_key: str, identity: Identity, at: datetime,
    actor: str = "customer",
) -> CustomerMatch:
    """Match all four facts or make a new customer (001:7.2), link the contact, audit it."""
    match = match_or_create_customer(session=session, identity=identity, at=at)
    link_contact(session=session, contact_key=contact_key, customer_id=match.customer_id)
    audit(session=session, action=Check.MATCHED if match.returning else Check.CREATED, at=at,
          actor=actor, customer_id=match.customer_id, contact_key=contact_key)
    return match


def set_secret(
    *, session: Session, customer_id: int, secret: str, at: datetime,
    contact_key: str | None = None, actor: str = "customer",
) -> None:
    """Set a new customer's shared secret at first contact (hashed), audited."""
    set_shared_secret(session=session, customer_id=customer_id, secret=secret)
    audit(session=session, action=Check.SECRET_SET, at=at, actor=actor,
          customer_id=customer_id, contact_key=contact_key)


def check_secret(
    *, session: Session, customer_id: int, secret: str, at: datetime,
    contact_key: str | None = None, actor: str = "customer",
) -> AuthenticatedCustomer | None:
    """Proof of authentication for a right secret (001:7.3); None, audited, otherwise.

    Atomic per record: the customer's row is locked (SELECT ... FOR UPDATE) for the rest of the
    caller's transaction, so parallel guesses are judged one after another, each counting the
    failures the ones before it wrote; no more than MAX_FAILURES are ever judged.
    """
    at = require_utc(at)
    _lock_record(session, customer_id)
    if failures_since(session=session, customer_id=customer_id, since=at - LOCK_WINDOW) \
            >= MAX_FAILURES:
        audit(session=session, action=Check.LOCKED, at=at, actor=actor,
              customer_id=customer_id, contact_key=contact_key)
        spend_a_check(secret)  # as long as a real check: the time taken does not say "locked"
        return None
    proof = authenticate(session=session, customer_id=customer_id, secret=secret)
    audit(session=session, action=Check.AUTHENTICATED if proof else Check.REFUSED, at=at,
          actor=actor, customer_id=customer_id, contact_key=contact_key)
    return proof


def _lock_record(session: Session, customer_id: int) -> None:
    # The count, the check and its audit row must be one step per record. PostgreSQL holds this
    # row lock until the caller's transaction ends, after the audit row is written; SQLite
    # (development only) has no row locks but lets one writer in at a time.
    session.execute(sa.select(Customer.id).where(Customer.id == customer_id).with_for_update())


def release_to(
    *, session: Session, authenticated: AuthenticatedCustomer, at: datetime, actor: str,
    contact_key: str | None = None,
) -> dict[str, Any]:
    """What is held about an authenticated customer, audited as released to `actor`.

    Only the contacts on which the memorable number was set or given are released on it: four
    details are enough to be matched to a record, so someone who made a record in another
    person's details first (and chose its number) must not see that person's later contacts.
    """
    proven_on = session.execute(sa.select(IdentityCheck.contact_key).distinct().where(
        IdentityCheck.customer_id == authenticated.customer_id,
        IdentityCheck.action.in_((Check.SECRET_SET, Check.AUTHENTICATED)),
        IdentityCheck.contact_key.is_not(None))).scalars().all()
    record = release_record(session=session, authenticated=authenticated, proven_on=proven_on)
    audit(session=session, action=Check.RELEASED, at=at, actor=actor,
          customer_id=authenticated.customer_id, contact_key=contact_key)
    return record


def authenticated_on(
    *, session: Session, customer_id: int, contact_key: str
) -> AuthenticatedCustomer | None:
    """Proof for a customer who gave their secret during this contact (the audit shows it)."""
    row = session.execute(sa.select(IdentityCheck.id).where(
        IdentityCheck.customer_id == customer_id, IdentityCheck.contact_key == contact_key,
        IdentityCheck.action == Check.AUTHENTICATED).limit(1)).first()
    return vouched_for(customer_id) if row else None


def locked(*, session: Session, customer_id: int, at: datetime) -> bool:
    """Whether the record's secret is locked after too many wrong tries."""
    since = require_utc(at) - LOCK_WINDOW
    return failures_since(session=session, customer_id=customer_id, since=since) >= MAX_FAILURES


def failures_since(*, session: Session, customer_id: int, since: datetime) -> int:
    """Wrong secrets given for the record since `since` (an authentication resets the count)."""
    last_ok = session.execute(
        sa.select(sa.func.max(IdentityCheck.at)).where(
            IdentityCheck.customer_id == customer_id,
            IdentityCheck.action == Check.AUTHENTICATED,
        )
    ).scalar()
    start = max(since, last_ok) if last_ok else since
    return session.execute(
        sa.select(sa.func.count()).where(
            IdentityCheck.customer_id == customer_id,
            IdentityCheck.action == Check.REFUSED,
            IdentityCheck.at > start,
        )
    ).scalar_one()


def audit(
    *, session: Session, action: Check, at: datetime, actor: str,
    customer_id: int | None = None, contact_key: str | None = None,
) -> None:
    """Write one identity check to the audit log."""
    session.add(IdentityCheck(at=require_utc(at), action=str(action), actor=actor,
                              customer_id=customer_id, contact_key=contact_key))
    session.flush()


def checks_for(*, session: Session, customer_id: int) -> list[dict[str, Any]]:
    """The audit of one customer's record, oldest first (for subject access)."""
    rows = session.exec(select(IdentityCheck).where(IdentityCheck.customer_id == customer_id)
                        .order_by(IdentityCheck.at, IdentityCheck.id)).all()
    return [{"at": r.at.isoformat(), "action": r.action, "actor": r.actor} for r in rows]


def forget_checks(*, session: Session, customer_id: int | None, contact_keys: list[str]) -> int:
    """After an erasure: the checks stay (that they happened) but name no record or contact."""
    conditions = [IdentityCheck.contact_key.in_(contact_keys)] if contact_keys else []
    if customer_id is not None:
        conditions.append(IdentityCheck.customer_id == customer_id)
    if not conditions:
        return 0
    result = session.execute(sa.update(IdentityCheck).where(sa.or_(*conditions))
                             .values(customer_id=None, contact_key=None))
    return result.rowcount or 0
