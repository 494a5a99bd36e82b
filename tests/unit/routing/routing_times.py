"""Fixed wall-clock times in London for routing's tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london(text: str) -> datetime:
    """A wall-clock time in London, e.g. london("2026-12-24 18:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)
