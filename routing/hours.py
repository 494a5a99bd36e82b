"""Calendars: is an entity open, when does it next open, when does that period end, working days.

All arithmetic is done on Europe/London wall-clock dates (the directory's timezone) and compared as
aware datetimes, so the answers stay right across the daylight-saving changes. Every `at` must be
timezone-aware: a naive time is ambiguous and is refused.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime, time, timedelta

from routing.directory import Entity
from routing.schedule import BankHolidays, Period

# Far enough to cross a year of closures; an entity closed for longer is a configuration error.
LOOKAHEAD_DAYS = 400


def is_open(entity: Entity, at: datetime, *, closed: Collection[str] = ()) -> bool:
    """True when `entity` is open at `at` and not under an emergency closure (ids in `closed`)."""
    if entity.id in closed:
        return False
    local = _local(entity, at)
    minute = local.hour * 60 + local.minute + local.second / 60
    return any(p.start <= minute < p.end for p in entity.schedule.periods_on(local.date()))


def current_period(entity: Entity, at: datetime) -> tuple[datetime, datetime] | None:
    """The published opening period containing `at`, as (start, end), or None when closed."""
    local = _local(entity, at)
    for period in entity.schedule.periods_on(local.date()):
        start, end = _bounds(entity, local.date(), period)
        if start <= local < end:
            return start, end
    return None


def next_period(entity: Entity, at: datetime) -> tuple[datetime, datetime] | None:
    """The first published opening period that starts after `at`, as (start, end) local times."""
    local = _local(entity, at)
    for offset in range(LOOKAHEAD_DAYS):
        day = local.date() + timedelta(days=offset)
        for period in entity.schedule.periods_on(day):
            start, end = _bounds(entity, day, period)
            if start > local:
                return start, end
    return None


def next_opening(entity: Entity, at: datetime, *, closed: Collection[str] = ()) -> datetime | None:
    """`at` itself when open now, otherwise when the next opening period starts.

    An emergency closure has no known end, so while one is set the next published period is the
    best answer we can give.
    """
    if is_open(entity, at, closed=closed):
        return _local(entity, at)
    period = next_period(entity, at)
    return period[0] if period else None


def end_of_next_period(entity: Entity, at: datetime) -> datetime | None:
    """When the first opening period that starts after `at` ends (the cold-transfer deadline)."""
    period = next_period(entity, at)
    return period[1] if period else None


def is_working_day(day: date, bank_holidays: BankHolidays) -> bool:
    """Not a Saturday, Sunday or bank holiday in England (003 glossary)."""
    return day.weekday() < 5 and day not in bank_holidays


def next_working_day(day: date, bank_holidays: BankHolidays) -> date:
    """The first working day after `day`."""
    return add_working_days(day, 1, bank_holidays)


def add_working_days(day: date, count: int, bank_holidays: BankHolidays) -> date:
    """The date `count` working days after `day` (e.g. 5 for face-to-face appointments)."""
    if count < 0:
        raise ValueError("count must not be negative")
    while count:
        day += timedelta(days=1)
        if is_working_day(day, bank_holidays):
            count -= 1
    return day


def _bounds(entity: Entity, day: date, period: Period) -> tuple[datetime, datetime]:
    tz = entity.schedule.tz
    start = datetime.combine(day, time(period.start // 60, period.start % 60), tzinfo=tz)
    end_day = day + timedelta(days=period.end // 1440)
    end_minute = period.end % 1440
    end = datetime.combine(end_day, time(end_minute // 60, end_minute % 60), tzinfo=tz)
    return start, end


def _local(entity: Entity, at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("times must be timezone-aware (e.g. 2026-12-24T18:30:00+00:00)")
    return at.astimezone(entity.schedule.tz)
