"""`make run` (scripts/run.py) started in the background for end-to-end tests, with the call
simulator as the people on the phone: the centre, its printed output, and simulator processes.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.emulator import free_port
from tests.support.rasa import assistant_environment

REPO = Path(__file__).resolve().parents[2]


class Centre:
    """`scripts/run.py` running in the background; its output so far."""

    def __init__(self, tmp_path: Path, clock_start: str) -> None:
        venv, model = assistant_environment()
        self.port, self.emulator_port = free_port(), free_port()
        self.log = tmp_path / "run.log"
        self.env = {**os.environ, "PORT": str(self.port), "CLOCK_START": clock_start,
                    "REDIS_URL": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}",
                    "RASA_URL": f"http://127.0.0.1:{free_port()}", "RASA_ENABLED": "true",
                    "WEB_WORKERS": "1", "TWILIO_AUTH_TOKEN": "", "TWILIO_API_BASE_URL": "",
                    "TWILIO_EMULATOR_PORT": str(self.emulator_port),
                    # The product's default, whatever the rest of the suite sets: a newcomer's
                    # `make run` asks a customer going to an adviser who they are.
                    "IDENTITY_CHECKS": "true"}
        with self.log.open("wb") as out:
            self.child = subprocess.Popen(
                [sys.executable, "scripts/run.py", "--rasa-venv", venv, "--model", model],
                cwd=REPO, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def output(self) -> str:
        """What run.py printed."""
        return self.log.read_text(errors="replace")

    def wait_running(self, seconds: float = 300) -> str:
        """Wait for "The contact centre is running."; return the emulator's URL it printed."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.child.poll() is None, self.output()
            out = self.output()
            if "Press Ctrl-C to stop everything." in out:
                line = next(x for x in out.splitlines() if "Twilio emulator:" in x)
                return line.split()[-1]
            time.sleep(1)
        raise AssertionError(f"never ready:\n{self.output()}")

    def printed(self, label: str) -> str:
        """The command or address printed after `label` (e.g. "Phone it (simulator):")."""
        line = next(x for x in self.output().splitlines() if x.strip().startswith(label))
        return line.strip()[len(label):].strip()

    def stop(self) -> None:
        """Ctrl-C, as the newcomer would."""
        if self.child.poll() is None:
            os.killpg(self.child.pid, signal.SIGINT)
            try:
                self.child.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.child.pid, signal.SIGKILL)


def simulator(emulator: str, script: str, tmp_path: Path, name: str, *args: str):
    """`python -m ivr.simulate` playing `script` (one turn a line) against the emulator."""
    path = tmp_path / name
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "TWILIO_AUTH_TOKEN": "", "APP_ENV": "development"}
    return subprocess.Popen([sys.executable, "-m", "ivr.simulate", "--emulator", emulator,
                             "--script", str(path), *args], cwd=REPO, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def printed_command(command: str, script: str, tmp_path: Path, name: str) -> subprocess.Popen:
    """Run a command exactly as `make run` printed it (from the clone), with `--script`."""
    path = tmp_path / name
    path.write_text(script, encoding="utf-8")
    env = {**os.environ, "TWILIO_AUTH_TOKEN": "", "APP_ENV": "development"}
    return subprocess.Popen([*shlex.split(command), "--script", str(path)], cwd=REPO, env=env,
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@contextmanager
def running_centre(tmp_path: Path, clock_start: str) -> Iterator[tuple[Centre, str]]:
    """The centre started with `clock_start`, and its emulator's URL; Ctrl-C afterwards."""
    centre = Centre(tmp_path, clock_start)
    try:
        yield centre, centre.wait_running()
    finally:
        centre.stop()
