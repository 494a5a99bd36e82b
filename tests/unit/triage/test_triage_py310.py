"""Triage under Python 3.10, the interpreter of the Rasa actions process that imports it."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from triage_cases import ROWS

from triage import decide

REPO = Path(__file__).resolve().parents[3]


def find_python310() -> str | None:
    """A python3.10 that really runs: pyenv's, the Rasa environment's, or one on PATH."""
    home = os.path.expanduser("~")
    candidates = [
        *sorted(glob.glob(f"{home}/.pyenv/versions/3.10.*/bin/python3.10"), reverse=True),
        *sorted(glob.glob(f"{home}/.cache/careers-triage/rasa-venv-*/bin/python3.10")),
        shutil.which("python3.10"),
    ]
    for candidate in filter(None, candidates):
        # Why run it: a pyenv shim exists on PATH even when no 3.10 is selected.
        probe = subprocess.run(
            [candidate, "-c", "import sys; print(sys.version_info[:2] == (3, 10))"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if probe.stdout.strip() == "True":
            return candidate
    return None


PYTHON310 = find_python310()
needs_python310 = pytest.mark.skipif(PYTHON310 is None, reason="no python3.10 on this machine")


@needs_python310
def test_decision_table_passes_under_python310():
    done = subprocess.run(
        [PYTHON310, str(Path(__file__).with_name("triage_case_check.py"))],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 problems, Python 3.10" in done.stdout


@needs_python310
def test_cli_under_python310_gives_the_same_decisions():
    lines = "".join(json.dumps(row.facts) + "\n" for row in ROWS)
    done = subprocess.run(
        [PYTHON310, "-m", "triage", "decide", "--jsonl"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    got = [json.loads(line) for line in done.stdout.splitlines()]
    assert got == [decide(row.facts).to_dict() for row in ROWS]


@needs_python310
def test_cli_under_python310_refuses_bad_input():
    done = subprocess.run(
        [PYTHON310, "-m", "triage", "decide"],
        input='{"age": "x"}',
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr == "triage: age must be a whole number, not a string\n"


@needs_python310
def test_the_assistants_redaction_imports_and_redacts_under_python310():
    """The tracker store imports models.redaction in Rasa's Python 3.10: no 3.11-only syntax."""
    done = subprocess.run(
        [PYTHON310, "-c", "from models.redaction import redact_by_rule as r; "
         "print(r('mail jo.bloggs@example.co.uk or ring 07700 900123'))"],
        capture_output=True, text=True, cwd=REPO, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "jo.bloggs" not in done.stdout and "900123" not in done.stdout
