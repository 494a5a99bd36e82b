"""Management information: daily and monthly reports from the rolled-up `figure_hour` table.

By channel and queue (offered, answered, service level, abandonment, speed of answer), by prime
contractor (transfers, callbacks), by destination, by priority group, and by line (the number
dialled, by its configured name) and route (000:L113), plus callback outcomes
and the assistant's containment. Counts only: no personal data, never the offender indicator
(001:20.3). Today's rows come straight from the live counters, so today's report agrees with the
dashboard to the second; earlier days come from the table the worker fills.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import redis
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from config import clock as centre_clock
from models.db import session_scope
from models.figures import FigureHour
from routing.figure_definitions import Definitions, rates
from routing.figures import NEVER_COUNTED_GROUPS
from routing.rollup import hour_rows

QUEUE_MEASURES = ("offered", "answered", "answered_within", "answered_wait_seconds",
                  "abandoned", "short_abandoned", "abandoned_after", "left")
SECTIONS = ("queues", "contractors", "destinations", "priority_groups", "lines", "line_routes",
            "callbacks", "assistant")


@dataclass(frozen=True)
class Period:
    """An inclusive range of local days, by day or as one month."""

    start: date
    end: date
    by: str  # "day" | "month"

    @classmethod
    def day(cls, day: date) -> Period:
        """One local day."""
        return cls(day, day, "day")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        """A calendar month."""
        first = date(year, month, 1)
        following = date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - timedelta(days=1), "month")

    def label(self, day: date) -> str:
        """The period a day belongs to, as a report shows it."""
        return day.isoformat() if self.by == "day" else day.strftime("%Y-%m")


def totals(*, engine: Engine, redis_client: redis.Redis | None, period: Period,
           definitions: Definitions, now: datetime, by_hour: bool = True) -> dict[tuple, float]:
    """{(period label, local hour, measure, first, second): value} over the period; without
    `by_hour` the hour is 0 and the database sums the hours (a month's report reads ~1% of
    the rows it would otherwise)."""
    today = now.astimezone(definitions.timezone).date()
    out: dict[tuple, float] = defaultdict(float)
    table = FigureHour.__table__
    day = table.c.local_date if period.by == "day" else sa.func.min(table.c.local_date)
    hour = table.c.local_hour if by_hour else sa.literal(0)
    groups = [table.c.measure, table.c.first, table.c.second]
    groups += [table.c.local_date] if period.by == "day" else []
    groups += [table.c.local_hour] if by_hour else []
    statement = (
        sa.select(day, hour, table.c.measure, table.c.first, table.c.second,
                  sa.func.sum(table.c.value))
        .where(table.c.local_date >= period.start, table.c.local_date <= period.end)
        .group_by(*groups)
    )
    live_today = redis_client is not None and period.start <= today <= period.end
    if live_today:
        statement = statement.where(sa.or_(table.c.local_date != today,
                                           table.c.measure == "callback_outcome"))
    with session_scope(engine) as session:
        for day, hour, measure, first, second, value in session.execute(statement):
            out[(period.label(day), hour, measure, first, second)] += float(value)
    if live_today:
        for row in hour_rows(redis_client, today, definitions):
            out[(period.label(today), row["local_hour"] if by_hour else 0, row["measure"],
                 row["first"], row["second"])] += row["value"]
    return dict(out)


def report(*, engine: Engine, redis_client: redis.Redis | None, period: Period,
           definitions: Definitions, now: datetime) -> dict[str, list[dict[str, Any]]]:
    """Every section of the report, as lists of rows (see SECTIONS)."""
    found = totals(engine=engine, redis_client=redis_client, period=period,
                   definitions=definitions, now=now, by_hour=False)
    by = _summed(found)
    return {
        "queues": _queue_rows(by, definitions),
        "contractors": _grouped(by, ("warm_attempted", "warm", "failed_warm", "cold",
                                     "transfer_abandoned"), "contractor"),
        "destinations": _pairs(by, "destination", "channel", "destination", "contacts"),
        "priority_groups": [row for row in _pairs(by, "priority_group", "channel", "group",
                                                  "contacts")
                            if row["group"] not in NEVER_COUNTED_GROUPS],
        "lines": _pairs(by, "line_started", "line", "channel", "contacts"),
        "line_routes": _pairs(by, "line_route", "line", "destination", "contacts"),
        "callbacks": _callback_rows(by),
        "assistant": _assistant_rows(by),
    }


def service_level_by_hour(found: dict[tuple, float], definitions: Definitions,
                          queue: str | None = None) -> list[tuple[int, float | None]]:
    """(local hour, service level) over the period for one queue or all (the chart)."""
    hours: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (_label, hour, measure, _channel, q), value in found.items():
        if measure in QUEUE_MEASURES and queue in (None, q):
            hours[hour][measure] += value
    definition = definitions.for_queue(queue)
    return [(hour, rates(hours[hour], definition)["service_level"]) for hour in range(24)]


def volumes_by_day(found: dict[tuple, float]) -> dict[str, dict[str, float]]:
    """{period label: {channel: offered}} (the chart of volumes)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (label, _hour, measure, channel, _queue), value in found.items():
        if measure == "offered":
            out[label][channel] += value
    return {label: dict(v) for label, v in sorted(out.items())}


