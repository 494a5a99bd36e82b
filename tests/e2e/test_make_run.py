"""`make run`'s supervisor as a newcomer meets it: starts, goes ready, stops all on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_ready(url: str, child: subprocess.Popen, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert child.poll() is None, child.stdout.read()
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    raise AssertionError("never ready")


def _run_once(tmp_path: Path, port: int) -> str:
    env = {**os.environ, "PORT": str(port), "RASA_ENABLED": "false", "REDIS_URL": "",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "WEB_WORKERS": "1"}
    child = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    try:
        assert _wait_for_ready(f"http://127.0.0.1:{port}/readyz", child, 60) == 200
        time.sleep(1.5)  # let it print the addresses
        os.killpg(child.pid, signal.SIGINT)
        output, _ = child.communicate(timeout=40)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
    assert child.returncode == 0, output
    return output


def test_make_run_starts_ready_and_stops_cleanly_twice(tmp_path):
    port = _free_port()
    first = _run_once(tmp_path, port)
    assert f"http://127.0.0.1:{port}/readyz" in first
    assert "stopped app" in first and "stopped redis" in first
    # Nothing is left listening, so a second run works on the same port.
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    second = _run_once(tmp_path, port)
    assert "The contact centre is running." in second
