"""Weekly hours, closures and England's bank holidays: the periods an entity is open on a day."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One opening period within a day, in minutes after local midnight (end may be 1440)."""

    start: int
    end: int

    def __str__(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class BankHolidays:
    """England's bank holidays (`holidays` package, GB subdivision ENG) plus the overrides."""

    def __init__(self, *, added: Mapping[date, str] | None = None,
                 removed: frozenset[date] = frozenset()) -> None:
        self._added = dict(added or {})
        self._removed = removed
        self._by_year: dict[int, frozenset[date]] = {}

    def __contains__(self, day: date) -> bool:
        dates = self._by_year.get(day.year)
        if dates is None:
            dates = self._by_year[day.year] = self._year(day.year)
        return day in dates

    def _year(self, year: int) -> frozenset[date]:
        # Without subdiv="ENG" the package also returns Scotland's and Northern Ireland's days.
        known = holidays.country_holidays("GB", subdiv="ENG", years=year)
        extra = {day for day in self._added if day.year == year}
        return frozenset((set(known) | extra) - self._removed)


@dataclass(frozen=True, slots=True, eq=False)
class Schedule:
    """An entity's published hours: a weekly pattern, closures and special days, in one timezone."""

    tz: ZoneInfo
    bank_holidays: BankHolidays
    weekly: tuple[tuple[Period, ...], ...]  # Monday first, as date.weekday()
    closed_on_bank_holidays: bool
    closed_dates: frozenset[date]
    closed_yearly: frozenset[tuple[int, int]]  # (month, day) closed every year
    special_dates: Mapping[date, tuple[Period, ...]]
    special_yearly: Mapping[tuple[int, int], tuple[Period, ...]]

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The opening periods on local date `day` (empty when closed all day)."""
        return _periods_on(self, day)


@lru_cache(maxsize=65536)
def _periods_on(schedule: Schedule, day: date) -> tuple[Period, ...]:
    # Order matters: a closure beats everything, a listed special day beats the bank-holiday rule
    # (so a configured short day is honoured even if it falls on one), then the weekly pattern.
    month_day = (day.month, day.day)
    if day in schedule.closed_dates or month_day in schedule.closed_yearly:
        return ()
    special = schedule.special_dates.get(day, schedule.special_yearly.get(month_day))
    if special is not None:
        return special
    if schedule.closed_on_bank_holidays and day in schedule.bank_holidays:
        return ()
    return schedule.weekly[day.weekday()]
