"""One clock for the app, the worker and the scripts: real time, or the development clock.

`CLOCK_START=2026-12-26T10:00:00+00:00` makes a process behave as if the time had been that when
it started, and run on from it (contract "Development aids"; settings refuse it in production).
Standard library only. Every "what time is it" in the app goes through `now()`.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_offset: timedelta | None = None


class ClockError(ValueError):
    """CLOCK_START is not an ISO 8601 time with an offset."""


def parse_start(text: str) -> datetime:
    """CLOCK_START as an aware datetime; a time without an offset is refused (whose clock?)."""
    try:
        start = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockError(f"CLOCK_START is not an ISO 8601 time: {text!r}") from None
    if start.tzinfo is None:
        raise ClockError("CLOCK_START needs an offset, e.g. 2026-12-26T10:00:00+00:00")
    return start.astimezone(UTC)


def start(at: datetime | None) -> None:
    """Run this process's clock from `at` (None: real time), starting now.

    `make run` also sets CLOCK_STARTED_AT (the real Unix time it read CLOCK_START), so its
    processes, and a gunicorn worker that restarts later, all share one timeline. That stamp
    belongs to CLOCK_START's own time only: any other `at` starts from this moment, so a clock
    set to the top of a minute reads the top of that minute, however long the process has run.
    """
    global _offset
    with _lock:
        _offset = (at.astimezone(UTC) - _started_at(at)) if at else timedelta(0)


def _started_at(at: datetime) -> datetime:
    if not _is_environment_start(at):
        return datetime.now(UTC)
    text = os.environ.get("CLOCK_STARTED_AT", "").strip()
    try:
        started = datetime.fromtimestamp(float(text), UTC) if text else datetime.now(UTC)
    except ValueError:
        started = datetime.now(UTC)
    return min(started, datetime.now(UTC))  # never ahead of now (the stamp is rounded)


def _is_environment_start(at: datetime) -> bool:
    text = os.environ.get("CLOCK_START", "").strip()
    try:
        return bool(text) and parse_start(text) == at
    except ClockError:
        return False


def now() -> datetime:
    """The time the centre believes it is, in UTC."""
    if _offset is None:
        text = os.environ.get("CLOCK_START", "").strip()
        start(parse_start(text) if text else None)
    return datetime.now(UTC) + (_offset or timedelta(0))


def is_shifted() -> bool:
    """True when the development clock is in use."""
    now()
    return bool(_offset)
