"""Start the real assistant (Rasa server and action server) for tests and benchmarks.

Standard library only, so it works from the app's environment and from the benchmark alike. The
assistant runs in its own Python 3.10 environment: RASA_VENV and RASA_MODEL (set by `make test`)
name it and its trained model; without them the bootstrap scripts build or reuse both.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.support.clock import OPEN_HOURS_CLOCK, clock_env

REPO = Path(__file__).resolve().parents[2]
BOT = REPO / "bot"
# The assistant's trackers: db 12 of the suite's Redis server (TEST_REDIS_URL), apart from the
# suite's own db, so two suites on two Redis servers never share conversations.
DEFAULT_REDIS_URL = os.environ.get(
    "TEST_RASA_REDIS_URL",
    os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9").rsplit("/", 1)[0] + "/12")
READY_SECONDS = 240  # loading a model takes about 10 s here, 45 s on a slow machine


class AssistantNotReady(RuntimeError):
    """The assistant did not load its model or answer a first turn in time."""


def assistant_token() -> str:
    """The token the suite's assistants are started with (RASA_AUTH_TOKEN, made once per run).

    Set in this process's environment, so every Settings built here and every process started
    from here (make run, the app servers) sends the token the assistant wants.
    """
    return os.environ.setdefault("RASA_AUTH_TOKEN", secrets.token_urlsafe(24))


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assistant_environment() -> tuple[str, str]:
    """(venv, model): from RASA_VENV/RASA_MODEL, else built or reused by the bootstrap scripts."""
    venv, model = os.environ.get("RASA_VENV"), os.environ.get("RASA_MODEL")
    if not venv:
        venv = _script_output("rasa_env.sh")
    if not model:
        model = _script_output("bot_train.sh")
    return venv, model


def send(url: str, sender: str, text: str, metadata: dict | None = None,
         timeout: float = 10.0) -> list[dict]:
    """One customer turn through the REST channel; Rasa's list of messages."""
    body = json.dumps({"sender": sender, "message": text, "metadata": metadata or {}}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body,
                                     {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


# Monday 2 March 2026, 10:00 in London: the contact centre and every contractor are open.


@contextmanager
def rasa_server(*, redis_url: str = DEFAULT_REDIS_URL, log_dir: Path | None = None,
                workers: int = 1, env: dict[str, str] | None = None,
                endpoints: Path | None = None) -> Iterator[str]:
    """Run the assistant against the Redis database in `redis_url`; yield its base URL.

    `env` adds environment variables (e.g. LOG_FORMAT); `endpoints` replaces bot/endpoints.yml.
    Both processes are stopped (their whole process groups) when the block ends.
    """
    venv, model = assistant_environment()
    redis = urlparse(redis_url)
    port, action_port = free_port(), free_port()
    # The actions run on a set clock, never the wall clock (a Monday morning, everyone open):
    # a test that needs another hour passes CLOCK_START in `env`.
    env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false",
           **clock_env(OPEN_HOURS_CLOCK), "REDIS_HOST": redis.hostname or "127.0.0.1",
           "REDIS_PORT": str(redis.port or 6379),
           "REDIS_DB": (redis.path or "/0").lstrip("/") or "0", "SANIC_WORKERS": str(workers),
           "REDIS_PASSWORD": redis.password or "", "REDIS_SSL": str(redis.scheme == "rediss"),
           "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
           # rasa-sdk listens on SANIC_HOST, every interface unless told.
           "SANIC_HOST": "127.0.0.1", **(env or {})}
    logs = Path(log_dir or tempfile.mkdtemp(prefix="assistant-"))
    rasa = f"{venv}/bin/rasa"
    processes = [
        _start([rasa, "run", "actions", "--port", str(action_port), "--actions", "bot.actions"],
               env, logs / "actions.log"),
        _start([rasa, "run", "--enable-api", "--auth-token", assistant_token(), "-i",
                "127.0.0.1", "-p", str(port), "-m", model,
                "--endpoints", str(endpoints or "endpoints.yml"), "--credentials",
                "credentials.yml"],
               env, logs / "rasa.log"),
    ]
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(url, processes, READY_SECONDS, logs)
        yield url
    finally:
        for process in processes:
            _stop(process)


def wait_until_ready(url: str, processes: list[subprocess.Popen], seconds: float,
                     logs: Path) -> None:
    """Wait for a loaded model and one full turn through the action server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise AssistantNotReady(f"an assistant process exited; see {logs}")
        try:
            with urllib.request.urlopen(f"{url}/status?token={assistant_token()}",
                                        timeout=2) as response:
                if json.load(response).get("model_file") and send(url, "warm-up", "hello"):
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    raise AssistantNotReady(f"the assistant was not ready in {seconds:.0f} s; see {logs}")


@pytest.fixture(scope="session")
def assistant_url(tmp_path_factory) -> Iterator[str]:
    """The base URL of a real assistant shared by the session (import into a conftest)."""
    with rasa_server(log_dir=tmp_path_factory.mktemp("assistant")) as url:
        yield url


def _script_output(name: str) -> str:
    """The last line a bootstrap script prints (its result); its progress goes to stderr."""
    result = subprocess.run(["bash", str(REPO / "scripts" / name)], check=True, text=True,
                            stdout=subprocess.PIPE)
    return result.stdout.strip().splitlines()[-1]


def _start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    """Start `command` in the bot directory, in its own process group, logging to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(command, cwd=BOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop a process group politely, then firmly."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
