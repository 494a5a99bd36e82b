"""Customer records: matched on four facts (000:L61), released only once authenticated (001:7.3).

`match_or_create_customer` says only *which* record and whether it is new: it releases nothing.
What is held about a customer comes out only through `release_record`, which needs an
`AuthenticatedCustomer`, and only `authenticate` makes one, from a correct shared secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import argon2
import sqlalchemy as sa
from sqlmodel import Session, select

from models.contacts import get_contact
from models.records import Contact, ContactEvent, Customer
from models.statements import insert_ignoring
from models.timestamps import require_utc

# The shortest shared secret stored: a memorable number has 6 to 8 digits (config/identity.yaml).
MIN_SECRET_LENGTH = 6
_POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
_HASHER = argon2.PasswordHasher()  # argon2id with the library's recommended parameters
_DUMMY_HASH = _HASHER.hash("not anyone's memorable number")  # for spend_a_check


@dataclass(frozen=True)
class Identity:
    """The four facts a customer is matched on (000:L61), normalised so spacing and case match."""

    surname: str
    first_name: str
    date_of_birth: date
    postcode: str

    @classmethod
    def of(
        cls, *, surname: str, first_name: str, date_of_birth: date | str, postcode: str
    ) -> Identity:
        """Normalise and check the four facts; ValueError says which one is unusable."""
        names = [" ".join(n.split()).casefold() for n in (surname, first_name)]
        if not all(names) or any(len(n) > 100 for n in names):
            raise ValueError("surname and first name are each 1 to 100 characters")
        born = (
            date.fromisoformat(date_of_birth) if isinstance(date_of_birth, str) else date_of_birth
        )
        code = "".join(postcode.split()).upper()
        if not _POSTCODE.match(code):
            raise ValueError("postcode is not a full UK postcode")
        return cls(names[0], names[1], born, code)


@dataclass(frozen=True)
class CustomerMatch:
    """Which customer record a contact belongs to; holds nothing about the customer."""

    customer_id: int
    returning: bool


@dataclass(frozen=True)
class AuthenticatedCustomer:
    """Proof that a returning customer gave their shared secret (made only by `authenticate`)."""

    customer_id: int
    _token: object


_ISSUED = object()


def match_or_create_customer(
    *, session: Session, identity: Identity, at: datetime
) -> CustomerMatch:
    """The record whose four facts all match, or a new one (000:L61); safe under concurrency."""
    at = require_utc(at)
    row = {
        "surname": identity.surname,
        "first_name": identity.first_name,
        "date_of_birth": identity.date_of_birth,
        "postcode": identity.postcode,
        "created_at": at,
        "last_contact_at": at,
    }
    keys = ["surname", "first_name", "date_of_birth", "postcode"]
    created = session.execute(
        insert_ignoring(session, Customer, row, keys).returning(Customer.__table__.c.id)
    ).first()
    if created is not None:
        return CustomerMatch(customer_id=created[0], returning=False)
    customer = find_customer(session=session, identity=identity)
    customer.last_contact_at = max(customer.last_contact_at, at)
    session.add(customer)
    return CustomerMatch(customer_id=customer.id, returning=True)


def find_customer(*, session: Session, identity: Identity) -> Customer | None:
    """The record matching all four facts, or None (staff tools; never shown unauthenticated)."""
    return session.exec(
        select(Customer).where(
            Customer.surname == identity.surname,
            Customer.first_name == identity.first_name,
            Customer.date_of_birth == identity.date_of_birth,
            Customer.postcode == identity.postcode,
        )
    ).first()


def link_contact(*, session: Session, contact_key: str, customer_id: int) -> None:
    """Say which customer a contact was with."""
    contact = get_contact(session=session, key=contact_key)
    contact.customer_id = customer_id
    session.add(contact)


def set_shared_secret(*, session: Session, customer_id: int, secret: str) -> None:
    """Store an argon2id hash of the customer's shared secret (never the secret itself)."""
    if len(" ".join(secret.split())) < MIN_SECRET_LENGTH:
        raise ValueError(f"a shared secret has at least {MIN_SECRET_LENGTH} characters")
    customer = _customer(session, customer_id)
    customer.secret_hash = _HASHER.hash(_normal_secret(secret))
    session.add(customer)


