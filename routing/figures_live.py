"""Today's figures read back from the counters (routing.figures): the dashboard's and /metrics'.

`snapshot()` is the one reader: the dashboard JSON, `/metrics` and today's CSV are all built from
it, so they agree. Open callbacks per owner are counted from the callback table on its
(status, due_at) index; waiting contacts come from the live waiting sets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from models import keys
from models.callbacks import OPEN_STATUSES, Callback
from models.db import session_scope
from routing.figure_definitions import Definitions, rates
from routing.figures import NONE, Figures

QUEUE_COUNTS = ("offered", "answered", "abandoned", "short_abandoned", "answered_within",
                "abandoned_after", "answered_wait_seconds", "abandoned_wait_seconds", "left")
DUE_SOON = timedelta(hours=1)


@dataclass
class Snapshot:
    """Today's counters, live waiting and open callbacks, as of one moment."""

    as_of: datetime
    day: str
    counters: dict[tuple[str, str, str], float]
    waiting: dict[str, tuple[int, float]]
    callbacks: dict[str, dict[str, int]]
    definitions: Definitions
    queue_ids: tuple[str, ...]
    extra: dict[str, Any] = field(default_factory=dict)

    def sum(self, measure: str, first: str | None = None, second: str | None = None) -> float:
        """A counter summed over the dimensions not given."""
        return sum(v for (m, a, b), v in self.counters.items()
                   if m == measure and first in (None, a) and second in (None, b))

    def values(self, measure: str, position: int) -> dict[str, float]:
        """A measure's counters summed by one dimension (0 = first, 1 = second)."""
        out: dict[str, float] = defaultdict(float)
        for (m, a, b), v in self.counters.items():
            if m == measure:
                out[(a, b)[position]] += v
        return dict(out)

    def channels(self) -> list[str]:
        """The channels seen today."""
        return sorted({a for (m, a, _), _v in self.counters.items() if m == "offered"})

    def queue_figures(self, queue: str, channel: str | None = None) -> dict[str, Any]:
        """One queue's figures in the contract's shape (all channels unless `channel`)."""
        counts = {name: self.sum(name, channel, queue) for name in QUEUE_COUNTS}
        waiting, longest = self.waiting.get(queue, (0, 0.0)) if channel is None else (None, None)
        figures = {
            "waiting": waiting,
            "longest_wait_seconds": longest,
            "offered": int(counts["offered"]),
            "answered": int(counts["answered"]),
            "abandoned": int(counts["abandoned"]),
            "short_abandoned": int(counts["short_abandoned"]),
            "answered_within_threshold": int(counts["answered_within"]),
            **rates(counts, self.definitions.for_queue(queue)),
        }
        if channel is not None:
            del figures["waiting"], figures["longest_wait_seconds"]
        return figures


def snapshot(*, redis_client: redis.Redis, engine: Engine | None, now: datetime,
             definitions: Definitions, queue_ids: Iterable[str]) -> Snapshot:
    """Read today's (local) counters, waiting contacts and open callbacks."""
    figures = Figures(redis_client, definitions)
    day = figures.buckets(now)[0]
    raw = redis_client.hgetall(keys.key(keys.FIGURES_DAY, date=day))
    queue_ids = tuple(queue_ids)
    return Snapshot(
        as_of=now, day=day, counters=parse_counters(raw),
        waiting=waiting_now(redis_client, queue_ids, now=now,
                            stale_seconds=definitions.stale_waiting_seconds),
        callbacks=open_callbacks(engine, now) if engine is not None else {},
        definitions=definitions, queue_ids=queue_ids,
    )


def parse_counters(raw: Mapping[str, str]) -> dict[tuple[str, str, str], float]:
    """Hash fields "measure|a|b" → {(measure, a, b): value}."""
    out = {}
    for name, value in raw.items():
        measure, first, second = (name.split("|") + [NONE, NONE])[:3]
        out[(measure, first, second)] = float(value)
    return out


def waiting_now(redis_client: redis.Redis, queue_ids: Iterable[str], *, now: datetime,
                stale_seconds: float) -> dict[str, tuple[int, float]]:
    """Per queue: contacts waiting and the longest wait in seconds (stale entries dropped)."""
    queue_ids = list(queue_ids)
    cut = now.timestamp() - stale_seconds
    with redis_client.pipeline(transaction=False) as pipe:
        for queue in queue_ids:
            key = keys.key(keys.FIGURES_WAITING, queue_id=queue)
            pipe.zremrangebyscore(key, "-inf", cut)
            pipe.zcard(key)
            pipe.zrange(key, 0, 0, withscores=True)
        replies = pipe.execute()
    out = {}
    for index, queue in enumerate(queue_ids):
        size, head = replies[index * 3 + 1], replies[index * 3 + 2]
        longest = max(0.0, now.timestamp() - float(head[0][1])) if head else 0.0
        out[queue] = (int(size), round(longest, 1))
    return out