def long_rows(sections: dict[str, list[dict[str, Any]]]) -> Iterable[dict[str, Any]]:
    """Every figure of a report as one row each (the CSV's shape)."""
    for section, rows in sections.items():
        for row in rows:
            dims = [k for k in row if k in ("period", "line", "channel", "queue", "contractor",
                                           "destination", "group", "owner", "status", "service")]
            for name, value in row.items():
                if name in dims or name in ("threshold_seconds", "formula"):
                    continue
                yield {"section": section, "period": row.get("period", ""),
                       "dimension_1": row.get(dims[1], "") if len(dims) > 1 else "",
                       "dimension_2": row.get(dims[2], "") if len(dims) > 2 else "",
                       "figure": name, "value": value,
                       "definition": row.get("formula", "") if name in (
                           "service_level", "satisfied_rate", "positive_rate") else ""}


def _summed(found: dict[tuple, float]) -> dict[tuple, float]:
    """Drop the hour: {(period, measure, first, second): value}."""
    out: dict[tuple, float] = defaultdict(float)
    for (label, _hour, measure, first, second), value in found.items():
        out[(label, measure, first, second)] += value
    return out


def _queue_rows(by: dict[tuple, float], definitions: Definitions) -> list[dict[str, Any]]:
    groups: dict[tuple, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (label, measure, channel, queue), value in by.items():
        if measure in QUEUE_MEASURES:
            groups[(label, channel, queue)][measure] += value
    rows = []
    for (label, channel, queue), counts in sorted(groups.items()):
        definition = definitions.for_queue(queue)
        rows.append({
            "period": label, "channel": channel, "queue": queue,
            "offered": int(counts["offered"]), "answered": int(counts["answered"]),
            "answered_within_threshold": int(counts["answered_within"]),
            "abandoned": int(counts["abandoned"]),
            "short_abandoned": int(counts["short_abandoned"]),
            "left_queue": int(counts["left"]),
            **rates(counts, definition),
            "threshold_seconds": definition.threshold_seconds,
            "formula": definitions.formula_label(queue),
        })
    return rows


def _grouped(by: dict[tuple, float], measures: tuple[str, ...],
             name: str) -> list[dict[str, Any]]:
    groups: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(measures, 0))
    for (label, measure, first, _second), value in by.items():
        if measure in measures:
            groups[(label, first)][measure] += int(value)
    return [{"period": label, name: first, **counts}
            for (label, first), counts in sorted(groups.items())]


def _pairs(by: dict[tuple, float], measure: str, first_name: str, second_name: str,
           value_name: str) -> list[dict[str, Any]]:
    return [{"period": label, first_name: first, second_name: second, value_name: int(value)}
            for (label, m, first, second), value in sorted(by.items()) if m == measure]


def _callback_rows(by: dict[tuple, float]) -> list[dict[str, Any]]:
    rows = _pairs(by, "callback_outcome", "owner", "status", "callbacks")
    created = _pairs(by, "callback_created", "owner", "source", "callbacks")
    return [*({**r, "status": "created:" + r.pop("source")} for r in created), *rows]


def _assistant_rows(by: dict[tuple, float]) -> list[dict[str, Any]]:
    measures = ("started", "contained", "assistant_abandoned", "keypad_fallback",
                "assistant_error")
    rows = _grouped(by, measures, "channel")
    for row in rows:
        row["containment"] = row["contained"] / row["started"] if row["started"] else None
    return rows


def local_today(definitions: Definitions, now: datetime | None = None) -> date:
    """Today's date in the figures' timezone."""
    return (now or centre_clock.now()).astimezone(definitions.timezone).date()
