"""Worklists: which callbacks a member of staff may see, filtered, soonest due first.

Tenancy is decided here, once, for pages, JSON, CSV and live events alike: a contractor adviser
sees only their prime contractor's callbacks; contact-centre advisers see the contact centre's
queues (those they take, or all when they have none set); supervisors and admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from models.callbacks import OPEN_STATUSES, STATUSES, Callback
from routing.plan import default_directory

STATUS_FILTERS = ("open", *STATUSES, "all")
DUE_FILTERS = ("all", "overdue", "hour", "today", "tomorrow", "week")
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Listed:
    """One callback as a list shows it: the columns a row needs, read without validation."""

    id: int
    contact_key: str
    contractor_id: str | None
    queue_id: str | None
    due_at: datetime
    phone: str | None
    email: str | None
    reason: str
    summary: dict[str, Any]
    source: str
    status: str
    claimed_by: str | None
    attempt_count: int
    alert: str | None
    pinned: bool
    owner_adviser: str | None


LISTED_COLUMNS = tuple(Listed.__dataclass_fields__)


@dataclass(frozen=True)
class Scope:
    """What one viewer may see: one contractor, some contact-centre queues, or everything."""

    contractor_id: str | None = None
    queue_ids: tuple[str, ...] | None = None  # None with no contractor: every queue
    everything: bool = False
    audience: str | None = None  # the live stream they follow (None: every change)
    staff_id: str | None = None  # the viewer: a callback reserved for another adviser is hidden

    def allows(self, callback: Any) -> bool:
        """Whether the viewer may see this callback at all."""
        if self.everything:
            return True
        reserved = getattr(callback, "owner_adviser", None)
        if reserved is not None and reserved != self.staff_id:
            return False
        if self.contractor_id is not None:
            return callback.contractor_id == self.contractor_id
        if callback.queue_id is None:
            return False
        return self.queue_ids is None or callback.queue_id in self.queue_ids


def scope_for(*, role: str, contractor_id: str | None, queues: list[str] | None,
              staff_id: str | None = None) -> Scope:
    """The scope of a signed-in user's role (`staff_id`: their username)."""
    if role == "contractor_adviser":
        if not contractor_id:
            raise ValueError("a contractor adviser needs a contractor")
        return Scope(contractor_id=contractor_id, audience=f"contractor:{contractor_id}",
                     staff_id=staff_id)
    if role in ("supervisor", "admin"):
        return Scope(everything=True)
    return Scope(queue_ids=tuple(queues) if queues else None, audience="contact-centre",
                 staff_id=staff_id)


def list_callbacks(*, session: Session, scope: Scope, now: datetime, status: str = "open",
                   due: str = "all", owner: str | None = None, limit: int = PAGE_SIZE,
                   due_soon_minutes: int = 60) -> list[Listed]:
    """The viewer's callbacks under the filters, pinned ones (a failed warm transfer) first, then
    soonest due (ValueError on a bad filter)."""
    if status not in STATUS_FILTERS:
        raise ValueError(f"status must be one of {', '.join(STATUS_FILTERS)}")
    if due not in DUE_FILTERS:
        raise ValueError(f"due must be one of {', '.join(DUE_FILTERS)}")
    table = Callback.__table__
    # A follow-up's callback is worked from the follow-up list, where its outcome is recorded.
    where = [*_scope_filters(table, scope), *_status_filters(table, status),
             *_due_filters(table, due, now, due_soon_minutes), table.c.source != "follow_up"]
    if owner:
        where.append(sa.or_(table.c.contractor_id == owner, table.c.queue_id == owner))
    columns = [table.c[name] for name in LISTED_COLUMNS]
    statement = (sa.select(*columns).where(*where)
                 .order_by(table.c.pinned.desc(), table.c.due_at, table.c.id).limit(limit))
    # Rows straight from our own table need no validation: on this path Python's work per row,
    # not the database's (an index scan of a fraction of a millisecond), is the page's cost.
    return [Listed(*found) for found in session.execute(statement).all()]


def failed_for_supervisor(*, session: Session, since: datetime,
                          limit: int = PAGE_SIZE) -> list[Listed]:
    """Callbacks that failed (three unsuccessful attempts, or a wrong number) since `since`."""
    table = Callback.__table__
    columns = [table.c[name] for name in LISTED_COLUMNS]
    statement = (sa.select(*columns).where(table.c.status == "failed",
                                           table.c.finished_at >= since)
                 .order_by(table.c.finished_at.desc()).limit(limit))
    return [Listed(*found) for found in session.execute(statement).all()]


def summary_view(summary: dict[str, Any] | None) -> dict[str, Any]:
    """The triage summary in one shape, whichever channel stored it (phone or chat)."""
    summary = summary or {}
    decision = summary.get("decision") if isinstance(summary.get("decision"), dict) else summary
    facts = summary.get("facts") if isinstance(summary.get("facts"), dict) else {}
    return {
        "channel": summary.get("channel") or "phone",
        "destination": decision.get("destination"),
        "reasons": [str(r) for r in decision.get("reasons") or []],
        "priority_groups": [str(g) for g in decision.get("priority_groups") or []],
        "offer_face_to_face": bool(decision.get("offer_face_to_face")),
        "facts": {k: v for k, v in facts.items() if isinstance(v, str | int | float | bool)},
    }


def _scope_filters(table: Any, scope: Scope) -> list[Any]:
    if scope.everything:
        return []
    # A callback an adviser promised after research is on their list alone.
    mine = sa.or_(table.c.owner_adviser.is_(None), table.c.owner_adviser == scope.staff_id) \
        if scope.staff_id else table.c.owner_adviser.is_(None)
    if scope.contractor_id is not None:
        return [table.c.contractor_id == scope.contractor_id, mine]
    if scope.queue_ids is None:
        return [table.c.queue_id.is_not(None), mine]
    return [table.c.queue_id.in_(scope.queue_ids), mine]


def _status_filters(table: Any, status: str) -> list[Any]:
    if status == "all":
        return []
    if status == "open":
        return [table.c.status.in_(OPEN_STATUSES)]
    return [table.c.status == status]


def _due_filters(table: Any, due: str, now: datetime, due_soon_minutes: int) -> list[Any]:
    local_zone = default_directory().timezone  # the centre's own day (contact_centre.yaml)
    local = now.astimezone(local_zone)
    end_of_today = datetime.combine(local.date() + timedelta(days=1), time(), local_zone)
    if due == "overdue":
        return [table.c.due_at < now]
    if due == "hour":
        return [table.c.due_at < now + timedelta(minutes=due_soon_minutes)]
    if due == "today":
        return [table.c.due_at < end_of_today]
    if due == "tomorrow":
        return [table.c.due_at >= end_of_today,
                table.c.due_at < end_of_today + timedelta(days=1)]
    if due == "week":
        return [table.c.due_at < now + timedelta(days=7)]
    return []
