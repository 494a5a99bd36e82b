"""The command line of the Triage contract: facts as JSON on standard input, decisions out."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TextIO

from .facts import FactsError
from .rules import decide

USAGE = "usage: python -m triage decide [--jsonl]"
BAD_INPUT = 2
# Why batches: one write per line would make writing, not deciding, the cost of --jsonl.
_BATCH_LINES = 2048


class InputError(Exception):
    """Input the contract refuses; the message is the one line printed on standard error."""


def main(
    argv: list[str],
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command; returns the exit status (0, or 2 for bad input or bad usage)."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    if argv in (["-h"], ["--help"]):
        print(USAGE, file=stdout)
        return 0
    if not argv or argv[0] != "decide" or argv[1:] not in ([], ["--jsonl"]):
        print(f"triage: {USAGE}", file=stderr)
        return BAD_INPUT
    try:
        if argv[1:]:
            _decide_lines(stdin, stdout)
        else:
            stdout.write(_decide_one(stdin.read()) + "\n")
    except InputError as error:
        return _refuse(str(error), stdout, stderr)
    except UnicodeDecodeError:
        return _refuse("input is not UTF-8 text", stdout, stderr)
    stdout.flush()
    return 0


def _refuse(reason: str, stdout: TextIO, stderr: TextIO) -> int:
    """Print the one-line reason for refusing the input; the exit status for bad input."""
    stdout.flush()
    print(f"triage: {reason}", file=stderr)
    return BAD_INPUT


def _decide_lines(lines: Iterable[str], out: TextIO) -> None:
    """One decision per non-blank input line, in order, written in batches."""
    batch: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append(_decide_one(line))
        except InputError as error:
            out.write("".join(batch))
            raise InputError(f"line {number}: {error}") from None
        batch.append("\n")
        if len(batch) >= _BATCH_LINES:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))


def _decide_one(text: str) -> str:
    """The decision for one JSON object of facts, as one line of JSON."""
    try:
        facts = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None
    if not isinstance(facts, dict):
        raise InputError("expected a JSON object of facts")
    try:
        return json.dumps(decide(facts).to_dict(), ensure_ascii=False)
    except FactsError as error:
        raise InputError(str(error)) from None
