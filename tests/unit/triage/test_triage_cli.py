"""`python -m triage decide [--jsonl]`: the CLI of the Triage contract, good input and bad."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from triage_cases import ROWS

from triage import decide
from triage.cli import main

REPO = Path(__file__).resolve().parents[3]
DONE_EXAMPLE = (
    '{"age": 18, "jobcentre_plus_claimant": true, "need": "advice", "postcode": "M1 1AE"}'
)


def run_cli(*args: str, stdin: str | bytes) -> subprocess.CompletedProcess:
    """The real command, as another process would run it."""
    data = stdin if isinstance(stdin, bytes) else stdin.encode()
    return subprocess.run(
        [sys.executable, "-m", "triage", *args],
        input=data,
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


def test_decide_prints_one_decision():
    done = run_cli("decide", stdin=DONE_EXAMPLE)
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)
    assert decision["destination"] == "prime_contractor_advice"
    assert {"001:5.2", "001:5.3"} <= set(decision["reasons"])
    assert decision["priority_groups"] == ["jobcentre_plus"]
    assert decision["offer_face_to_face"] is True
    assert done.stderr == b""


def test_jsonl_prints_one_decision_per_line_in_order():
    lines = [json.dumps(row.facts) for row in ROWS]
    done = run_cli("decide", "--jsonl", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    got = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert got == [decide(row.facts).to_dict() for row in ROWS]


def test_jsonl_skips_blank_lines_and_accepts_no_final_newline():
    done = run_cli("decide", "--jsonl", stdin='\n{"need": "complaint"}\n\n  \n{}')
    assert [json.loads(line)["destination"] for line in done.stdout.splitlines()] == [
        "complaints_and_feedback",
        "incomplete",
    ]


def test_jsonl_with_no_input_prints_nothing():
    done = run_cli("decide", "--jsonl", stdin="")
    assert (done.returncode, done.stdout, done.stderr) == (0, b"", b"")


@pytest.mark.parametrize(
    ("stdin", "reason"),
    [
        ("", "not valid JSON"),
        ("{age: 3}", "not valid JSON"),
        ('{"age": 3} {"age": 4}', "not valid JSON"),
        ("[1, 2]", "expected a JSON object of facts"),
        ('"M1 1AE"', "expected a JSON object of facts"),
        ('{"shoe_size": 9}', "unknown fact 'shoe_size'"),
        ('{"age": "eighteen"}', "age must be a whole number"),
        ('{"age": true}', "age must be a whole number"),
        ('{"need": "money"}', "need must be one of"),
        ('{"nation": "wales", "anonymous": "no"}', "anonymous must be true or false"),
        ("[" * 100_000, "not valid JSON"),
        (b"\xff\xfe{}", "not"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(stdin, reason):
    done = run_cli("decide", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == b""
    error = done.stderr.decode(errors="replace")
    assert error.count("\n") == 1 and error.startswith("triage: ")
    assert reason in error


def test_jsonl_stops_at_a_bad_line_naming_it_after_the_good_ones():
    done = run_cli("decide", "--jsonl", stdin='{"need": "complaint"}\n{"age": 1.5}\n{}\n')
    assert done.returncode == 2
    assert len(done.stdout.splitlines()) == 1
    assert done.stderr.decode() == "triage: line 2: age must be a whole number, not a number\n"


@pytest.mark.parametrize("args", [[], ["plan"], ["decide", "--json"], ["decide", "--jsonl", "x"]])
def test_bad_usage_exits_2_with_one_line(args):
    done = run_cli(*args, stdin="{}")
    assert done.returncode == 2
    assert done.stderr.decode().count("\n") == 1


def test_help_exits_0():
    out = StringIO()
    assert main(["--help"], stdout=out) == 0
    assert "decide" in out.getvalue()


def test_main_in_process_matches_the_contract():
    out, err = StringIO(), StringIO()
    status = main(["decide"], stdin=StringIO('{"need": "feedback"}'), stdout=out, stderr=err)
    assert status == 0 and err.getvalue() == ""
    assert json.loads(out.getvalue())["destination"] == "complaints_and_feedback"


def test_large_jsonl_batches_keep_every_line():
    lines = "".join(json.dumps({"age": age % 100}) + "\n" for age in range(5000))
    out = StringIO()
    assert main(["decide", "--jsonl"], stdin=StringIO(lines), stdout=out, stderr=StringIO()) == 0
    assert len(out.getvalue().splitlines()) == 5000
