"""Customers' requests about their data, tracked to completion: see it (subject access,
001:34.1–34.3) or have it removed (termination of service, 001:7.4).

A request holds the four identity facts and where to reply only while it is open: closing it
clears them (001:29.1), leaving the reference, the kind, the channel, the clocks and the outcome.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlmodel import Column, Field, Session, SQLModel, select

from models.timestamps import UTCDateTime, require_utc

# access: a copy of their data; termination: all records removed; indicator: the neutral
# priority-group indicator removed from their contacts (001:20.3).
KINDS = ("access", "termination", "indicator")
CHANNELS = ("web", "phone", "webchat", "email")


class RightsRequest(SQLModel, table=True):
    """One customer's request, with its clocks and, while open, who they are."""

    __tablename__ = "rights_request"
    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=16, sa_column_kwargs={"unique": True})
    kind: str = Field(max_length=16)
    channel: str = Field(max_length=16)
    logged_by: str = Field(max_length=64)  # a staff username, or "customer" for the web form
    received_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    funder_due: date | None = None  # subject access only (001:34.1)
    answer_due: date
    funder_told_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    identity_confirmed_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    outcome: str | None = Field(default=None, max_length=32)
    # Cleared when the request closes.
    surname: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    date_of_birth: date | None = None
    postcode: str | None = Field(default=None, max_length=8)
    reply_to: str | None = Field(default=None, max_length=254)


def open_request(*, session: Session, kind: str, channel: str, logged_by: str, at: datetime,
                 funder_due: date | None, answer_due: date, surname: str, first_name: str,
                 date_of_birth: date, postcode: str, reply_to: str) -> RightsRequest:
    """Record a new request; ValueError for an unknown kind or channel."""
    if kind not in KINDS or channel not in CHANNELS:
        raise ValueError("unknown kind or channel")
    row = RightsRequest(reference="RR-" + secrets.token_hex(4).upper(), kind=kind,
                        channel=channel, logged_by=logged_by, received_at=require_utc(at),
                        funder_due=funder_due, answer_due=answer_due, surname=surname,
                        first_name=first_name, date_of_birth=date_of_birth, postcode=postcode,
                        reply_to=reply_to)
    session.add(row)
    session.flush()
    return row


def get_request(*, session: Session, reference: str) -> RightsRequest | None:
    """The request with this reference, if any."""
    return session.exec(select(RightsRequest).where(
        RightsRequest.reference == reference)).first()


def requests(*, session: Session, open_only: bool = False) -> list[RightsRequest]:
    """Requests, the soonest due first; open ones only if asked."""
    query = select(RightsRequest)
    if open_only:
        query = query.where(RightsRequest.closed_at.is_(None))
    return list(session.exec(query.order_by(RightsRequest.answer_due, RightsRequest.id)))


def close(*, session: Session, row: RightsRequest, outcome: str, at: datetime) -> None:
    """Close the request with its outcome and forget who the customer was."""
    row.closed_at, row.outcome = require_utc(at), outcome
    row.surname = row.first_name = row.postcode = row.reply_to = None
    row.date_of_birth = None
    session.add(row)
    session.flush()
