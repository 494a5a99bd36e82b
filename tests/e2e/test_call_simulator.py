"""The call simulator as a person uses it: a subprocess phoning the app over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.support.twilio import NIGHT, WEEKDAY_MORNING, voice_app

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(settings, redis_client):
    """Serve the app on a free port over HTTP, with its clock pinned; yields its base URL."""
    servers = []

    def start(at):
        port = _free_port()
        public = settings.model_copy(update={"public_base_url": f"http://127.0.0.1:{port}"})
        server = make_server("127.0.0.1", port, voice_app(public, at), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()


def _simulate(base_url: str, script: str, tmp_path: Path, *args: str):
    path = tmp_path / "call.txt"
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "TWILIO_AUTH_TOKEN": "", "APP_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "ivr.simulate", "--url", base_url,
                           "--script", str(path), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_a_scripted_call_to_a_queue_completes(serve, tmp_path):
    base = serve(WEEKDAY_MORNING)
    result = _simulate(base, "-- a young person wanting advice\n#16\n#2\n!wait\n!answer\n",
                       tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "<< Welcome to the National Careers Service." in out
    assert ">> #16" in out
    assert "<< You are number 1 in the queue." in out
    assert out.rstrip().endswith("(call ended)")


def test_a_withheld_number_at_night_books_a_callback(serve, tmp_path):
    base = serve(NIGHT)
    result = _simulate(base, "#0\n#1\n#01134960456\n", tmp_path, "--from", "anonymous")
    assert result.returncode == 0, result.stderr
    assert "<< Please enter the UK phone number we should call you on" in result.stdout
    assert "will call you back by 10pm tomorrow" in result.stdout


def test_no_system_to_call_is_a_one_line_error(tmp_path):
    result = _simulate(f"http://127.0.0.1:{_free_port()}", "#1\n", tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("simulate: ") and result.stderr.count("\n") == 1


def test_a_missing_script_is_a_one_line_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "ivr.simulate", "--script",
                             str(tmp_path / "none.txt")], cwd=REPO, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.startswith("simulate: ")
