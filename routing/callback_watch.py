"""The worker's watch on promised callbacks: due within the hour, then overdue, raised once each.

Each mark is one UPDATE … RETURNING that moves a callback's `alert` forward (none -> due_soon ->
overdue) and only if it has not moved already, so several workers running at once raise each
callback exactly once, with no lock beyond the rows' own. The mark and its timeline line commit
together; the live pages then hear of it on the callbacks stream, and every round rewrites the
per-owner counts the supervisor's dashboard and the worklists read, so nothing lapses silently
even if a stream entry is lost (004:L912).
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime, timedelta

import redis as redis_lib
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import keys
from models.callbacks import OPEN_STATUSES, Callback
from models.contacts import EventKind
from models.db import session_scope
from routing import callback_live
from routing.callback_events import note
from routing.plan import default_directory


def watch(*, engine: Engine, redis: redis_lib.Redis, now: datetime,
          due_soon_minutes: int) -> dict[str, int]:
    """Raise newly due-soon and newly overdue callbacks; refresh the per-owner counts."""
    soon = now + timedelta(minutes=due_soon_minutes)
    table = Callback.__table__
    still_open = table.c.status.in_(OPEN_STATUSES)
    marks = {
        "overdue": sa.and_(still_open, table.c.due_at < now,
                           sa.or_(table.c.alert.is_(None), table.c.alert == "due_soon")),
        "due_soon": sa.and_(still_open, table.c.due_at >= now, table.c.due_at < soon,
                            table.c.alert.is_(None)),
    }
    raised: dict[str, list] = {}
    with session_scope(engine) as session:
        for alert, condition in marks.items():
            rows = session.execute(
                sa.update(table).where(condition).values(alert=alert, alerted_at=now)
                .returning(table.c.id, table.c.contact_key, table.c.contractor_id,
                           table.c.queue_id, table.c.due_at)).all()
            kind = EventKind.CALLBACK_OVERDUE if alert == "overdue" else EventKind.CALLBACK_DUE_SOON
            for row in rows:
                note(session, row, kind, alert, now, due=row.due_at.isoformat())
            raised[alert] = rows
    for alert, rows in raised.items():
        for row in rows:
            callback_live.publish(redis, row, alert)
    counts = owner_counts(engine=engine, now=now, due_soon_minutes=due_soon_minutes)
    _store_counts(redis, counts)
    return {alert: len(rows) for alert, rows in raised.items()}


def owner_counts(*, engine: Engine, now: datetime,
                 due_soon_minutes: int) -> dict[str, dict[str, int]]:
    """Per owner id (contractor or queue): pending, due_within_hour, overdue, failed_today."""
    table = Callback.__table__
    owner = sa.func.coalesce(table.c.contractor_id, table.c.queue_id)
    still_open = table.c.status.in_(OPEN_STATUSES)
    soon = now + timedelta(minutes=due_soon_minutes)
    local = now.astimezone(default_directory().timezone)  # the centre's own day
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    failed_today = sa.and_(table.c.status == "failed", table.c.finished_at >= midnight)
    statement = (sa.select(
        owner,
        sa.func.count().filter(still_open),
        sa.func.count().filter(sa.and_(still_open, table.c.due_at >= now, table.c.due_at < soon)),
        sa.func.count().filter(sa.and_(still_open, table.c.due_at < now)),
        sa.func.count().filter(failed_today),
    ).where(sa.or_(still_open, failed_today)).group_by(owner))
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    with session_scope(engine) as session:
        for owner_id, pending, due_soon, overdue, failed in session.execute(statement):
            counts[owner_id] = {"pending": pending, "due_within_hour": due_soon,
                                "overdue": overdue, "failed_today": failed}
    return dict(counts)


def read_counts(redis: redis_lib.Redis) -> dict[str, dict[str, int]]:
    """The per-owner counts the worker stored last (owner id -> counts)."""
    stored = redis.hgetall(keys.CALLBACKS_BY_OWNER)
    return {_text(k): json.loads(v) for k, v in stored.items()}


def _store_counts(redis: redis_lib.Redis, counts: dict[str, dict[str, int]]) -> None:
    # One transaction: a reader never sees a half-written set, and owners with nothing open go.
    pipe = redis.pipeline(transaction=True)
    pipe.delete(keys.CALLBACKS_BY_OWNER)
    if counts:
        pipe.hset(keys.CALLBACKS_BY_OWNER,
                  mapping={k: json.dumps(v, sort_keys=True) for k, v in counts.items()})
    pipe.execute()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
