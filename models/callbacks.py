"""Callback tables: a tracked task to ring or write back to a customer, and up to three attempts.

A callback refers to its contact only by the contact key (CallSid or chat session id) and holds the
minimum needed to call back (000:L81; 001:29.1): a phone number or email address, the reason for the
enquiry and the triage summary. The data functions live in routing.callbacks.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import phonenumbers
from pydantic import field_validator, model_validator
from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models import relay_uk
from models.timestamps import UTCDateTime

STATUSES = ("pending", "claimed", "completed", "failed", "cancelled")
OPEN_STATUSES = ("pending", "claimed")
# research: an adviser promised to ring back after looking into the customer's question (000:L115).
# follow_up: the follow-up programme's call or e-mail after the last contact (000:L110).
SOURCES = ("cold_transfer", "customer_request", "out_of_hours", "research", "follow_up")
OUTCOMES = ("reached", "no_answer", "busy", "voicemail", "wrong_number", "failed")
# Unsuccessful outcomes that leave the callback open for another try (up to MAX_ATTEMPTS).
RETRY_OUTCOMES = ("no_answer", "busy", "voicemail", "failed")
# The worker's marks on an open callback: due within the hour, then overdue (004:L912).
ALERTS = ("due_soon", "overdue")
# A click-to-call's life: the adviser's phone rings, then the customer's, then it ends.
DIAL_STATES = ("ringing_adviser", "dialling_customer", "answered", "ended")
# How a customer may be told of their callback in writing (ivr/messaging).
NOTIFY = ("sms", "email")
MAX_ATTEMPTS = 3  # the adviser calls back up to three times (000:L29)
MAX_SUMMARY_CHARS = 4000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_IDENT = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


class CallbackBase(SQLModel):
    """What the caller supplies: who to call back, for whom, by when and why."""

    contact_key: str = Field(min_length=1, max_length=128)
    contractor_id: str | None = Field(default=None, max_length=32)
    queue_id: str | None = Field(default=None, max_length=32)
    due_at: datetime = Field(sa_type=UTCDateTime)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    reason: str = Field(min_length=1, max_length=500)
    summary: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    source: str = Field(max_length=32)


class CallbackCreate(CallbackBase):
    """A validated request to create a callback."""

    @field_validator("contractor_id", "queue_id")
    @classmethod
    def _identifier(cls, value: str | None) -> str | None:
        if value is not None and not _IDENT.match(value):
            raise ValueError("must be a contractor or queue id like north-west or young_people")
        return value

    @field_validator("due_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must include a UTC offset")
        return value.astimezone(UTC)

    @field_validator("phone")
    @classmethod
    def _e164(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            number = relay_uk.parsed(value)  # UK national format is accepted too
        except phonenumbers.NumberParseException:
            raise ValueError("is not a telephone number") from None
        if not phonenumbers.is_possible_number(number):
            raise ValueError("is not a possible telephone number")
        if relay_uk.is_relay(value):
            # Kept with its Relay UK prefix: the callback goes through the relay service.
            return relay_uk.uk_number(value) or value
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value.strip()):
            raise ValueError("is not an email address")
        return value.strip() if value else value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str) -> str:
        if value not in SOURCES:
            raise ValueError(f"must be one of {', '.join(SOURCES)}")
        return value

    @field_validator("summary")
    @classmethod
    def _small_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, default=str)) > MAX_SUMMARY_CHARS:
            raise ValueError(f"is longer than {MAX_SUMMARY_CHARS} characters as JSON")
        return json.loads(json.dumps(value, default=str))

    @model_validator(mode="after")
    def _one_owner_and_a_way_to_reach(self) -> CallbackCreate:
        if (self.contractor_id is None) == (self.queue_id is None):
            raise ValueError("give exactly one of contractor_id and queue_id")
        if not (self.phone or self.email):
            raise ValueError("give a phone number or an email address to call back on")
        return self


class Callback(CallbackBase, table=True):
    """One callback task; its status moves pending -> claimed -> completed | failed | cancelled."""

    __tablename__ = "callback"
    __table_args__ = (
        UniqueConstraint("contact_key", name="uq_callback_contact_key"),
        CheckConstraint("(contractor_id IS NULL) <> (queue_id IS NULL)", name="ck_callback_owner"),
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_callback_status"),
        CheckConstraint(f"attempt_count BETWEEN 0 AND {MAX_ATTEMPTS}", name="ck_callback_attempts"),
        # Claims read these in (due_at, id) order (migration 0004).
        Index("ix_callback_contractor_due", "contractor_id", "status", "due_at", "id"),
        Index("ix_callback_queue_due", "queue_id", "status", "due_at", "id"),
        Index("ix_callback_status_due", "status", "due_at", "id"),
        Index("ix_callback_status_lease", "status", "lease_expires_at"),
        # Worklist pages: one owner's open callbacks soonest due first (migration 0006).
        # Pinned callbacks (a failed warm transfer) first, then soonest due (migration 0010).
        Index("ix_callback_open_contractor_due", "contractor_id", text("pinned DESC"), "due_at",
              "id", postgresql_where=text("status IN ('pending', 'claimed')"),
              sqlite_where=text("status IN ('pending', 'claimed')")),
        Index("ix_callback_open_queue_due", "queue_id", text("pinned DESC"), "due_at", "id",
              postgresql_where=text("status IN ('pending', 'claimed')"),
              sqlite_where=text("status IN ('pending', 'claimed')")),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default="pending", max_length=16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    available_at: datetime = Field(sa_type=UTCDateTime)  # not offered before (retry delay)
    claimed_by: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claim_count: int = 0
    attempt_count: int = 0
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    alert: str | None = Field(default=None, max_length=16)  # set by the worker (ALERTS)
    alerted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Listed above every due time while open: the customer was just failed by a warm transfer.
    pinned: bool = Field(default=False, sa_column_kwargs={"server_default": text("false")})
    # How the customer asked to be told in writing (ivr/messaging): "sms" (a mobile number and
    # their consent) or "email" (a written contact); None: not at all. Each message is claimed
    # once by setting its time (UPDATE … WHERE … IS NULL), so two workers never send it twice.
    notify: str | None = Field(default=None, max_length=8)
    confirmed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reminded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The one member of staff who may work it (their username): the adviser who promised to ring
    # back after research. None: anyone who may see it.
    owner_adviser: str | None = Field(default=None, max_length=64)


class CallbackAttempt(SQLModel, table=True):
    """One try at reaching the customer, and how it went."""

    __tablename__ = "callback_attempt"
    __table_args__ = (
        UniqueConstraint("callback_id", "number", name="uq_callback_attempt_number"),
        CheckConstraint(f"number BETWEEN 1 AND {MAX_ATTEMPTS}", name="ck_callback_attempt_number"),
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="ck_callback_attempt_outcome"),
        UniqueConstraint("dial_id", name="uq_callback_attempt_dial"),
    )

    id: int | None = Field(default=None, primary_key=True)
    callback_id: int = Field(foreign_key="callback.id", ondelete="CASCADE")
    number: int
    staff_id: str = Field(max_length=64)
    outcome: str = Field(max_length=16)
    at: datetime = Field(sa_type=UTCDateTime)
    outcome_code: str | None = Field(default=None, max_length=32)  # what "reached" achieved
    # The click-to-call that made this attempt: unique, so one call never counts twice.
    dial_id: int | None = None


class CallbackDial(SQLModel, table=True):
    """One click-to-call: the adviser's leg rings first, then the customer's (Twilio call SIDs)."""

    __tablename__ = "callback_dial"
    __table_args__ = (
        CheckConstraint(f"state IN {DIAL_STATES!r}", name="ck_callback_dial_state"),
        Index("ix_callback_dial_callback", "callback_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    callback_id: int = Field(foreign_key="callback.id", ondelete="CASCADE")
    token: str = Field(max_length=32, unique=True)  # names the dial in webhook URLs
    staff_id: str = Field(max_length=64)
    state: str = Field(default="ringing_adviser", max_length=20)
    adviser_call_sid: str | None = Field(default=None, max_length=64)
    customer_call_sid: str | None = Field(default=None, max_length=64)
    answered_by: str | None = Field(default=None, max_length=32)  # Twilio's AnsweredBy
    # How it ended: an attempt outcome, or adviser_unavailable / adviser_hung_up (no attempt).
    result: str | None = Field(default=None, max_length=32)
    started_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class AttemptPublic(SQLModel):
    """An attempt as shown to staff."""

    number: int
    staff_id: str
    outcome: str
    at: datetime
    outcome_code: str | None = None


class CallbackPublic(CallbackBase):
    """A callback as returned by the data functions."""

    id: int
    status: str
    created_at: datetime
    updated_at: datetime
    available_at: datetime
    claimed_by: str | None
    lease_expires_at: datetime | None
    claim_count: int
    attempt_count: int
    finished_at: datetime | None
    alert: str | None = None
    alerted_at: datetime | None = None
    pinned: bool = False
    notify: str | None = None
    confirmed_at: datetime | None = None
    reminded_at: datetime | None = None
    owner_adviser: str | None = None
    attempts: list[AttemptPublic] = []
