"""Words for the ear: waits and digits (whisper summary: engine.summary; due times: engine.when)."""

from __future__ import annotations


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
