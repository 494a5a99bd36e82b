"""The launcher restarts a child that exits, with back-off, and records it for the console."""

from __future__ import annotations

import json
import sys
import time

from models import keys
from scripts.supervisor import Supervisor
from tests.support.databases import TEST_REDIS_URL


def _watch_until(supervisor: Supervisor, condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        supervisor.watch()
        time.sleep(0.05)


def test_an_exited_child_is_restarted_with_growing_back_off_and_the_others_keep_running(
        tmp_path, redis_client):
    (tmp_path / "log").mkdir()
    supervisor = Supervisor(tmp_path)
    supervisor.report_to(TEST_REDIS_URL)
    try:
        supervisor.start("steady", [sys.executable, "-c", "import time; time.sleep(60)"], {})
        supervisor.start("crashy", [sys.executable, "-c", "import sys; sys.exit(3)"], {})
        crashy = supervisor.children[1]
        _watch_until(supervisor, lambda: crashy.restarts >= 2, 10)
        assert crashy.restarts >= 2
        assert crashy.last_exit_code == 3
        assert crashy.delay >= 4  # 1 s, then 2 s, then 4 s …
        supervisor.record()
        status = json.loads((tmp_path / "run" / "processes.json").read_text())["processes"]
        assert status["steady"]["state"] == "running" and status["steady"]["restarts"] == 0
        assert status["crashy"]["restarts"] >= 2 and status["crashy"]["last_exit_code"] == 3
        shared = json.loads(redis_client.hget(keys.PROCESSES, "crashy"))
        assert shared["name"] == "crashy" and shared["restarts"] >= 2
        log = (tmp_path / "log" / "crashy.log").read_text()
        assert log.count("starting crashy") >= 3
    finally:
        supervisor.stop()
    status = json.loads((tmp_path / "run" / "processes.json").read_text())["processes"]
    assert {s["state"] for s in status.values()} == {"stopped"}
