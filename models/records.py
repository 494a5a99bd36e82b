"""Tables of the contact records: customers, contacts, their events, and the log of erasures.

Personal data lives only in `customer` (the four facts 000:L61 matches on) and, after redaction,
in event text. A contact names no person: its key is the provider's CallSid or a chat session id,
and `dialled` is the service's own number.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, SQLModel

from models.timestamps import UTCDateTime

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a 64-bit identity.
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Customer(SQLModel, table=True):
    """A customer record, matched only on all four identity facts together (000:L61)."""

    __tablename__ = "customer"
    __table_args__ = (
        sa.UniqueConstraint(
            "surname", "first_name", "date_of_birth", "postcode", name="uq_customer_identity"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    surname: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    date_of_birth: date
    postcode: str = Field(max_length=8)
    # A salted hash of a shared secret for authenticating a returning customer (001:7.3).
    secret_hash: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    last_contact_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class Contact(SQLModel, table=True):
    """One phone call or chat session."""

    __tablename__ = "contact"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    channel: str = Field(max_length=16)
    dialled: str | None = Field(default=None, max_length=32)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False, index=True))
    ended_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    customer_id: int | None = Field(
        default=None,
        sa_column=Column(sa.Integer, sa.ForeignKey("customer.id", ondelete="SET NULL"), index=True),
    )
    # Only a neutral value such as "non-community", only if self-declared (001:20.3).
    indicator: str | None = Field(default=None, max_length=32)
    # The last sequence number handed to an event; events are ordered by it.
    last_seq: int = Field(default=0)
    # When retention removed its transcript and unlinked its customer.
    purged_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class ContactEvent(SQLModel, table=True):
    """One append-only step of a contact's timeline."""

    __tablename__ = "contact_event"
    __table_args__ = (
        sa.UniqueConstraint("contact_id", "event_id", name="uq_contact_event_once"),
        sa.Index("ix_contact_event_order", "contact_id", "seq"),
        sa.Index("ix_contact_event_kind_at", "kind", "at"),
    )
    id: int | None = Field(
        default=None, sa_column=Column(BIG_ID, primary_key=True, autoincrement=True)
    )
    contact_id: int = Field(
        sa_column=Column(
            sa.Integer, sa.ForeignKey("contact.id", ondelete="CASCADE"), nullable=False
        )
    )
    seq: int
    kind: str = Field(max_length=32)
    # When it happened (the caller's clock: webhook arrival), and when it was written.
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    # The provider's event id (or one derived from it), so a retried delivery writes once.
    event_id: str = Field(max_length=128)
    detail: dict[str, Any] | None = Field(default=None, sa_column=Column(sa.JSON))
    text: str | None = Field(default=None, sa_column=Column(sa.Text))


class ErasureRecord(SQLModel, table=True):
    """That a termination of service was carried out (001:7.4), with counts and no personal data."""

    __tablename__ = "erasure_record"
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, sa_column_kwargs={"unique": True})
    erased_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    reason: str = Field(max_length=32)
    counts: dict[str, int] = Field(sa_column=Column(sa.JSON, nullable=False))
