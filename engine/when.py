"""A due time in words, the same on every channel: "by 5pm today", "by 5pm on Monday"."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from routing.plan import default_directory


def clock(at: datetime) -> str:
    """'5pm', '9:30am', 'midday' or 'midnight' for a time already in local time."""
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def when(due: datetime, now: datetime, tz: ZoneInfo | None = None) -> str:
    """'5pm today', '5pm tomorrow', '5pm on Monday' or '5pm on Monday 4 January'.

    In the contact centre's own timezone (config/contact_centre.yaml) unless `tz` is given."""
    tz = tz or default_directory().timezone
    due, now = due.astimezone(tz), now.astimezone(tz)
    # A deadline at midnight belongs to the day before ("midnight on Monday", not Tuesday).
    day = (due - timedelta(minutes=1)).date() if clock(due) == "midnight" else due.date()
    days = (day - now.date()).days
    if days <= 0:
        named = "today"
    elif days == 1:
        named = "tomorrow"
    elif days < 7:
        named = f"on {day:%A}"
    else:
        named = f"on {day:%A} {day.day} {day:%B}"
    return f"{clock(due)} {named}"


def by_when(due: datetime, now: datetime, tz: ZoneInfo | None = None) -> str:
    """The promise as said: 'by 5pm today', 'by 5pm on Monday 4 January'."""
    return f"by {when(due, now, tz)}"
