"""The command line of the Triage and safeguarding-screen contracts: JSON in, JSON out."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from .facts import FactsError
from .rules import decide
from .safeguarding import NO_CONCERN, screen

USAGE = "usage: python -m triage {decide,screen} [--jsonl]"
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
    if not argv or argv[0] not in COMMANDS or argv[1:] not in ([], ["--jsonl"]):
        print(f"triage: {USAGE}", file=stderr)
        return BAD_INPUT
    one = COMMANDS[argv[0]]
    try:
        if argv[1:]:
            _answer_lines(one, stdin, stdout)
        else:
            stdout.write(one(stdin.read()) + "\n")
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


def _answer_lines(one: Callable[[str], str], lines: Iterable[str], out: TextIO) -> None:
    """One answer per non-blank input line, in order, written in batches."""
    batch: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            batch.append(one(line))
        except InputError as error:
            out.write("".join(batch))
            raise InputError(f"line {number}: {error}") from None
        batch.append("\n")
        if len(batch) >= _BATCH_LINES:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))


def _object(text: str) -> object:
    """One JSON value, or the contract's one-line reason why not."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"not valid JSON ({error.msg} at column {error.colno})") from None
    except RecursionError:
        raise InputError("not valid JSON (nested too deeply)") from None


def _decide_one(text: str) -> str:
    """The decision for one JSON object of facts, as one line of JSON."""
    facts = _object(text)
    if not isinstance(facts, dict):
        raise InputError("expected a JSON object of facts")
    try:
        return json.dumps(decide(facts).to_dict(), ensure_ascii=False)
    except FactsError as error:
        raise InputError(str(error)) from None


def _screen_one(text: str) -> str:
    """The safeguarding screen's answer for one `{"text": str}` object, as one line of JSON."""
    turn = _object(text)
    if not isinstance(turn, dict) or not isinstance(turn.get("text"), str):
        raise InputError('expected a JSON object with a string "text"')
    concern = screen(turn["text"])
    return json.dumps(concern.to_dict() if concern else NO_CONCERN)


COMMANDS: dict[str, Callable[[str], str]] = {"decide": _decide_one, "screen": _screen_one}
