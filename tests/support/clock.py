"""The suite's clock: every test runs on a set time, never the wall clock.

The whole suite runs as if it were SUITE_CLOCK (03:00 on Christmas Day, a bank holiday and a
closed hour), so a test that silently needs the centre open fails at any hour of any day, not
only after 22:00. A test that needs the centre open, or another hour, sets its own clock:
`clock_env(OPEN_HOURS_CLOCK)` for a process it starts, `chat_clock=` or Settings(clock_start=)
for an app it builds. `SUITE_CLOCK=wall` runs the suite on the wall clock instead.
"""

from __future__ import annotations

import os
import time

CHRISTMAS_NIGHT = "2026-12-25T03:00:00+00:00"
# A Monday morning in term: every queue and every prime contractor open.
OPEN_HOURS_CLOCK = "2026-03-02T10:00:00+00:00"


def clock_env(start: str) -> dict[str, str]:
    """Environment for a process whose clock reads `start` at the moment it is launched."""
    return {"CLOCK_START": start, "CLOCK_STARTED_AT": f"{time.time():.3f}"}


def set_suite_clock() -> str | None:
    """Put this process and every process it starts on the suite's clock; returns its start."""
    wanted = os.environ.get("SUITE_CLOCK", CHRISTMAS_NIGHT).strip()
    if wanted == "wall":
        os.environ.pop("CLOCK_START", None)
        os.environ.pop("CLOCK_STARTED_AT", None)
        return None
    os.environ.update(clock_env(wanted))
    return wanted


def restore_suite_clock() -> None:
    """Put this process's clock back on the suite's timeline (a test's app may have moved it)."""
    # Imported here, not at the top: the assistant's runner imports this module from Rasa's own
    # Python 3.10 environment, which has pydantic 1 and cannot import the app's config package.
    from config import clock

    start = os.environ.get("CLOCK_START", "").strip()
    clock.start(clock.parse_start(start) if start else None)
