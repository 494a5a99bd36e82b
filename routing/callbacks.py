"""The durable callback queue: every promised callback is stored, claimed once, and finished.

The database (PostgreSQL, or SQLite in development) is the only source of truth; each function
commits before it returns, so a callback exists before the customer is told about it.

API (every function is keyword-only, takes an explicit Session, returns CallbackPublic):

    create_callback(*, session, contact_key, due, reason, source, summary=None,
                    contractor_id=None, queue_id=None, phone=None, email=None, now=None)
        Idempotent per contact_key (CallSid or chat session id): a retried create returns the
        first callback unchanged. Exactly one of contractor_id / queue_id; phone (E.164 or UK
        national) or email. source: cold_transfer | customer_request | out_of_hours.
    claim_next(*, session, staff_id, lease_seconds=300, contractor_id=None, queue_id=None, now=None)
        Atomically claims the callback due first (or None): pending and available, or claimed with
        an expired lease. Two claimers never get the same one while a lease runs.
    extend_lease(*, session, callback_id, staff_id, lease_seconds=300, now=None)
    record_attempt(*, session, callback_id, staff_id, outcome, now=None, retry_after_seconds=3600)
        outcome: reached (-> completed) | wrong_number (-> failed) | no_answer | busy | voicemail
        (-> pending again after retry_after_seconds; the third unsuccessful attempt -> failed).
    complete(*, session, callback_id, staff_id, now=None)
    release(*, session, callback_id, staff_id, now=None)      give it back unworked
    cancel(*, session, callback_id, now=None)                 e.g. the customer no longer needs it
    get_callback(*, session, callback_id) -> CallbackPublic | None
    list_pending(*, session, contractor_id=None, queue_id=None, limit=100) -> list[CallbackPublic]

Errors: CallbackError (bad input; ValueError) and CallbackConflict (not yours, or already finished).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, select, union_all, update
from sqlmodel import Session

from config import clock
from models.callbacks import (
    MAX_ATTEMPTS,
    OPEN_STATUSES,
    OUTCOMES,
    AttemptPublic,
    Callback,
    CallbackAttempt,
    CallbackCreate,
    CallbackPublic,
)
from models.redaction import redact, redact_value
from models.statements import insert_ignoring_sql, row_params
from models.timestamps import UTCDateTime
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
                    now: datetime | None = None,
                    not_before: datetime | None = None) -> CallbackPublic:
    """Store a callback for `contact_key`, or return the one already stored for it.

    `not_before` keeps it from being claimed earlier (a window the customer chose).

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
    now = _now(now)
    values = data.model_dump() | {
        "status": "pending", "created_at": now, "updated_at": now,
        "available_at": max(now, not_before.astimezone(UTC)) if not_before else now,
        "claim_count": 0, "attempt_count": 0, "claimed_by": None, "lease_expires_at": None,
        "finished_at": None,
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
    _lock_for_write(session)
    statement = _claim_statement(contractor_id is not None, queue_id is not None)
    params = {"now": now, "staff_id": staff_id, "owner_contractor": contractor_id,
              "owner_queue": queue_id, "lease_until": now + timedelta(seconds=lease_seconds)}
    claimed = session.connection().execute(statement, params).mappings().one_or_none()
    if claimed is None:
        session.commit()
        return None
    # Most claims are first tries: skip the attempts query when there can be none.
    earlier = _attempts(session, claimed["id"]) if claimed["attempt_count"] else []
    result = CallbackPublic(**claimed, attempts=earlier)
    session.commit()
    return result


def extend_lease(*, session: Session, callback_id: int, staff_id: str, lease_seconds: int = 300,
                 now: datetime | None = None) -> CallbackPublic:
    """Keep working on a claimed callback for `lease_seconds` more."""
    now = _now(now)
    return _change_claimed(session, callback_id, staff_id,
                           lease_expires_at=now + timedelta(seconds=lease_seconds), updated_at=now)


def record_attempt(*, session: Session, callback_id: int, staff_id: str, outcome: str,
                   now: datetime | None = None, retry_after_seconds: int = 3600) -> CallbackPublic:
    """Record one try at reaching the customer; the outcome decides the next status."""
    if outcome not in OUTCOMES:
        raise CallbackError(f"outcome must be one of {', '.join(OUTCOMES)}")
    now = _now(now)
    row = _claimed_row(session, callback_id, staff_id)
    number = row.attempt_count + 1
    session.add(CallbackAttempt(callback_id=callback_id, number=number, staff_id=staff_id,
                                outcome=outcome, at=now))
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
    session.flush()
    result = _public(row, _attempts(session, callback_id))
    session.commit()
    return result


def release(*, session: Session, callback_id: int, staff_id: str,
            now: datetime | None = None) -> CallbackPublic:
    """Give a claimed callback back so someone else can take it now."""
    now = _now(now)
    return _change_claimed(session, callback_id, staff_id, status="pending", claimed_by=None,
                           lease_expires_at=None, updated_at=now)


def cancel(*, session: Session, callback_id: int, now: datetime | None = None) -> CallbackPublic:
    """Cancel an open callback; cancelling twice is harmless, a finished one cannot be."""
    now = _now(now)
    _lock_for_write(session)
    row = session.get(Callback, callback_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise CallbackError(f"no callback {callback_id}")
    if row.status in OPEN_STATUSES:
        _finish(row, "cancelled", now)
        session.add(row)
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
    _lock_for_write(session)
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


def _lock_for_write(session: Session) -> None:
    """On SQLite take the write lock first (BEGIN IMMEDIATE), so read-then-write is atomic."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=4)
def _claim_statement(by_contractor: bool, by_queue: bool) -> Any:
    """The claim as one UPDATE … RETURNING, built once per kind of owner filter.

    Why once: a statement object reused keeps its cache key, which SQLAlchemy otherwise
    recomputes on every claim at more cost than the database's work.
    """
    table = Callback.__table__
    now = bindparam("now", type_=UTCDateTime())
    owner = []
    if by_contractor:
        owner.append(table.c.contractor_id == bindparam("owner_contractor"))
    if by_queue:
        owner.append(table.c.queue_id == bindparam("owner_queue"))
    # The first due of each claimable kind, each read in (owner, status, due_at, id) index order
    # so a claim costs the same however long the backlog; an OR of the two would sort them all.
    fresh = _first_due(table, table.c.status == "pending", table.c.available_at <= now, *owner)
    lapsed = _first_due(table, table.c.status == "claimed", table.c.lease_expires_at <= now,
                        *owner)
    candidates = union_all(select(fresh.c.id, fresh.c.due_at),
                           select(lapsed.c.id, lapsed.c.due_at)).subquery("candidates")
    pick = (select(candidates.c.id).order_by(candidates.c.due_at, candidates.c.id).limit(1)
            .scalar_subquery())
    return (update(table).where(table.c.id == pick)
            .values(status="claimed", claimed_by=bindparam("staff_id"), updated_at=now,
                    lease_expires_at=bindparam("lease_until", type_=UTCDateTime()),
                    claim_count=table.c.claim_count + 1)
            .returning(*table.c))


def _first_due(table: Any, *conditions: Any) -> Any:
    """The claimable callback due first under `conditions`, locked, skipping those locked."""
    return (select(table.c.id, table.c.due_at).where(*conditions)
            .order_by(table.c.due_at, table.c.id).limit(1)
            .with_for_update(skip_locked=True).subquery())


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