def authenticate(
    *, session: Session, customer_id: int, secret: str
) -> AuthenticatedCustomer | None:
    """Proof of authentication if `secret` matches the stored one (001:7.3), otherwise None."""
    customer = session.get(Customer, customer_id)
    if customer is None or not customer.secret_hash:
        return None
    given = _normal_secret(secret)
    if not _secret_matches(customer.secret_hash, given):
        return None
    if customer.secret_hash.startswith("scrypt$") or _HASHER.check_needs_rehash(
            customer.secret_hash):
        customer.secret_hash = _HASHER.hash(given)  # upgraded while the secret is at hand
        session.add(customer)
    return AuthenticatedCustomer(customer_id=customer_id, _token=_ISSUED)


def vouched_for(customer_id: int) -> AuthenticatedCustomer:
    """Proof for a customer whose authentication on this contact is already in the audit log.

    Only `models.identity.authenticated_on` calls this, after finding that audited check.
    """
    return AuthenticatedCustomer(customer_id=customer_id, _token=_ISSUED)


def spend_a_check(secret: str) -> None:
    """The hashing work of checking `secret` against a record, with nothing to check it against.

    Where a record has no number, or is locked, the answer must take as long as a real check,
    or the time taken would say so.
    """
    _secret_matches(_DUMMY_HASH, _normal_secret(secret))


def has_secret(*, session: Session, customer_id: int) -> bool:
    """Whether the customer has a shared secret to be asked for."""
    customer = session.get(Customer, customer_id)
    return bool(customer and customer.secret_hash)


def _secret_matches(stored: str, given: bytes) -> bool:
    if stored.startswith("scrypt$"):  # hashes written before argon2id
        _, salt, expected = stored.split("$")
        digest = hashlib.scrypt(given, salt=bytes.fromhex(salt), **_SCRYPT)
        return hmac.compare_digest(digest.hex(), expected)
    try:
        return _HASHER.verify(stored, given)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return False


def release_record(
    *, session: Session, authenticated: AuthenticatedCustomer,
    proven_on: Collection[str] | None = None,
) -> dict[str, Any]:
    """What is held about an authenticated customer: their details and past contacts' outcomes.

    `proven_on` (contact keys) limits the contacts to those the same secret was set or given on.
    """
    if not isinstance(authenticated, AuthenticatedCustomer) or authenticated._token is not _ISSUED:
        raise PermissionError("the customer has not been authenticated (001:7.3)")
    customer = _customer(session, authenticated.customer_id)
    query = select(Contact).where(Contact.customer_id == customer.id)
    if proven_on is not None:
        query = query.where(Contact.key.in_(list(proven_on)))
    contacts = session.exec(query.order_by(Contact.started_at)).all()
    return {
        "customer": customer_details(customer),
        "contacts": [
            {
                "channel": c.channel,
                "started_at": c.started_at.isoformat(),
                "outcome": _last_outcome(session, c.id),
            }
            for c in contacts
        ],
    }


def customer_details(customer: Customer) -> dict[str, Any]:
    """The customer's own details as plain values (the secret's hash is not a detail)."""
    return {
        "id": customer.id,
        "surname": customer.surname,
        "first_name": customer.first_name,
        "date_of_birth": customer.date_of_birth.isoformat(),
        "postcode": customer.postcode,
        "created_at": customer.created_at.isoformat(),
        "last_contact_at": customer.last_contact_at.isoformat(),
    }


def _last_outcome(session: Session, contact_id: int) -> str | None:
    outcome_kinds = (
        "answered",
        "abandoned",
        "transferred",
        "transfer_failed",
        "callback_created",
        "callback_completed",
        "triaged",
    )
    row = session.execute(
        sa.select(ContactEvent.kind)
        .where(ContactEvent.contact_id == contact_id, ContactEvent.kind.in_(outcome_kinds))
        .order_by(ContactEvent.seq.desc())
        .limit(1)
    ).first()
    return row[0] if row else None


def _customer(session: Session, customer_id: int) -> Customer:
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    return customer


def _normal_secret(secret: str) -> bytes:
    return " ".join(secret.split()).casefold().encode()
