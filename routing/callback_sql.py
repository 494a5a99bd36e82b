"""The callback queue's SQL: the atomic claim statement and the write lock SQLite needs."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import bindparam, or_, select, union_all, update
from sqlmodel import Session

from models.callbacks import Callback
from models.timestamps import UTCDateTime


def lock_for_write(session: Session) -> None:
    """On SQLite take the write lock first (BEGIN IMMEDIATE), so read-then-write is atomic."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


@lru_cache(maxsize=4)
def claim_statement(by_contractor: bool, by_queue: bool) -> Any:
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
    # A callback reserved for one adviser (after research) is theirs alone to claim.
    owner.append(or_(table.c.owner_adviser.is_(None),
                     table.c.owner_adviser == bindparam("staff_id")))
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
