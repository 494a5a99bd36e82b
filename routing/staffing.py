"""Staffing: advisers needed per queue and interval to meet each queue's service level.

The contacts offered come from the rolled-up figures (`figure_hour`, via routing.reports); each
queue's target and answer time from config/figures.yaml (90% within 15 seconds, 000:L115); the
handling time, channels, interval, shrinkage and the plan's history from config/staffing.yaml.
Erlang C (routing.erlang_c) turns them into advisers. Counts only: no personal data.

Assumptions, shown on the page too: the figures are hourly, so an hour's contacts are split
evenly between its intervals; handling times are configured, not measured; nobody abandons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

import redis
from pydantic import Field, field_validator
from sqlalchemy.engine import Engine

from config.files import ConfigModel, config_file, load
from routing import erlang_c
from routing.figure_definitions import Definitions
from routing.reports import Period, totals
from routing.schedule import Schedule

STAFFING_CONFIG_FILE = config_file("staffing.yaml")


class HandlingTimes(ConfigModel):
    """Seconds of handling (talk and wrap-up) per contact: a default and per-queue values."""

    default: float = Field(gt=0)
    queues: dict[str, float]


class StaffingConfig(ConfigModel):
    """Everything config/staffing.yaml says."""

    channels: tuple[str, ...] = Field(min_length=1)
    interval_minutes: int
    handling_seconds: HandlingTimes
    shrinkage: float = Field(ge=0, lt=1)
    plan_weeks: int = Field(ge=1, le=52)
    plan_days: int = Field(ge=1, le=28)

    @field_validator("interval_minutes")
    @classmethod
    def _divides_the_hour(cls, value: int) -> int:
        if value <= 0 or 60 % value:
            raise ValueError("must divide the hour (e.g. 15, 30 or 60)")
        return value

    def handling_for(self, queue: str) -> float:
        """The handling time assumed for `queue`."""
        return self.handling_seconds.queues.get(queue, self.handling_seconds.default)


def load_staffing_config(path: Path = STAFFING_CONFIG_FILE) -> StaffingConfig:
    """Read and check config/staffing.yaml; a wrong entry stops the app with its name."""
    return load(StaffingConfig, path)


@lru_cache(maxsize=1)
def default_staffing_config() -> StaffingConfig:
    """config/staffing.yaml, read once per process."""
    return load_staffing_config()


@dataclass(frozen=True)
class Need:
    """Advisers needed for one queue in one interval of one local day."""

    day: date
    queue: str
    start: str  # local wall-clock "HH:MM"
    offered: float  # contacts in the interval (an average, for a plan)
    handling_seconds: float
    intensity: float  # erlangs
    advisers: int  # on the phones, for the queue's target
    rostered: int  # with shrinkage
    service_level: float  # expected with `advisers`
    target: float
    answer_seconds: float


@dataclass(frozen=True)
class Plan:
    """The next days' needs, each from the average of the same weekdays before today."""

    days: tuple[date, ...]
    history: Mapping[date, tuple[date, ...]]  # the past days each planned day averages
    needs: tuple[Need, ...]


def offered_by_hour(*, engine: Engine, redis_client: redis.Redis | None, start: date, end: date,
                    config: StaffingConfig, definitions: Definitions,
                    now: datetime) -> dict[date, dict[tuple[int, str], float]]:
    """{local day: {(local hour, queue): contacts offered}} over the configured channels."""
    found = totals(engine=engine, redis_client=redis_client, period=Period(start, end, "day"),
                   definitions=definitions, now=now)
    out: dict[date, dict[tuple[int, str], float]] = defaultdict(lambda: defaultdict(float))
    for (label, hour, measure, channel, queue), value in found.items():
        if measure == "offered" and channel in config.channels and value:
            # The day the clocks go back has two 01:00 hours; they share one row here.
            out[date.fromisoformat(label)][(hour, queue)] += value
    return out


