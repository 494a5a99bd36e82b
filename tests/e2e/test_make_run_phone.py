"""The newcomer's phone demo: `make run` with CLOCK_START, the simulator as customer and adviser.

On a Saturday a customer asking for advice hears the cold transfer; on a weekday morning a second
terminal in adviser mode receives the warm transfer's whisper and presses 1 to accept (001:5.3,
001:6.1, 000:L81). Everything is real: the supervisor script, gunicorn, the worker, Redis, Rasa
with the trained model, the Twilio emulator, and two simulator processes.
"""

from __future__ import annotations

import subprocess
import time
import urllib.request

import pytest

from tests.support.listeners import listening_addresses, not_loopback
from tests.support.make_run import Centre, simulator

NORTH_WEST = "+441614960002"  # config/contractors.yaml: the North West's transfer number
# The customer goes on without a record (the identity step has its own tests).
ADVICE_CALL = "I need careers advice\n45\nM1 1AE\nno thanks\n"
pytestmark = pytest.mark.rasa


@pytest.fixture
def centre(tmp_path):
    """Start the centre with a CLOCK_START; stopped after the test."""
    started = []

    def start(clock_start: str) -> tuple[Centre, str]:
        running = Centre(tmp_path, clock_start)
        started.append(running)
        return running, running.wait_running()

    yield start
    for running in started:
        running.stop()


def test_on_a_saturday_advice_is_a_cold_transfer(centre, tmp_path):
    running, emulator = centre("2026-03-07T10:00:00+00:00")  # Saturday 7 March 2026
    assert "Saturday 07 March 2026, 10:00 Europe/London" in running.output()
    # Development is for this machine: with BIND_HOST unset (loopback) nothing make run starts,
    # the front, the pools, Redis, the assistant and its actions, is reachable from another.
    listening = listening_addresses(running.child.pid)
    assert len(listening) >= 6 and not_loopback(listening) == set(), listening
    customer = simulator(emulator, ADVICE_CALL + "#1\n", tmp_path, "customer.txt")
    out, err = customer.communicate(timeout=120)
    assert customer.returncode == 0, err
    assert "<< The North West prime contractor is closed just now, so an adviser from there " \
           "will call you back." in out
    assert "will call you back by 5pm on Monday" in out
    assert out.rstrip().endswith("(call ended)")


def test_on_a_weekday_morning_the_adviser_terminal_accepts_the_warm_transfer(centre, tmp_path):
    running, emulator = centre("2026-03-02T10:00:00+00:00")  # Monday 2 March 2026
    adviser = simulator(emulator, "#1\n", tmp_path, "adviser.txt", "--as-adviser", NORTH_WEST)
    _wait_for_line(adviser, "(waiting for calls to")
    customer = simulator(emulator, ADVICE_CALL + "!until bridged\n", tmp_path, "customer.txt")
    out, err = customer.communicate(timeout=120)
    assert customer.returncode == 0, err
    assert "<< I am now putting you through to the North West prime contractor" in out
    adviser_out, adviser_err = adviser.communicate(timeout=60)
    assert adviser.returncode == 0, adviser_err
    assert "(ringing: a call for +441614960002; answering)" in adviser_out
    assert "<< A customer from the National Careers Service. The customer is aged 45, wants " \
           "careers advice, lives in the North West area. Press 1 to accept the call." \
           in adviser_out
    assert ">> #1" in adviser_out
    assert "Sorry" not in out  # no cold transfer: the adviser took the call
    with urllib.request.urlopen(f"http://127.0.0.1:{running.port}/healthz", timeout=5) as r:
        assert r.status == 200


def _wait_for_line(process: subprocess.Popen, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if text in line:
            return
        assert process.poll() is None, process.stderr.read()
    raise AssertionError(f"no {text!r}")
