"""The call simulator as a person uses it: a subprocess phoning the app through the emulator."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.support.browser import moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.emulator import live_voice_app
from tests.support.twilio import NIGHT, WEEKDAY_MORNING

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def serve(settings, redis_client):
    """The app on a free port (clock pinned) behind an emulator; yields the emulator's URL."""
    with ExitStack() as stack:
        def start(at):
            live = stack.enter_context(live_voice_app(settings, at, time_scale=0.2))
            return live.emulator.url

        yield start


def _simulate(emulator_url: str, script: str, tmp_path: Path, *args: str, name="call.txt"):
    path = tmp_path / name
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "TWILIO_AUTH_TOKEN": "", "APP_ENV": "development"}
    return subprocess.run([sys.executable, "-m", "ivr.simulate", "--emulator", emulator_url,
                           "--script", str(path), *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=90)


def test_a_scripted_call_to_a_queue_completes(serve, tmp_path):
    base = serve(WEEKDAY_MORNING)
    result = _simulate(base, "-- a young person wanting advice\n#16\n#2\n!wait\n!answer\n",
                       tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "<< Welcome to the National Careers Service." in out
    assert ">> #16" in out
    assert "<< You are number 1 in the queue." in out
    assert ">> !answer" in out
    assert out.rstrip().endswith("(call ended)")


def test_a_withheld_number_at_night_books_a_callback(serve, tmp_path):
    base = serve(NIGHT)
    result = _simulate(base, "#0\n#1\n#01134960456\n", tmp_path, "--from", "anonymous")
    assert result.returncode == 0, result.stderr
    assert "<< Please enter the UK phone number we should call you on" in result.stdout
    assert "will call you back by 10pm tomorrow" in result.stdout


def test_until_bridged_waits_for_a_console_adviser_who_takes_the_call(settings, redis_client,
                                                                      tmp_path):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock) as live:
        sam, _ = signed_in(live.app, "sam", "adviser", queues=["young_people"],
                           endpoint="client:sam")
        sam.get("/console/desk")
        sam.post("/console/api/presence", json={"mode": "available"}, headers=api_headers(sam))
        script = tmp_path / "call.txt"
        script.write_text("#16\n#2\n!until bridged\n!hangup\n", encoding="utf-8")
        customer = subprocess.Popen(
            [sys.executable, "-m", "ivr.simulate", "--emulator", live.emulator.url, "--script",
             str(script)], cwd=REPO, env={**os.environ, "APP_ENV": "development"},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        adviser = live.emulator.ringing("client:sam")
        adviser.answer()
        adviser.press("1")  # the console's calls meet in a conference, not a two-party bridge
        out, err = customer.communicate(timeout=60)
    assert customer.returncode == 0, err
    assert "(through to an adviser)" in out
    assert out.rstrip().endswith("(call ended)")


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
