"""Call-me windows: the times a customer may choose, all inside the contact centre's opening hours.

Pure functions over the routing directory, so the form, the API and the tests agree on what a
bookable window is: it lies inside one opening period of the contact centre (08:00-22:00, shorter
on 24 and 31 December, never on a closed day; 001:1.3, 000:L65), starts a little ahead of now,
and ends within the days the form offers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from routing import hours
from routing.directory import Entity


@dataclass(frozen=True, slots=True)
class Window:
    """A time range in which the customer would like to be called."""

    start: datetime
    end: datetime

    @property
    def value(self) -> str:
        """The form's value for this window: its two ISO times joined by a slash."""
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


class WindowError(ValueError):
    """The window cannot be booked; the message says why in the customer's words."""


def offered_windows(centre: Entity, now: datetime, *, days_ahead: int, slot_minutes: int,
                    lead_minutes: int) -> list[Window]:
    """The slots the form offers: each opening period from now on, cut into `slot_minutes`."""
    earliest = now + timedelta(minutes=lead_minutes)
    last_day = (hours.current_period(centre, now) or (now, now))[0].date() + timedelta(
        days=days_ahead)
    windows: list[Window] = []
    period = hours.current_period(centre, earliest) or hours.next_period(centre, earliest)
    while period and period[0].date() <= last_day:
        start, end = period
        slot = start
        while slot < end:
            slot_end = min(slot + timedelta(minutes=slot_minutes), end)
            begin = max(slot, _rounded_up(earliest))
            # A slot already mostly gone is not offered: too little time to plan the call.
            if slot_end - begin >= timedelta(minutes=min(slot_minutes, 30)):
                windows.append(Window(begin, slot_end))
            slot = slot_end
        period = hours.next_period(centre, end - timedelta(seconds=1))
    return windows


def check_window(centre: Entity, now: datetime, start: datetime, end: datetime, *,
                 days_ahead: int, min_window_minutes: int) -> Window:
    """`start`-`end` as a bookable Window, or WindowError saying what is wrong with it."""
    if start.tzinfo is None or end.tzinfo is None:
        raise WindowError("the window's times must include a UTC offset")
    if end - start < timedelta(minutes=min_window_minutes):
        raise WindowError(f"the window must be at least {min_window_minutes} minutes long")
    if end <= now:
        raise WindowError("the window has already passed")
    period = hours.current_period(centre, max(start, now))
    if period is None or end > period[1]:
        raise WindowError("the window must lie inside the contact centre's opening hours")
    if start.astimezone(period[0].tzinfo).date() > now.astimezone(period[0].tzinfo).date() + \
            timedelta(days=days_ahead):
        raise WindowError(f"the window must be within the next {days_ahead} days")
    return Window(max(start, now), end)


def _rounded_up(at: datetime) -> datetime:
    """`at` rounded up to the next quarter hour, so offered times read plainly."""
    extra = (-at.minute) % 15
    rounded = at.replace(second=0, microsecond=0) + timedelta(minutes=extra)
    return rounded if rounded >= at else rounded + timedelta(minutes=15)
