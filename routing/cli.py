"""The command line of the Routing contract: `{"facts": {...}, "at": ISO 8601}` in, a plan out.

Emergency closures are read from Redis only when REDIS_URL is set, so the command works offline on
the published hours alone; with REDIS_URL it sees exactly what the running app sees.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TextIO

from config import clock
from routing.directory import Directory, DirectoryError
from routing.plan import default_directory, plan
from triage import FactsError, decide

USAGE = "usage: python -m routing plan [--jsonl]"
BAD_INPUT = 2
INPUT_FIELDS = frozenset({"facts", "at"})
ClosedLookup = Callable[[], frozenset[str]]


class InputError(Exception):
    """Input the contract refuses; the message is the one line printed on standard error."""


def main(argv: list[str], stdin: TextIO | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, *, closed_lookup: ClosedLookup | None = None) -> int:
    """Run the command; returns the exit status (0, or 2 for bad input or bad usage)."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if argv in (["-h"], ["--help"]):
        print(USAGE, file=stdout)
        return 0
    if not argv or argv[0] != "plan" or argv[1:] not in ([], ["--jsonl"]):
        print(f"routing: {USAGE}", file=stderr)
        return BAD_INPUT
    try:
        directory = default_directory()
        closed_lookup = closed_lookup or _closures_from_environment(directory, stderr)
        if argv[1:]:
            _plan_lines(stdin, stdout, directory, closed_lookup)
        else:
            stdout.write(plan_one(stdin.read(), directory, closed_lookup()) + "\n")
    except InputError as error:
        return _refuse(str(error), stdout, stderr)
    except UnicodeDecodeError:
        return _refuse("input is not UTF-8 text", stdout, stderr)
    except DirectoryError as error:
        return _refuse(f"configuration: {error}", stdout, stderr)
    stdout.flush()
    return 0


def plan_one(text: str, directory: Directory, closed: frozenset[str]) -> str:
    """The plan for one JSON input object, as one line of JSON."""
    request = _parse(text)
    facts = request.get("facts", {})
    if not isinstance(facts, dict):
        raise InputError("facts must be a JSON object")
    at = _parse_at(request.get("at"))
    try:
        decision = decide(facts)
    except FactsError as error:
        raise InputError(str(error)) from None
    try:
        result = plan(decision, facts.get("channel") or "phone", at, directory=directory,
                      closed=closed, language=facts.get("language"))
    except ValueError as error:
        raise InputError(str(error)) from None
    return json.dumps(result.to_dict(), ensure_ascii=False)


def _plan_lines(lines: Iterable[str], out: TextIO, directory: Directory,
                closed_lookup: ClosedLookup) -> None:
    closed = closed_lookup()  # read once per batch run: closures change on a human time scale
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.write(plan_one(line, directory, closed) + "\n")
        except InputError as error:
            raise InputError(f"line {number}: {error}") from None


def _parse(text: str) -> dict[str, Any]:
    try:
        request = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None
    if not isinstance(request, dict):
        raise InputError('expected a JSON object like {"facts": {...}, "at": "..."}')
    unknown = sorted(set(request) - INPUT_FIELDS)
    if unknown:
        raise InputError(f"unknown field {unknown[0]!r} (expected facts and at)")
    return request


def _parse_at(value: Any) -> datetime:
    """An ISO 8601 time with its offset; absent means now."""
    if value is None:
        return clock.now()
    if not isinstance(value, str):
        raise InputError("at must be an ISO 8601 string")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"at is not an ISO 8601 time: {value[:40]!r}") from None
    if at.tzinfo is None:
        # A time without an offset is ambiguous around the clock change; refuse rather than guess.
        raise InputError("at must include a UTC offset, e.g. 2026-12-24T18:30:00+00:00")
    return at


def _closures_from_environment(directory: Directory, stderr: TextIO) -> ClosedLookup:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return frozenset
    from models.redis import connect
    from routing.closures import EmergencyClosures

    def lookup() -> frozenset[str]:
        try:
            return EmergencyClosures(connect(url)).closed_among(directory.entity_ids())
        except Exception as error:  # noqa: BLE001 - any Redis failure means the same thing here
            print(f"routing: warning: emergency closures not read ({type(error).__name__}); "
                  "planning on published hours", file=stderr)
            return frozenset()

    return lookup


def _refuse(reason: str, stdout: TextIO, stderr: TextIO) -> int:
    stdout.flush()
    print(f"routing: {reason}", file=stderr)
    return BAD_INPUT
