"""How a callback reads on the worklist: due time in words, highlight, rows for CSV and JSON."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import Any

from models.callbacks import OPEN_STATUSES
from routing.plan import default_directory
from routing.worklist import summary_view

OUTCOME_WORDS = {"reached": "Reached", "no_answer": "No answer", "busy": "Busy",
                 "voicemail": "Voicemail", "wrong_number": "Wrong number or address",
                 "failed": "Call failed"}
SOURCE_WORDS = {"cold_transfer": "Prime contractor closed (cold transfer)",
                "customer_request": "Customer asked for a callback",
                "out_of_hours": "Out of hours",
                "research": "Adviser to call back after research",
                "follow_up": "Follow-up after the last contact"}
CSV_COLUMNS = ("id", "status", "due_at", "owner", "source", "reason", "destination",
               "priority_groups", "reasons", "attempts", "claimed_by")


def duration_words(delta: timedelta) -> str:
    """'2 hours 5 minutes', '45 minutes', '3 days 4 hours' (rounded down to the minute)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n]
    return " ".join(words) or "less than a minute"


def clock_words(at: datetime) -> str:
    """'5pm', '9:30am' in UK time."""
    local = at.astimezone(default_directory().timezone)
    hour = local.strftime("%I").lstrip("0")
    minutes = "" if local.minute == 0 else local.strftime(":%M")
    return f"{hour}{minutes}{local.strftime('%p').lower()}"


def due_words(due: datetime, now: datetime) -> str:
    """The due time as a person says it: 'overdue by 20 minutes', 'due in 3 hours (by 5pm)'."""
    if due <= now:
        return f"overdue by {duration_words(now - due)}"
    zone = default_directory().timezone  # the centre's own (contact_centre.yaml)
    local_due, local_now = due.astimezone(zone), now.astimezone(zone)
    days = (local_due.date() - local_now.date()).days
    day = ("today" if days == 0 else "tomorrow" if days == 1
           else local_due.strftime("%A ") + str(local_due.day) + local_due.strftime(" %B"))
    return f"due in {duration_words(due - now)} (by {clock_words(due)} {day})"


def urgency(due: datetime, now: datetime, due_soon_minutes: int) -> str:
    """'overdue', 'due-soon' or '' (the row's highlight)."""
    if due <= now:
        return "overdue"
    if due - now <= timedelta(minutes=due_soon_minutes):
        return "due-soon"
    return ""


def owner_label(callback: Any, directory: Any) -> str:
    """The prime contractor's or queue's name."""
    if callback.contractor_id:
        found = directory.contractors.get(callback.contractor_id)
        return found.name if found else callback.contractor_id
    found = directory.queues.get(callback.queue_id)
    return getattr(found, "name", None) or callback.queue_id or ""


def row(callback: Any, now: datetime, due_soon_minutes: int) -> dict[str, Any]:
    """One callback as the list, its JSON and its CSV show it."""
    summary = summary_view(callback.summary)
    return {
        "id": callback.id, "status": callback.status, "due_at": callback.due_at.isoformat(),
        "due_words": due_words(callback.due_at, now),
        "urgency": urgency(callback.due_at, now, due_soon_minutes),
        "owner": callback.contractor_id or callback.queue_id, "source": callback.source,
        "reason": callback.reason, "destination": summary["destination"],
        "priority_groups": summary["priority_groups"], "reasons": summary["reasons"],
        "attempts": callback.attempt_count, "claimed_by": callback.claimed_by
        if callback.status == "claimed" else None,
        "by": "email" if not callback.phone else "phone",
        "pinned": bool(getattr(callback, "pinned", False)) and callback.status in OPEN_STATUSES,
        "owner_adviser": getattr(callback, "owner_adviser", None),
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    """The rows as CSV (lists joined with spaces); cells that start like a formula are quoted
    with an apostrophe so a spreadsheet does not run them."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for item in rows:
        cells = [" ".join(v) if isinstance(v, list) else ("" if v is None else str(v))
                 for v in (item[c] for c in CSV_COLUMNS)]
        writer.writerow(["'" + c if c[:1] in ("=", "+", "-", "@") else c for c in cells])
    return out.getvalue()
