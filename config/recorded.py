"""Addresses `make run` records under var/ so commands in another terminal reach the same servers.

scripts/run.py writes them as it starts each server (the embedded Redis, the Twilio emulator) and
removes them when it stops; `python -m models erase`, `python -m ivr.simulate` read them.
"""

from __future__ import annotations

from pathlib import Path


def read(path: Path) -> str:
    """The address recorded at `path`, or "" when none is."""
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""


def write(path: Path, address: str | None) -> None:
    """Record `address` at `path` (None: forget it)."""
    if address is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(address + "\n", encoding="utf-8")