def open_callbacks(engine: Engine, now: datetime) -> dict[str, dict[str, int]]:
    """Per owner (prime contractor or queue id): pending, due within the hour, overdue."""
    now = now.astimezone(UTC)
    owner = sa.func.coalesce(Callback.contractor_id, Callback.queue_id)
    statement = (
        sa.select(
            owner,
            sa.func.count(),
            sa.func.count().filter(sa.and_(Callback.due_at >= now,
                                           Callback.due_at < now + DUE_SOON)),
            sa.func.count().filter(Callback.due_at < now),
        )
        .where(Callback.status.in_(OPEN_STATUSES))
        .group_by(owner)
    )
    with session_scope(engine) as session:
        rows = session.execute(statement).all()
    return {name: {"pending": int(pending), "due_within_hour": int(soon), "overdue": int(late)}
            for name, pending, soon, late in rows}


def dashboard_json(snap: Snapshot, *, owners: Iterable[str] = ()) -> dict[str, Any]:
    """The contract's `/console/api/dashboard` body, plus per-channel and other live figures."""
    definitions = snap.definitions
    callbacks = {owner: {"pending": 0, "due_within_hour": 0, "overdue": 0} for owner in owners}
    callbacks.update(snap.callbacks)
    return {
        "as_of": snap.as_of.astimezone(UTC).isoformat(),
        "threshold_seconds": _number(definitions.default.threshold_seconds),
        "queues": {queue: snap.queue_figures(queue) for queue in snap.queue_ids},
        "callbacks": callbacks,
        "channels": {channel: {queue: snap.queue_figures(queue, channel)
                               for queue in snap.queue_ids
                               if snap.sum("offered", channel, queue)}
                     for channel in snap.channels()},
        "transfers": transfers(snap),
        "assistant": assistant(snap),
        "definitions": {queue: {"threshold_seconds": _number(d.threshold_seconds),
                                "short_abandon_seconds": _number(d.short_abandon_seconds),
                                "service_level_formula": definitions.formula_label(queue),
                                "service_level_target": d.service_level_target,
                                "abandonment_rate_target": d.abandonment_rate_target}
                        for queue in snap.queue_ids
                        for d in [definitions.for_queue(queue)]},
        "day": snap.day,
    }


def transfers(snap: Snapshot) -> dict[str, dict[str, int]]:
    """Per prime contractor: warm, failed warm and cold transfers today."""
    out: dict[str, dict[str, int]] = {}
    for measure in ("warm", "failed_warm", "cold"):
        for contractor, value in snap.values(measure, 0).items():
            out.setdefault(contractor, {"warm": 0, "failed_warm": 0, "cold": 0})[measure] = \
                int(value)
    return dict(sorted(out.items()))


def assistant(snap: Snapshot) -> dict[str, dict[str, Any]]:
    """Per channel: contacts started, contained (without a person), fallbacks, errors."""
    out = {}
    for channel, started in snap.values("started", 0).items():
        contained = snap.sum("contained", channel)
        out[channel] = {
            "started": int(started), "contained": int(contained),
            "containment": contained / started if started else None,
            "keypad_fallbacks": int(snap.sum("keypad_fallback", channel)),
            "assistant_errors": int(snap.sum("assistant_error", channel)),
            "abandoned_in_assistant": int(snap.sum("assistant_abandoned", channel)),
        }
    return out


def alerts(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Targets breached today and now, per queue, from a dashboard body (000:L115): service
    level, abandonment, a wait longer than the queue's threshold, safeguarding contacts waiting
    with no adviser signed in to take them (003:L211), callbacks overdue."""
    found = []
    staffed = (body.get("advisers") or {}).get("queues")
    for queue, figures in body["queues"].items():
        definition = body["definitions"][queue]
        level, abandon = figures["service_level"], figures["abandonment_rate"]
        if level is not None and level < definition["service_level_target"]:
            found.append({"queue": queue, "figure": "service_level", "value": level,
                          "target": definition["service_level_target"]})
        if abandon is not None and abandon >= definition["abandonment_rate_target"]:
            found.append({"queue": queue, "figure": "abandonment_rate", "value": abandon,
                          "target": definition["abandonment_rate_target"]})
        if figures["waiting"] and figures["longest_wait_seconds"] > definition[
                "threshold_seconds"]:
            found.append({"queue": queue, "figure": "longest_wait",
                          "value": figures["longest_wait_seconds"],
                          "target": definition["threshold_seconds"]})
        if queue == "safeguarding" and figures["waiting"] and staffed is not None:
            on_shift = staffed.get(queue) or {}
            if not (on_shift.get("Available") or on_shift.get("Busy")
                    or on_shift.get("Wrap-up")):
                found.append({"queue": queue, "figure": "safeguarding_unstaffed",
                              "value": figures["waiting"], "target": 0})
    for owner, counts in body["callbacks"].items():
        if counts["overdue"]:
            found.append({"owner": owner, "figure": "callbacks_overdue",
                          "value": counts["overdue"], "target": 0})
    return found


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
