"""`python -m routing plan [--jsonl]`: the Routing contract's command line, good input and bad."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest

from routing.cli import main

REPO = Path(__file__).resolve().parents[3]
ADVICE = {"age": 30, "need": "advice", "postcode": "M1 1AE"}  # Manchester: north-west
FACE_TO_FACE_BY_CHAT = {"age": 40, "need": "face_to_face", "postcode": "LS1 4AP",
                        "channel": "webchat"}


def run_cli(*args: str, stdin: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command, as another process would run it (no REDIS_URL unless given)."""
    environment = {"PATH": "/usr/bin:/bin", **(env or {})}
    return subprocess.run([sys.executable, "-m", "routing", *args], input=stdin.encode(),
                          capture_output=True, cwd=REPO, timeout=60, check=False, env=environment)


def run_main(*args: str, stdin: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    status = main(list(args), StringIO(stdin), out, err, closed_lookup=frozenset)
    return status, out.getvalue(), err.getvalue()


def request(facts, at):
    return json.dumps({"facts": facts, "at": at})


def test_friday_evening_is_a_cold_transfer_due_monday_at_five():
    done = run_cli("plan", stdin=request(ADVICE, "2026-06-05T18:00:00+01:00"))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["decision"]["destination"] == "prime_contractor_advice"
    assert (result["action"], result["contractor"]) == ("cold_transfer", "north-west")
    assert result["callback_due"] == "2026-06-08T17:00:00+01:00"
    assert done.stderr == b""


def test_christmas_eve_evening_is_due_tuesday_29_december():
    done = run_cli("plan", stdin=request(ADVICE, "2026-12-24T18:00:00+00:00"))
    result = json.loads(done.stdout)
    assert result["action"] == "cold_transfer"
    assert result["callback_due"] == "2026-12-29T17:00:00+00:00"


def test_saturday_webchat_face_to_face_request_is_a_cold_transfer():
    done = run_cli("plan", stdin=request(FACE_TO_FACE_BY_CHAT, "2026-06-06T11:00:00+01:00"))
    result = json.loads(done.stdout)
    assert result["decision"]["destination"] == "prime_contractor_face_to_face"
    assert (result["action"], result["contractor"]) == ("cold_transfer", "yorkshire-humber")
    assert result["callback_due"] == "2026-06-08T17:00:00+01:00"


def test_weekday_phone_advice_is_a_warm_transfer():
    status, out, _ = run_main("plan", stdin=request(ADVICE, "2026-06-08T10:00:00+01:00"))
    assert status == 0
    assert json.loads(out)["action"] == "warm_transfer"


def test_language_comes_from_the_facts():
    facts = {"age": 30, "need": "advice", "postcode": "B1 1AA", "language": "Punjabi"}
    status, out, _ = run_main("plan", stdin=request(facts, "2026-06-09T19:30:00+01:00"))
    result = json.loads(out)
    assert result["decision"]["destination"] == "language_line"
    assert (result["action"], result["queue"]) == ("enqueue", "language_lines")


def test_jsonl_prints_one_plan_per_line_in_order():
    lines = [request(ADVICE, "2026-06-08T10:00:00+01:00"), "",
             request({"need": "complaint"}, "2026-06-07T23:30:00+01:00"),
             request({}, "2026-06-08T10:00:00+01:00")]
    done = run_cli("plan", "--jsonl", stdin="\n".join(lines))
    assert done.returncode == 0, done.stderr
    actions = [json.loads(line)["action"] for line in done.stdout.decode().splitlines()]
    assert actions == ["warm_transfer", "cold_transfer", "ask"]


def test_missing_at_means_now():
    status, out, _ = run_main("plan", stdin=json.dumps({"facts": {"need": "complaint"}}))
    assert status == 0 and json.loads(out)["action"] in {"enqueue", "cold_transfer"}


@pytest.mark.parametrize("stdin, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "expected a JSON object"),
    ('{"facts": {}, "when": "2026-06-08T10:00:00Z"}', "unknown field 'when'"),
    ('{"facts": [], "at": "2026-06-08T10:00:00Z"}', "facts must be a JSON object"),
    ('{"facts": {"age": "thirty"}}', "age"),
    ('{"facts": {"colour": "blue"}}', "unknown fact"),
    ('{"facts": {}, "at": "tomorrow"}', "at is not an ISO 8601 time"),
    ('{"facts": {}, "at": 12}', "at must be an ISO 8601 string"),
    ('{"facts": {}, "at": "2026-06-08T10:00:00"}', "at must include a UTC offset"),
])
def test_bad_input_exits_2_with_one_line(stdin, message):
    done = run_cli("plan", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == b""
    error = done.stderr.decode()
    assert error.count("\n") == 1 and error.startswith("routing: ") and message in error


def test_jsonl_names_the_bad_line_after_printing_the_good_ones():
    stdin = request(ADVICE, "2026-06-08T10:00:00+01:00") + "\n{oops\n"
    status, out, err = run_main("plan", "--jsonl", stdin=stdin)
    assert status == 2
    assert len(out.splitlines()) == 1
    assert err.startswith("routing: line 2: not valid JSON") and err.count("\n") == 1


@pytest.mark.parametrize("args", [[], ["decide"], ["plan", "--json"], ["plan", "--jsonl", "x"]])
def test_bad_usage_exits_2(args):
    status, _, err = run_main(*args, stdin="")
    assert status == 2 and err.startswith("routing: usage:")


def test_help_exits_0():
    status, out, _ = run_main("--help", stdin="")
    assert status == 0 and "python -m routing plan" in out
