"""The worker's roll-up: today's and yesterday's figure counters, copied into `figure_hour`.

Each round copies the counters' current values (not increments), so a repeated or concurrent
round writes the same rows, and a report for a past day reads only the database. Callback
outcomes are counted from the callback table by the hour they finished.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from models import keys
from models.callbacks import Callback
from models.db import session_scope
from models.figures import FigureHour
from routing.figure_definitions import Definitions
from routing.figures import NEVER_COUNTED_GROUPS, NONE

FINISHED = ("completed", "failed", "cancelled")
_CHUNK = 5000


def rollup(*, engine: Engine, redis_client: redis.Redis, definitions: Definitions,
           now: datetime) -> int:
    """Copy today's and yesterday's counters and recent callback outcomes; rows written."""
    today = now.astimezone(definitions.timezone).date()
    rows = [*hour_rows(redis_client, today - timedelta(days=1), definitions),
            *hour_rows(redis_client, today, definitions),
            *callback_rows(engine, since=now - timedelta(days=2), definitions=definitions)]
    return upsert(engine, rows)


def hour_rows(redis_client: redis.Redis, day: date,
              definitions: Definitions) -> list[dict[str, Any]]:
    """The rows of one local day's hour counters."""
    raw = redis_client.hgetall(keys.key(keys.FIGURES_HOUR, date=day.isoformat()))
    rows = []
    for name, value in raw.items():
        hour, measure, first, second = (name.split("|") + [NONE, NONE, NONE])[:4]
        if measure == "priority_group" and second in NEVER_COUNTED_GROUPS:
            continue  # 001:20.3, whatever an older counter might hold
        start = datetime.fromtimestamp(int(hour), UTC)
        rows.append(_row(start, day, definitions, measure, first, second, float(value)))
    return rows


def callback_rows(engine: Engine, *, since: datetime,
                  definitions: Definitions) -> list[dict[str, Any]]:
    """Callback outcomes (completed, failed, cancelled) per owner and finishing hour."""
    since = since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    owner = sa.func.coalesce(Callback.contractor_id, Callback.queue_id)
    statement = sa.select(owner, Callback.status, Callback.finished_at).where(
        Callback.status.in_(FINISHED), Callback.finished_at >= since)
    counts: Counter = Counter()
    with session_scope(engine) as session:
        for who, status, finished in session.execute(statement):
            hour = finished.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
            counts[(hour, who, status)] += 1
    return [_row(hour, hour.astimezone(definitions.timezone).date(), definitions,
                 "callback_outcome", who, status, float(n))
            for (hour, who, status), n in counts.items()]


def upsert(engine: Engine, rows: Iterable[dict[str, Any]]) -> int:
    """Insert or replace rows of `figure_hour` by (hour, measure, dimensions)."""
    rows = list(rows)
    if not rows:
        return 0
    with engine.begin() as connection:
        statement = _upsert_statement(engine.dialect.name)
        for start in range(0, len(rows), _CHUNK):
            # executemany: SQLAlchemy batches the rows into multi-row INSERTs itself, and the
            # statement is compiled once rather than once per chunk of literal VALUES.
            connection.execute(statement, rows[start:start + _CHUNK])
    return len(rows)


@lru_cache(maxsize=2)
def _upsert_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FigureHour.__table__)
    return statement.on_conflict_do_update(
        index_elements=["hour_start", "measure", "first", "second"],
        set_={"value": statement.excluded.value})


def _row(start: datetime, day: date, definitions: Definitions, measure: str, first: str,
         second: str, value: float) -> dict[str, Any]:
    return {"hour_start": start, "local_date": day,
            "local_hour": start.astimezone(definitions.timezone).hour,
            "measure": measure[:32], "first": (first or NONE)[:48],
            "second": (second or NONE)[:48], "value": value}
