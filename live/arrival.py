"""When a request reached us: the `X-Request-Start` stamp, so time spent queued is not hidden.

The events front (or an ingress before it) stamps each request `X-Request-Start: t=<seconds since
the epoch>` when it arrives. A phone webhook must be answered within Twilio's 15 s (error 11205):
time it spent queued behind busy threads counts against that, and a turn that has waited too long
for the assistant to be asked goes on by keypad at once (ivr.voice.conversation).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

HEADER = "X-Request-Start"
# A stamp further off than this is not believed (a wrong clock, or a header made up upstream).
PLAUSIBLE_SECONDS = 60.0


def stamp(now: float | None = None) -> str:
    """The header's value for a request arriving now."""
    return f"t={time.time() if now is None else now:.3f}"


def arrived_at(value: str | None, now: float) -> float | None:
    """When the request arrived, from the header's value; None when absent or not believable."""
    if not value:
        return None
    try:
        seconds = float(value.strip().removeprefix("t="))
    except ValueError:
        return None
    if not math.isfinite(seconds):
        return None
    # nginx writes seconds with a fraction; some balancers write milli- or microseconds.
    for _ in range(2):
        if seconds > now * 100:
            seconds /= 1000
    if not 0 <= now - seconds <= PLAUSIBLE_SECONDS:
        return None
    return seconds


def answer_by(headers: Mapping[str, str], within: float, now: float | None = None) -> float:
    """The time (seconds since the epoch) by which this webhook must be answered."""
    now = time.time() if now is None else now
    arrived = arrived_at(headers.get(HEADER), now)
    return (now if arrived is None else arrived) + within


def earlier(incoming: str | None, now: float) -> str:
    """The value to forward: an upstream's believable stamp if it is earlier, else now's."""
    arrived = arrived_at(incoming, now)
    return stamp(now if arrived is None else min(arrived, now))
