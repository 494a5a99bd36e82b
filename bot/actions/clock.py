"""The actions' clock: real time, or CLOCK_START and on from it (contract "Development aids").

Standard library only (the actions may import nothing of the app's). The same rule as the app's
config/clock.py: the process behaves as if the time had been CLOCK_START when it started. Refused
when APP_ENV=production, as the app's settings refuse it.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

UTC = timezone.utc  # noqa: UP017 - Python 3.10 (the actions run there) has no datetime.UTC

_offset: timedelta | None = None


def _start_offset(environ: dict[str, str]) -> timedelta:
    text = environ.get("CLOCK_START", "").strip()
    if not text:
        return timedelta(0)
    if environ.get("APP_ENV") == "production":
        raise RuntimeError("CLOCK_START is for development and tests; unset it in production")
    start = datetime.fromisoformat(text)
    if start.tzinfo is None:
        raise RuntimeError("CLOCK_START needs an offset, e.g. 2026-12-26T10:00:00+00:00")
    # make run's CLOCK_STARTED_AT: the real time it read CLOCK_START (one timeline for all).
    started = environ.get("CLOCK_STARTED_AT", "").strip()
    real = datetime.fromtimestamp(float(started), UTC) if started else datetime.now(UTC)
    return start.astimezone(UTC) - real


def now() -> datetime:
    """The time the centre believes it is, in UTC."""
    global _offset
    if _offset is None:
        _offset = _start_offset(dict(os.environ))
    return datetime.now(UTC) + _offset
