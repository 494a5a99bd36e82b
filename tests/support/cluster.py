"""Real processes for several-instance and fault tests: the app under gunicorn, HAProxy, and
private Redis and PostgreSQL servers that a test may stop, kill and restart.

The shared PostgreSQL (5432) and Redis (6379) of the machine are never touched here: a fault
test starts its own servers on free ports in a temporary directory.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from glob import glob
from pathlib import Path

import pytest
import requests

from tests.support.rasa import free_port

REPO = Path(__file__).resolve().parents[2]


def _wait_port(port: int, process: subprocess.Popen | None, seconds: float, what: str) -> None:
    import socket

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} in {seconds:.0f} s")


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """A private redis-server with append-only persistence, as production runs it."""

    def __init__(self, directory: Path, *, appendonly: bool = True) -> None:
        self.directory, self.port = directory, free_port()
        self.appendonly = appendonly
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        binary = shutil.which("redis-server") or pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir",
             str(self.directory), "--save", "", "--appendonly",
             "yes" if self.appendonly else "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_port(self.port, self.process, 10, "redis-server")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        _stop(self.process, sig)

    def restart(self) -> None:
        self.stop()
        self.start()


class PostgresServer:
    """A throwaway PostgreSQL cluster (initdb in a temporary directory, trust on loopback)."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        binaries = sorted(glob("/usr/lib/postgresql/*/bin/initdb"))
        if not binaries:
            pytest.skip("PostgreSQL's initdb is not installed (/usr/lib/postgresql/*/bin)")
        self.bin = Path(binaries[-1]).parent
        self.data = directory / "data"
        # initdb refuses to run as root: run the server as the postgres user.
        self.user = "postgres" if os.getuid() == 0 else None
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(directory, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "--no-sync")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.directory)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.directory / "log"), "-w",
                  "-o", f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def cleanup(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass


class AppServer:
    """The app under gunicorn on its own port, with `env` over a clean environment."""

    def __init__(self, env: dict[str, str], log: Path, *, workers: int = 1) -> None:
        self.port, self.log, self.workers = free_port(), log, workers
        # The suite's clock (tests/support/clock.py), never the wall clock, unless `env` sets one.
        suite_clock = {k: os.environ[k] for k in ("CLOCK_START", "CLOCK_STARTED_AT")
                       if k in os.environ}
        self.env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
                    "PYTHONPATH": str(REPO), "PORT": str(self.port),
                    "WEB_WORKERS": str(workers), "WEB_THREADS": "8", **suite_clock, **env}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen([gunicorn, "-c", "config/gunicorn.conf.py"],
                                            cwd=REPO, env=self.env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port, self.process, 60, "gunicorn")
        wait_healthy(self.url, 60)

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful shutdown, requests in flight are lost."""
        _stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.process)


def wait_healthy(url: str, seconds: float) -> None:
    """Poll /healthz until it answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"{url} not healthy in {seconds:.0f} s")


class HAProxy:
    """A local HAProxy: each frontend balances round robin, one request at a time, over its
    backends (so consecutive requests of one call alternate between instances)."""

    def __init__(self, directory: Path, backends: dict[str, list[str]]) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            pytest.skip("haproxy is not installed (scripts/deploy_tools.sh installs it)")
        self.binary, self.directory = binary, directory
        self.ports = {name: free_port() for name in backends}
        self.config = directory / "haproxy.cfg"
        self.config.write_text(self._config(backends))
        self.process: subprocess.Popen | None = None

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _config(self, backends: dict[str, list[str]]) -> str:
        lines = ["global", "  maxconn 2000", "defaults", "  mode http", "  timeout connect 2s",
                 "  timeout client 30s", "  timeout server 30s", "  option http-server-close",
                 "  option forwardfor", "  retries 0"]
        for name, servers in backends.items():
            lines += [f"frontend {name}", f"  bind 127.0.0.1:{self.ports[name]}",
                      f"  default_backend {name}_servers", f"backend {name}_servers",
                      "  balance roundrobin"]
            lines += [f"  server {name}{n} {server.removeprefix('http://')}"
                      for n, server in enumerate(servers, start=1)]
        return "\n".join(lines) + "\n"

    def start(self) -> None:
        with open(self.directory / "haproxy.log", "ab") as out:
            self.process = subprocess.Popen([self.binary, "-db", "-f", str(self.config)],
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        for port in self.ports.values():
            _wait_port(port, self.process, 10, "haproxy")

    def stop(self) -> None:
        _stop(self.process)


def http_transport(session: requests.Session | None = None):
    """A SimulatedCall transport posting over HTTP (through a load balancer or to one app)."""
    http = session or requests.Session()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = http.post(url, data=params, headers=headers, timeout=20)
        return response.status_code, response.text

    return post


def temporary_directory(prefix: str) -> Path:
    """A temporary directory others (the postgres user) may enter."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o755)
    return path


class Assistant:
    """Rasa and its action server on fixed ports, so a test can kill Rasa and start it again."""

    def __init__(self, redis_url: str, logs: Path) -> None:
        from tests.support.clock import OPEN_HOURS_CLOCK, clock_env
        from tests.support.rasa import assistant_environment

        self.venv, self.model = assistant_environment()
        self.port, self.action_port, self.logs = free_port(), free_port(), logs
        host, _, rest = redis_url.removeprefix("redis://").partition(":")
        port, _, db = rest.partition("/")
        self.env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false",
                    "REDIS_HOST": host, "REDIS_PORT": port, "REDIS_DB": db or "1",
                    "SANIC_WORKERS": "1", **clock_env(OPEN_HOURS_CLOCK),
                    "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook"}
        self.rasa: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from tests.support.rasa import _start, wait_until_ready

        rasa = f"{self.venv}/bin/rasa"
        if self.actions is None or self.actions.poll() is not None:
            self.actions = _start([rasa, "run", "actions", "--port", str(self.action_port),
                                   "--actions", "bot.actions"], self.env,
                                  self.logs / "actions.log")
        self.rasa = _start([rasa, "run", "--enable-api", "-i", "127.0.0.1", "-p",
                            str(self.port), "-m", self.model, "--endpoints", "endpoints.yml",
                            "--credentials", "credentials.yml"], self.env, self.logs / "rasa.log")
        wait_until_ready(self.url, [self.rasa, self.actions], 240, self.logs)

    def kill(self) -> None:
        """SIGKILL the Rasa server (the action server stays up)."""
        _stop(self.rasa, signal.SIGKILL)

    def stop(self) -> None:
        _stop(self.rasa)
        _stop(self.actions)
