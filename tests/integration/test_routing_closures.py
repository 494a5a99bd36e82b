"""Emergency closures in real Redis: every process sees them; plan() and the CLI obey them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from config import clock
from models.redis import connect
from routing import EmergencyClosures, load_directory, plan
from tests.support.databases import TEST_REDIS_URL
from triage import Decision

REPO = Path(__file__).resolve().parents[2]
MONDAY_10 = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)  # 10:00 in London


@pytest.fixture(scope="module")
def directory():
    return load_directory()


@pytest.fixture
def closures(redis_client, directory):
    return EmergencyClosures(redis_client, known_ids=directory.entity_ids())


def test_a_closure_set_by_one_connection_is_seen_by_another(closures, directory):
    closures.close("north-west", reason="fire alarm", set_by="supervisor-1")
    other_process = EmergencyClosures(connect(TEST_REDIS_URL))
    assert other_process.is_closed("north-west")
    assert other_process.closed_among(directory.entity_ids()) == {"north-west"}
    [closure] = other_process.list(directory.entity_ids())
    assert (closure.entity_id, closure.reason, closure.set_by) == ("north-west", "fire alarm",
                                                                    "supervisor-1")
    assert closures.reopen("north-west") is True
    assert not other_process.is_closed("north-west")
    assert closures.reopen("north-west") is False


def test_plan_obeys_a_closure_read_from_redis(closures, directory):
    decision = Decision(destination="prime_contractor_advice", region="north-west")
    closed = closures.closed_among(directory.entity_ids())
    assert plan(decision, "phone", MONDAY_10, directory=directory, closed=closed).action == \
        "warm_transfer"
    closures.close("north-west", reason="power cut", set_by="supervisor-1")
    closed = closures.closed_among(directory.entity_ids())
    result = plan(decision, "phone", MONDAY_10, directory=directory, closed=closed)
    assert result.action == "cold_transfer"
    closures.close("safeguarding", reason="staff shortage", set_by="supervisor-1")
    closed = closures.closed_among(directory.entity_ids())
    queue_result = plan(Decision(destination="safeguarding"), "phone", MONDAY_10,
                        directory=directory, closed=closed)
    assert queue_result.action == "signpost" and queue_result.emergency


def test_a_closure_with_an_end_lifts_itself(closures):
    now = clock.now()
    closures.close("london", reason="drill", set_by="s", until=now + timedelta(milliseconds=300),
                   now=now)
    assert closures.is_closed("london")
    time.sleep(0.5)
    assert not closures.is_closed("london")


def test_unknown_ids_and_past_ends_are_refused(closures):
    with pytest.raises(ValueError, match="unknown"):
        closures.close("wales", reason="x", set_by="s")
    now = clock.now()
    with pytest.raises(ValueError, match="future"):
        closures.close("london", reason="x", set_by="s", until=now - timedelta(seconds=1), now=now)


def test_the_command_line_reads_closures_when_redis_url_is_set(closures):
    stdin = json.dumps({"facts": {"age": 30, "need": "advice", "postcode": "M1 1AE"},
                        "at": MONDAY_10.isoformat()})

    def run(env):
        done = subprocess.run([sys.executable, "-m", "routing", "plan"], input=stdin.encode(),
                              capture_output=True, cwd=REPO, timeout=60, check=True,
                              env={"PATH": "/usr/bin:/bin", **env})
        return json.loads(done.stdout)["action"]

    closures.close("north-west", reason="flood", set_by="supervisor-1")
    assert run({"REDIS_URL": TEST_REDIS_URL}) == "cold_transfer"
    assert run({}) == "warm_transfer"  # without REDIS_URL: published hours only
    closures.reopen("north-west")
    assert run({"REDIS_URL": TEST_REDIS_URL}) == "warm_transfer"


def test_the_command_line_warns_and_carries_on_when_redis_is_unreachable():
    stdin = json.dumps({"facts": {"need": "complaint"}, "at": MONDAY_10.isoformat()})
    done = subprocess.run([sys.executable, "-m", "routing", "plan"], input=stdin.encode(),
                          capture_output=True, cwd=REPO, timeout=60, check=False,
                          env={"PATH": "/usr/bin:/bin", "REDIS_URL": "redis://127.0.0.1:1/0"})
    assert done.returncode == 0
    assert json.loads(done.stdout)["action"] == "enqueue"
    assert b"warning: emergency closures not read" in done.stderr
