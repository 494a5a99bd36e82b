"""The one API every channel uses to write a contact's timeline: open, record events, close, read.

Writes happen in the caller's session, so they are durable when the caller commits, which it does
before answering the customer. Each event costs two statements: one reserves the next sequence
number on the contact row (which also serialises writers of one contact), one inserts the event
and ignores a duplicate (contact, event id), so a retried webhook writes once even when the
retries arrive at the same moment. Text for a contact linked to a customer costs a third, to
read the names that redaction removes. A duplicate leaves a gap in the sequence, never a second row.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from config import clock
from models.records import Contact, ContactEvent, Customer
from models.redaction import redact, redact_value
from models.statements import insert_ignoring, insert_ignoring_sql, row_params
from models.timestamps import require_utc
from triage.offending import OFFENDER_FACTS, OFFENDER_GROUPS, without_offender_facts


class Channel(StrEnum):
    """How the customer reached the contact centre (the triage contract's channels)."""

    PHONE = "phone"
    WEBCHAT = "webchat"
    WEBFORM = "webform"
    EMAIL = "email"


class EventKind(StrEnum):
    """Every step a contact's timeline can hold; live figures are computed from these."""

    STARTED = "started"
    CUSTOMER_SAID = "customer_said"
    ASSISTANT_SAID = "assistant_said"
    ADVISER_SAID = "adviser_said"  # a person's words to the customer (webchat hand-over)
    TRIAGED = "triaged"
    ENQUEUED = "enqueued"
    ANSWERED = "answered"
    ABANDONED = "abandoned"
    TRANSFER_ATTEMPTED = "transfer_attempted"
    TRANSFERRED = "transferred"
    TRANSFER_FAILED = "transfer_failed"
    CALLBACK_CREATED = "callback_created"
    CALLBACK_CLAIMED = "callback_claimed"
    CALLBACK_ATTEMPTED = "callback_attempted"
    CALLBACK_COMPLETED = "callback_completed"
    CALLBACK_RELEASED = "callback_released"  # given back unworked, or its lease lapsed
    CALLBACK_DIALLED = "callback_dialled"  # a click-to-call: each leg's progress
    CALLBACK_FAILED = "callback_failed"  # three unsuccessful attempts, or a wrong number
    CALLBACK_CANCELLED = "callback_cancelled"
    CALLBACK_DUE_SOON = "callback_due_soon"  # raised by the worker (004:L912)
    CALLBACK_OVERDUE = "callback_overdue"
    # Written confirmation and reminder of a callback (ivr/messaging): the purpose, the channel
    # (sms or email), Twilio's MessageSid and status or a reason; never the words or the number.
    MESSAGE_QUEUED = "message_queued"  # Twilio took the text (status queued)
    MESSAGE_SENT = "message_sent"  # a text left Twilio, or an e-mail reached the mail server
    MESSAGE_DELIVERED = "message_delivered"
    MESSAGE_FAILED = "message_failed"  # failed or undelivered, or Twilio refused it
    MESSAGE_NOT_SENT = "message_not_sent"  # opted out, refused by the check, or no sender
    TEXTS_OPTED_OUT = "texts_opted_out"  # the customer replied STOP
    TEXTS_OPTED_IN = "texts_opted_in"  # the customer replied START
    # the assistant answered with a knowledge article's words (detail: the articles' ids)
    INFORMATION_GIVEN = "information_given"
    # an adviser chose articles to confirm in writing (ids, channel, due time; never the address)
    CONFIRMATION_ARRANGED = "confirmation_arranged"
    STAFF_NOTE = "staff_note"
    IDENTITY = "identity"  # the identity step's progress (asked, given, outcome), never a detail
    OFFERED = "offered"  # the dispatcher gave the contact to an adviser (console)
    OFFER_DECLINED = "offer_declined"  # the adviser declined or did not answer; place kept
    # an adviser transferred it to another queue, or what its customer said while waiting
    # re-routed it (detail "reason": "customer_update"; it keeps its time waited)
    QUEUE_CHANGED = "queue_changed"
    # taken out of its queue because its customer had gone unseen, or re-routed while waiting
    # to a route with no queue (information now, a callback, a signpost)
    LEFT_QUEUE = "left_queue"
    WRAPPED_UP = "wrapped_up"  # the adviser's outcome code (and redacted note)
    # Staff's private note on the contact (redacted), for colleagues; never shown to the customer.
    ADVISER_NOTE = "adviser_note"
    INTERPRETER_ADDED = "interpreter_added"  # a three-way call for advice in another language
    # the satisfaction survey after the contact: its score and yes/no, or that it was skipped
    SATISFACTION = "satisfaction"
    # the follow-up programme on the last contact: flagged, declined, completed (stage, outcome
    # code), never the customer's words
    FOLLOW_UP = "follow_up"
    ENDED = "ended"


class AbandonedAt(StrEnum):
    """Where a customer gave up: the `where` of an `abandoned` event's detail."""

    ASSISTANT = "assistant"
    QUEUE = "queue"
    TRANSFER = "transfer"
    IDENTITY = "identity"  # while being asked for their details, after the routing decision


# Kinds that happen once per contact: without a provider id, a repeat is a retry, not news.
ONCE_PER_CONTACT = frozenset({EventKind.STARTED, EventKind.ABANDONED, EventKind.ENDED})
# The neutral indicator for a self-declared offender priority group (001:20.3).
NEUTRAL_INDICATOR = "non-community"


class UnknownContact(LookupError):
    """No contact has that key."""


@dataclass(frozen=True)
class NewEvent:
    """One event to record; see `record_event` for the fields."""

    kind: EventKind | str
    at: datetime
    event_id: str | None = None
    detail: dict[str, Any] | None = None
    text: str | None = None


def open_contact(
    *,
    session: Session,
    key: str,
    channel: Channel | str,
    at: datetime,
    dialled: str | None = None,
    event_id: str | None = None,
    fetch: bool = True,
) -> Contact | None:
    """The contact for `key`, created with its `started` event if new (idempotent per key).

    `fetch=False` skips reading the row back (a round trip) for a caller that does not use it.
    """
    if not key or len(key) > 64:
        raise ValueError("a contact key is 1 to 64 characters")
    row = {
        "key": key,
        "channel": Channel(channel).value,
        "dialled": dialled,
        "started_at": require_utc(at),
        "last_seq": 0,
    }
    session.execute(insert_ignoring(session, Contact, row, ["key"]))
    record_event(session=session, contact_key=key, kind=EventKind.STARTED, at=at, event_id=event_id)
    return get_contact(session=session, key=key) if fetch else None


def record_event(
    *,
    session: Session,
    contact_key: str,
    kind: EventKind | str,
    at: datetime,
    event_id: str | None = None,
    detail: dict[str, Any] | None = None,
    text: str | None = None,
) -> bool:
    """Append one event; False if `event_id` was already recorded. `text` is redacted first.

    `event_id` should come from the provider (e.g. f"{CallSid}:{CallStatus}") so retries are
    harmless; without one, once-only kinds use their name and others a fresh id.
    """
    new = NewEvent(kind=kind, at=at, event_id=event_id, detail=detail, text=text)
    return record_events(session=session, contact_key=contact_key, events=[new]) == 1


def record_events(*, session: Session, contact_key: str, events: Sequence[NewEvent]) -> int:
    """Append events in order in one statement (a turn's words and decision); count written."""
    if not events:
        return 0
    rows = [_prepare(event) for event in events]
    connection = session.connection()
    reserved = connection.execute(
        _reserve_statement(), {"contact_key": contact_key, "n": len(rows)}
    ).first()
    if reserved is None:
        raise UnknownContact(contact_key)
    contact_id, last_seq, customer_id = reserved
    if any(row["text"] for row in rows):
        # The customer's names are looked up only for a contact linked to a customer: most
        # contacts are not, and the saved statement is a round trip on every event.
        names = _customer_names(session, customer_id) if customer_id is not None else ()
        for row in rows:
            row["text"] = redact(row["text"], known_names=names) if row["text"] else None
    now = clock.now()
    for seq, row in enumerate(rows, start=last_seq - len(rows) + 1):
        row.update(contact_id=contact_id, seq=seq, recorded_at=now)
    if any(_names_offender_group(event.detail) for event in events):
        _set_indicator(session, contact_id, NEUTRAL_INDICATOR)
    written = 0
    for start in range(0, len(rows), 32):
        chunk = rows[start : start + 32]
        statement = insert_ignoring_sql(
            ContactEvent.__table__, _EVENT_COLUMNS, ("contact_id", "event_id"), len(chunk)
        )
        written += len(connection.execute(statement, row_params(_EVENT_COLUMNS, chunk)).all())
    return written


def close_contact(
    *,
    session: Session,
    key: str,
    at: datetime,
    event_id: str | None = None,
    detail: dict[str, Any] | None = None,
    fetch: bool = True,
) -> Contact | None:
    """Record the end of a contact (idempotent: the first end time stands); `fetch` as above."""
    session.execute(
        sa.update(Contact)
        .where(Contact.key == key, Contact.ended_at.is_(None))
        .values(ended_at=require_utc(at))
    )
    record_event(
        session=session,
        contact_key=key,
        kind=EventKind.ENDED,
        at=at,
        event_id=event_id,
        detail=detail,
    )
    return get_contact(session=session, key=key) if fetch else None


def get_contact(*, session: Session, key: str) -> Contact:
    """The contact with `key`, or UnknownContact."""
    # populate_existing: the row may have been changed by a bulk UPDATE in this session.
    query = select(Contact).where(Contact.key == key).execution_options(populate_existing=True)
    contact = session.exec(query).first()
    if contact is None:
        raise UnknownContact(key)
    return contact


def timeline(*, session: Session, contact_key: str) -> list[ContactEvent]:
    """The contact's events in the order they were recorded."""
    contact = get_contact(session=session, key=contact_key)
    query = select(ContactEvent).where(ContactEvent.contact_id == contact.id)
    return list(session.exec(query.order_by(ContactEvent.seq)).all())


def adviser_of(detail: dict[str, Any] | None) -> int | None:
    """The staff id an event's detail names as its adviser (an `answered` or `wrapped_up`
    event), or None: older events hold it as text, and a bool is never an id."""
    value = (detail or {}).get("adviser")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def record_self_declared_priority_group(*, session: Session, contact_key: str) -> None:
    """Note, neutrally, that the customer volunteered the offender priority group (001:20.3)."""
    _set_indicator(session, get_contact(session=session, key=contact_key).id, NEUTRAL_INDICATOR)


def remove_indicator(*, session: Session, contact_key: str) -> None:
    """Remove the indicator at the customer's request (001:20.3)."""
    _set_indicator(session, get_contact(session=session, key=contact_key).id, None)


def _prepare(event: NewEvent) -> dict[str, Any]:
    kind = EventKind(event.kind)
    if kind is EventKind.ABANDONED:
        AbandonedAt((event.detail or {}).get("where"))  # ValueError unless a known place
    event_id = event.event_id or (kind.value if kind in ONCE_PER_CONTACT else uuid.uuid4().hex)
    if len(event_id) > 128:
        raise ValueError("an event id is at most 128 characters")
    detail = redact_value(without_offender_facts(event.detail)) if event.detail else None
    return {
        "kind": kind.value,
        "at": require_utc(event.at),
        "event_id": event_id,
        "detail": detail,
        "text": event.text or None,
    }


_EVENT_COLUMNS = ("contact_id", "seq", "kind", "at", "recorded_at", "event_id", "detail", "text")


@lru_cache(maxsize=1)
def _reserve_statement() -> sa.Update:
    """Reserve sequence numbers on the contact row; this also serialises writers of one contact."""
    contacts = Contact.__table__
    return (
        sa.update(contacts)
        .where(contacts.c.key == sa.bindparam("contact_key"))
        .values(last_seq=contacts.c.last_seq + sa.bindparam("n", type_=sa.Integer))
        .returning(contacts.c.id, contacts.c.last_seq, contacts.c.customer_id)
    )


def _customer_names(session: Session, customer_id: int) -> tuple[str, ...]:
    """The customer's names, so redaction removes them wherever they appear."""
    customers = Customer.__table__
    found = (
        session.connection()
        .execute(
            sa.select(customers.c.first_name, customers.c.surname).where(
                customers.c.id == customer_id
            )
        )
        .first()
    )
    return tuple(found) if found else ()


def _names_offender_group(detail: Any) -> bool:
    """True if a decision's detail says the customer is in the offender priority group."""
    if isinstance(detail, dict):
        groups = detail.get("priority_groups") or []
        facts = detail.get("facts") or {}
        if OFFENDER_GROUPS & set(groups) or any(facts.get(f) for f in OFFENDER_FACTS):
            return True
        return any(_names_offender_group(v) for v in detail.values())
    return False


def _set_indicator(session: Session, contact_id: int, value: str | None) -> None:
    session.execute(sa.update(Contact).where(Contact.id == contact_id).values(indicator=value))
