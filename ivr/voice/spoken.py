"""Words for the ear: times said plainly ("by 5pm on Monday"), waits, the whisper summary."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
NEED_WORDS = {
    "information": "information about careers, courses or funding",
    "advice": "careers advice",
    "face_to_face": "a face to face appointment",
    "complaint": "to make a complaint",
    "feedback": "to give feedback",
}
DESTINATION_WORDS = {
    "prime_contractor_advice": "careers advice",
    "prime_contractor_face_to_face": "a face to face appointment",
}


def clock(at: datetime) -> str:
    """'5pm', '9:30am', 'midday' or 'midnight' for a local time."""
    if at.hour == 0 and at.minute == 0:
        return "midnight"
    if at.hour == 12 and at.minute == 0:
        return "midday"
    hour = at.hour % 12 or 12
    suffix = "am" if at.hour < 12 else "pm"
    return f"{hour}{suffix}" if at.minute == 0 else f"{hour}:{at.minute:02d}{suffix}"


def by_when(due: datetime, now: datetime, tz: ZoneInfo = LONDON) -> str:
    """'by 5pm today', 'by 5pm tomorrow', 'by 5pm on Monday' or 'by 5pm on Monday 4 January'."""
    due, now = due.astimezone(tz), now.astimezone(tz)
    # A deadline at midnight belongs to the day before ("by midnight on Monday", not Tuesday).
    day = (due - timedelta(minutes=1)).date() if clock(due) == "midnight" else due.date()
    days = (day - now.date()).days
    if days <= 0:
        when = "today"
    elif days == 1:
        when = "tomorrow"
    elif days < 7:
        when = f"on {day:%A}"
    else:
        when = f"on {day:%A} {day.day} {day:%B}"
    return f"by {clock(due)} {when}"


def minutes(seconds: float) -> str:
    """A wait in plain words: 'less than a minute', '1 minute', '4 minutes'."""
    whole = round(max(seconds, 0) / 60)
    if whole < 1:
        return "less than a minute"
    return "1 minute" if whole == 1 else f"{whole} minutes"


def digits(number: str, count: int = 3) -> str:
    """The last `count` digits of a number, spaced so they are read one by one."""
    tail = [c for c in number if c.isdigit()][-count:]
    return " ".join(tail)


def summary_sentence(facts: dict[str, Any], decision: dict[str, Any] | None,
                     area_name: str | None = None) -> str:
    """The triage summary in one sentence for the adviser who answers a transfer.

    Custody is deliberately left out: offending is never passed on (001:20.2).
    """
    parts = []
    age = facts.get("age")
    parts.append(f"aged {age}" if isinstance(age, int) else "age not given")
    destination = (decision or {}).get("destination")
    need = DESTINATION_WORDS.get(destination) or NEED_WORDS.get(facts.get("need"), "help")
    parts.append(f"wants {need}")
    if facts.get("jobcentre_plus_claimant"):
        parts.append("is a Jobcentre Plus customer")
    if (decision or {}).get("offer_face_to_face"):
        parts.append("is in a priority group for face to face support")
    if area_name:
        parts.append(f"lives in the {area_name} area")
    return "The customer is " + ", ".join(parts) + "."