def needs(day: date, hours: Mapping[tuple[int, str], float], *, config: StaffingConfig,
          definitions: Definitions, schedules: Mapping[str, Schedule] | None = None) -> list[Need]:
    """Each interval's need from its hour's contacts; with `schedules`, only open intervals."""
    per_hour = 60 // config.interval_minutes
    rows = []
    for (hour, queue), contacts in hours.items():
        periods = schedules[queue].periods_on(day) if schedules and queue in schedules else None
        for n in range(per_hour):
            minute = hour * 60 + n * config.interval_minutes
            if periods is not None and not any(p.start <= minute < p.end for p in periods):
                continue  # the queue is closed then (a plan for Christmas Day needs nobody)
            rows.append(need(day, queue, f"{hour:02d}:{n * config.interval_minutes:02d}",
                             contacts / per_hour, config=config, definitions=definitions))
    return sorted(rows, key=lambda r: (r.queue, r.start))


def need(day: date, queue: str, start: str, offered: float, *, config: StaffingConfig,
         definitions: Definitions) -> Need:
    """Advisers for `offered` contacts of `queue` in one interval."""
    definition = definitions.for_queue(queue)
    handling = config.handling_for(queue)
    interval = config.interval_minutes * 60
    advisers = erlang_c.agents_needed(offered, handling, interval,
                                      target=definition.service_level_target,
                                      answer_seconds=definition.threshold_seconds)
    intensity = erlang_c.traffic_intensity(offered, handling, interval)
    return Need(day=day, queue=queue, start=start, offered=offered, handling_seconds=handling,
                intensity=intensity, advisers=advisers,
                rostered=erlang_c.with_shrinkage(advisers, config.shrinkage),
                service_level=erlang_c.service_level(intensity, advisers, handling,
                                                     definition.threshold_seconds),
                target=definition.service_level_target,
                answer_seconds=definition.threshold_seconds)


def day_needs(*, engine: Engine, redis_client: redis.Redis | None, day: date,
              config: StaffingConfig, definitions: Definitions, now: datetime) -> list[Need]:
    """Advisers that were needed on a past local day, for the contacts actually offered."""
    found = offered_by_hour(engine=engine, redis_client=redis_client, start=day, end=day,
                            config=config, definitions=definitions, now=now)
    return needs(day, found.get(day, {}), config=config, definitions=definitions)


def same_weekdays(day: date, *, today: date, weeks: int) -> tuple[date, ...]:
    """The last `weeks` days before `today` on `day`'s weekday, latest first."""
    back = max(1, -(-(day - today).days // 7))  # whole weeks back to reach a day before today
    first = day - timedelta(weeks=back)
    if first >= today:
        first -= timedelta(weeks=1)
    return tuple(first - timedelta(weeks=n) for n in range(weeks))


def week_plan(*, engine: Engine, redis_client: redis.Redis | None, today: date,
              config: StaffingConfig, definitions: Definitions, now: datetime,
              schedules: Mapping[str, Schedule] | None = None) -> Plan:
    """Advisers for the next `plan_days` days from the last `plan_weeks` same weekdays.

    A past day with no contacts offered at all on the planned channels (closed, or before the
    figures began) is left out of the average rather than counted as a day of nothing.
    """
    days = tuple(today + timedelta(days=n) for n in range(1, config.plan_days + 1))
    sources = {d: same_weekdays(d, today=today, weeks=config.plan_weeks) for d in days}
    earliest = min(h for hs in sources.values() for h in hs)
    found = offered_by_hour(engine=engine, redis_client=redis_client, start=earliest,
                            end=today - timedelta(days=1), config=config,
                            definitions=definitions, now=now)
    history, rows = {}, []
    for d in days:
        used = tuple(h for h in sources[d] if found.get(h))
        history[d] = used
        average: dict[tuple[int, str], float] = defaultdict(float)
        for h in used:
            for slot, value in found[h].items():
                average[slot] += value / len(used)
        rows += needs(d, average, config=config, definitions=definitions, schedules=schedules)
    return Plan(days=days, history=history, needs=tuple(rows))
