"""The durable callback queue: every promised callback is stored, claimed once, and finished.

The database (PostgreSQL, or SQLite in development) is the only source of truth; each function
commits before it returns, so a callback exists before the customer is told about it.

API (every function is keyword-only, takes an explicit Session, returns CallbackPublic):

    create_callback(*, session, contact_key, due, reason, source, summary=None,
                    contractor_id=None, queue_id=None, phone=None, email=None, now=None,
                    not_before=None, pinned=False, notify=None)
        Idempotent per contact_key (CallSid or chat session id): a retried create returns the
        first callback unchanged. Exactly one of contractor_id / queue_id; phone (E.164 or UK
        national) or email. source: cold_transfer | customer_request | out_of_hours.
    claim_next(*, session, staff_id, lease_seconds=300, contractor_id=None, queue_id=None, now=None)
        Atomically claims the callback due first (or None): pending and available, or claimed with
        an expired lease. Two claimers never get the same one while a lease runs.
    claim_callback(*, session, callback_id, staff_id, lease_seconds=300, now=None)
        Claims that one callback (an adviser opens it) when it is free, its lease has lapsed or
        it is already theirs (the lease is renewed); returns it either way, so the caller can
        show someone else's claim, which is never taken before it lapses.
    extend_lease(*, session, callback_id, staff_id, lease_seconds=300, now=None)
    record_attempt(*, session, callback_id, staff_id, outcome, now=None, retry_after_seconds=3600,
                   outcome_code=None, dial_id=None)
        outcome: reached (-> completed) | wrong_number (-> failed) | no_answer | busy | voicemail
        | failed (-> pending again after retry_after_seconds; the third unsuccessful attempt ->
        failed). dial_id: the click-to-call that made it; a second attempt for one dial is a
        retry and changes nothing.
    complete(*, session, callback_id, staff_id, now=None)
    release(*, session, callback_id, staff_id, now=None)      give it back unworked
    cancel(*, session, callback_id, now=None)                 e.g. the customer no longer needs it
    get_callback(*, session, callback_id) -> CallbackPublic | None
    list_pending(*, session, contractor_id=None, queue_id=None, limit=100) -> list[CallbackPublic]

Errors: CallbackError (bad input; ValueError) and CallbackConflict (not yours, or already finished).
Every step is written to the contact's timeline in the same transaction (routing.callback_events).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlmodel import Session

from config import clock
from models.callbacks import (
    MAX_ATTEMPTS,
    NOTIFY,
    OPEN_STATUSES,
    OUTCOMES,
    AttemptPublic,
    Callback,
    CallbackAttempt,
    CallbackCreate,
    CallbackPublic,
)
from models.contacts import EventKind
from models.redaction import redact, redact_value
from models.statements import insert_ignoring_sql, row_params
from routing.callback_events import note
from routing.callback_sql import claim_statement, lock_for_write
from triage.postcodes import normalise

# Every column a new callback is written with: all but the id, which the database assigns.
_COLUMNS = tuple(c.name for c in Callback.__table__.columns if c.name != "id")


class CallbackError(ValueError):
    """The request is invalid; the message says which field and why."""


class CallbackConflict(RuntimeError):
    """The callback is not claimed by this person, or is already finished."""


def create_callback(*, session: Session, contact_key: str, due: datetime, reason: str,
                    source: str, summary: dict[str, Any] | None = None,
                    contractor_id: str | None = None, queue_id: str | None = None,
                    phone: str | None = None, email: str | None = None,
                    now: datetime | None = None, not_before: datetime | None = None,
                    pinned: bool = False, notify: str | None = None,
                    owner_adviser: str | None = None) -> CallbackPublic:
    """Store a callback for `contact_key`, or return the one already stored for it.

    `not_before` keeps it from being claimed earlier (a window the customer chose); `pinned`
    lists it above every due time while it is open (a warm transfer that just failed them);
    `owner_adviser` reserves it for that one member of staff (a callback after research).
    `notify` is how the customer agreed to be told of it in writing: "sms" (needs a phone) or
    "email" (needs an e-mail address); ivr/messaging confirms it and reminds them.

    The reason and summary are free text from the conversation: they are stored only through
    redaction, like every transcript (001:20.2-20.4).
    """
    try:
        data = CallbackCreate(
            contact_key=contact_key, due_at=due, reason=redact(reason), source=source,
            summary=_stored_summary(summary or {}), contractor_id=contractor_id, queue_id=queue_id,
            phone=phone, email=email,
        )
    except ValidationError as error:
        raise CallbackError(_first_problem(error)) from None
    if notify is not None and (notify not in NOTIFY or not (
            data.phone if notify == "sms" else data.email)):
        raise CallbackError(f"notify: {notify!r} needs its own way to reach the customer")
    now = _now(now)
    values = data.model_dump() | {
        "status": "pending", "created_at": now, "updated_at": now,
        "available_at": max(now, not_before.astimezone(UTC)) if not_before else now,
        "claim_count": 0, "attempt_count": 0, "claimed_by": None, "lease_expires_at": None,
        "finished_at": None, "alert": None, "alerted_at": None, "pinned": pinned,
        "notify": notify, "confirmed_at": None, "reminded_at": None,
        "owner_adviser": owner_adviser,
    }
    statement = insert_ignoring_sql(Callback.__table__, _COLUMNS, ("contact_key",))
    inserted = session.connection().execute(statement, row_params(_COLUMNS, [values]))
    new_id = inserted.scalar_one_or_none()
    if new_id is None:
        by_key = select(Callback).where(Callback.contact_key == contact_key)
        existing = session.scalars(by_key).one()
        session.commit()
        return _public(existing)
    session.commit()
    return CallbackPublic(id=new_id, **values)


def claim_next(*, session: Session, staff_id: str, lease_seconds: int = 300,
               contractor_id: str | None = None, queue_id: str | None = None,
               now: datetime | None = None) -> CallbackPublic | None:
    """Claim the callback due first for this contractor or queue (any, if neither), or None."""
    if lease_seconds <= 0:
        raise CallbackError("lease_seconds must be positive")
    now = _now(now)
    lock_for_write(session)
    statement = claim_statement(contractor_id is not None, queue_id is not None)
    params = {"now": now, "staff_id": staff_id, "owner_contractor": contractor_id,
              "owner_queue": queue_id, "lease_until": now + timedelta(seconds=lease_seconds)}
    claimed = session.connection().execute(statement, params).mappings().one_or_none()
    if claimed is None:
        session.commit()
        return None
    # Most claims are first tries: skip the attempts query when there can be none.
    earlier = _attempts(session, claimed["id"]) if claimed["attempt_count"] else []
    result = CallbackPublic(**claimed, attempts=earlier)
    _note_claim(session, result, now)
    session.commit()
    return result


def claim_callback(*, session: Session, callback_id: int, staff_id: str, lease_seconds: int = 300,
                   now: datetime | None = None) -> CallbackPublic:
    """Claim this callback if it is free, lapsed or already ours; return it, claimed or not."""
    if lease_seconds <= 0:
        raise CallbackError("lease_seconds must be positive")
    now = _now(now)
    lock_for_write(session)
    row = session.get(Callback, callback_id, with_for_update=True, populate_existing=True)
    if row is None:
        session.rollback()
        raise CallbackError(f"no callback {callback_id}")
    ours = row.status == "claimed" and row.claimed_by == staff_id
    free = (row.status == "pending" and row.available_at <= now) or (
        row.status == "claimed" and row.lease_expires_at is not None
        and row.lease_expires_at <= now)
    free = free and row.owner_adviser in (None, staff_id)  # reserved for its adviser
    if ours or free:
        if not ours:
            row.status, row.claimed_by, row.claim_count = "claimed", staff_id, row.claim_count + 1
        row.lease_expires_at, row.updated_at = now + timedelta(seconds=lease_seconds), now
        session.add(row)
        session.flush()
    result = _public(row, _attempts(session, callback_id))
    if free and not ours:
        _note_claim(session, result, now)
    session.commit()
    return result


def extend_lease(*, session: Session, callback_id: int, staff_id: str, lease_seconds: int = 300,
                 now: datetime | None = None) -> CallbackPublic:
    """Keep working on a claimed callback for `lease_seconds` more."""
    now = _now(now)
    return _change_claimed(session, callback_id, staff_id,
                           lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)


def record_attempt(*, session: Session, callback_id: int, staff_id: str, outcome: str,
                   now: datetime | None = None, retry_after_seconds: int = 3600,
                   outcome_code: str | None = None, dial_id: int | None = None) -> CallbackPublic:
    """Record one try at reaching the customer; the outcome decides the next status."""
    if outcome not in OUTCOMES:
        raise CallbackError(f"outcome must be one of {', '.join(OUTCOMES)}")
    if outcome_code is not None and outcome != "reached":
        raise CallbackError("an outcome code goes only with reached")
    now = _now(now)
    if dial_id is not None and _dial_counted(session, dial_id):
        session.rollback()
        return get_callback(session=session, callback_id=callback_id)
    row = _claimed_row(session, callback_id, staff_id)
    number = row.attempt_count + 1
    session.add(CallbackAttempt(callback_id=callback_id, number=number, staff_id=staff_id,
                                outcome=outcome, at=now, outcome_code=outcome_code,
                                dial_id=dial_id))
    row.attempt_count, row.updated_at = number, now
    if outcome == "reached":
        _finish(row, "completed", now)
    elif outcome == "wrong_number" or number >= MAX_ATTEMPTS:
        _finish(row, "failed", now)
    else:
        row.status, row.claimed_by, row.lease_expires_at = "pending", None, None
        row.available_at = now + timedelta(seconds=retry_after_seconds)
    session.add(row)
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    note(session, row, EventKind.CALLBACK_ATTEMPTED, f"attempt-{number}", now, number=number,
         outcome=outcome, outcome_code=outcome_code, staff_id=staff_id,
         next_try=row.available_at.isoformat() if row.status == "pending" else None)
    _note_finish(session, row, now, staff_id)
    session.commit()
    return result


def complete(*, session: Session, callback_id: int, staff_id: str,
             now: datetime | None = None) -> CallbackPublic:
    """Mark a claimed callback done (the customer was helped)."""
    now = _now(now)
    row = _claimed_row(session, callback_id, staff_id, finished_ok="completed")
    if row.status != "completed":
        _finish(row, "completed", now)
        session.add(row)
        _note_finish(session, row, now, staff_id)
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    session.commit()
    return result


def release(*, session: Session, callback_id: int, staff_id: str,
            now: datetime | None = None) -> CallbackPublic:
    """Give a claimed callback back so someone else can take it now."""
    now = _now(now)
    row = _claimed_row(session, callback_id, staff_id)
    note(session, row, EventKind.CALLBACK_RELEASED, f"release-{row.claim_count}", now,
         staff_id=staff_id)
    row.status, row.claimed_by, row.lease_expires_at, row.updated_at = "pending", None, None, now
    session.add(row)
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    session.commit()
    return result


def cancel(*, session: Session, callback_id: int, now: datetime | None = None) -> CallbackPublic:
    """Cancel an open callback; cancelling twice is harmless, a finished one cannot be."""
    now = _now(now)
    lock_for_write(session)
    row = session.get(Callback, callback_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise CallbackError(f"no callback {callback_id}")
    if row.status in OPEN_STATUSES:
        _finish(row, "cancelled", now)
        session.add(row)
        note(session, row, EventKind.CALLBACK_CANCELLED, "cancelled", now)
    elif row.status != "cancelled":
        session.rollback()
        raise CallbackConflict(f"callback {callback_id} is already {row.status}")
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    session.commit()
    return result


def get_callback(*, session: Session, callback_id: int) -> CallbackPublic | None:
    """One callback with its attempts, or None."""
    row = session.get(Callback, callback_id, populate_existing=True)
    return _public(row, _attempts(session, callback_id)) if row else None


def list_pending(*, session: Session, contractor_id: str | None = None,
                 queue_id: str | None = None, limit: int = 100) -> list[CallbackPublic]:
    """Open callbacks (pending or claimed) for a contractor or queue, the soonest due first."""
    statement = (select(Callback)
                 .where(Callback.status.in_(OPEN_STATUSES),
                        *_owner_filters(contractor_id, queue_id))
                 .order_by(Callback.due_at, Callback.id).limit(limit))
    return [_public(row) for row in session.scalars(statement)]


def _change_claimed(session: Session, callback_id: int, staff_id: str,
                    **values: Any) -> CallbackPublic:
    row = _claimed_row(session, callback_id, staff_id)
    for name, value in values.items():
        setattr(row, name, value)
    session.add(row)
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    session.commit()
    return result


def _claimed_row(session: Session, callback_id: int, staff_id: str,
                 finished_ok: str | None = None) -> Callback:
    """The row locked for update, provided `staff_id` holds the claim; else CallbackConflict."""
    lock_for_write(session)
    row = session.get(Callback, callback_id, with_for_update=True, populate_existing=True)
    if row is None:
        session.rollback()
        raise CallbackError(f"no callback {callback_id}")
    if row.claimed_by == staff_id and (row.status == "claimed" or row.status == finished_ok):
        return row
    session.rollback()
    raise CallbackConflict(f"callback {callback_id} is not claimed by this person ({row.status})")


def _finish(row: Callback, status: str, now: datetime) -> None:
    row.status, row.finished_at, row.updated_at, row.lease_expires_at = status, now, now, None


def _note_claim(session: Session, claimed: CallbackPublic, now: datetime) -> None:
    row = Callback(id=claimed.id, contact_key=claimed.contact_key)
    note(session, row, EventKind.CALLBACK_CLAIMED, f"claim-{claimed.claim_count}", now,
         staff_id=claimed.claimed_by, attempts_so_far=claimed.attempt_count)


def _note_finish(session: Session, row: Callback, now: datetime, staff_id: str) -> None:
    if row.status == "completed":
        note(session, row, EventKind.CALLBACK_COMPLETED, "completed", now, staff_id=staff_id)
    elif row.status == "failed":
        # Shown to the supervisor: the promise could not be kept (004:L912).
        note(session, row, EventKind.CALLBACK_FAILED, "failed", now, staff_id=staff_id,
             attempts=row.attempt_count)


def _dial_counted(session: Session, dial_id: int) -> bool:
    """Whether click-to-call `dial_id` already made an attempt (a retried webhook)."""
    found = session.scalars(select(CallbackAttempt.id).where(CallbackAttempt.dial_id == dial_id))
    return found.first() is not None


def _owner_filters(contractor_id: str | None, queue_id: str | None) -> list[Any]:
    filters = []
    if contractor_id is not None:
        filters.append(Callback.contractor_id == contractor_id)
    if queue_id is not None:
        filters.append(Callback.queue_id == queue_id)
    return filters


def _attempts(session: Session, callback_id: int) -> list[AttemptPublic]:
    statement = (select(CallbackAttempt).where(CallbackAttempt.callback_id == callback_id)
                 .order_by(CallbackAttempt.number))
    rows = session.scalars(statement)
    return [AttemptPublic.model_validate(row, from_attributes=True) for row in rows]


def _public(row: Callback, attempts: list[AttemptPublic] | None = None) -> CallbackPublic:
    return CallbackPublic.model_validate(row, from_attributes=True,
                                         update={"attempts": attempts or []})


def _stored_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary as stored: redacted, except a valid postcode among the facts, which the prime
    contractor needs to offer a local face-to-face venue (001:5.1, 5.6)."""
    stored = redact_value(summary)
    facts = summary.get("facts")
    postcode = normalise(str(facts.get("postcode") or "")) if isinstance(facts, dict) else None
    if postcode and isinstance(stored.get("facts"), dict):
        stored["facts"]["postcode"] = postcode
    return stored


def _now(now: datetime | None) -> datetime:
    if now is None:
        return clock.now()
    if now.tzinfo is None:
        raise CallbackError("now must be timezone-aware")
    return now.astimezone(UTC)


def _first_problem(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "callback"
    return f"{where}: {problem['msg']}"
