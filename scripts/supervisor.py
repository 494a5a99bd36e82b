"""`make run`'s launcher: start children, restart any that exits with back-off, record their status.

Each child runs in its own process group with its output in var/log/NAME.log. A child that exits
is logged and started again after 1 s, then 2, 4 … up to 30 s while it keeps failing (the delay
resets once it has run for a minute), so the others keep serving. Status is written for the
staff console to var/run/processes.json and to the Redis hash `keys.PROCESSES` (one field per
child, a JSON object each). Adding a child is one `start(name, argv, env)` line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from models import keys

REPO = Path(__file__).resolve().parent.parent
FIRST_DELAY, MAX_DELAY, HEALTHY_AFTER = 1.0, 30.0, 60.0


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Child:
    """One supervised process and its history."""

    name: str
    argv: list[str]
    env: dict[str, str]
    restart: bool = True
    process: subprocess.Popen | None = None
    started: float = 0.0
    started_at: str = ""
    restarts: int = 0
    delay: float = FIRST_DELAY
    due: float | None = None  # when an exited child is to be started again
    last_exit_code: int | None = None
    last_exit_at: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def state(self) -> str:
        """running, restarting (waiting out its back-off), exited (not restarted) or stopped."""
        if self.process is not None and self.process.poll() is None:
            return "running"
        return "restarting" if self.due is not None else self.extra.get("final", "exited")

    def status(self) -> dict:
        """What the console shows for this child."""
        running = self.state == "running"
        return {"name": self.name, "state": self.state,
                "pid": self.process.pid if running and self.process else None,
                "started_at": self.started_at, "restarts": self.restarts,
                "last_exit_code": self.last_exit_code, "last_exit_at": self.last_exit_at,
                "next_start_in_seconds": round(max(0.0, self.due - time.monotonic()), 1)
                if self.due is not None else None,
                "log": f"var/log/{self.name}.log"}


class Supervisor:
    """Start child processes in their own process groups; restart them; stop them newest first."""

    def __init__(self, var: Path) -> None:
        self.var = var
        self.children: list[Child] = []
        self.redis_url = ""
        self._redis = None
        self.status_file = var / "run" / "processes.json"

    def start(self, name: str, argv: list[str], env: dict[str, str], *,
              restart: bool = True) -> None:
        """Start `argv` as child `name` (restarted when it exits unless restart=False)."""
        child = Child(name, argv, dict(env), restart)
        self.children.append(child)
        print(f"  starting {name} (log: var/log/{name}.log)", flush=True)
        self._spawn(child)
        self.record()

    def report_to(self, redis_url: str) -> None:
        """Also record status in this Redis (the one the console reads)."""
        self.redis_url = redis_url

    def watch(self) -> None:
        """Notice exited children, and start again those whose back-off is over."""
        changed = False
        for child in self.children:
            if child.due is None and child.process is not None and child.process.poll() is not None:
                self._exited(child)
                changed = True
            elif child.due is not None and time.monotonic() >= child.due:
                child.due = None
                child.restarts += 1
                print(f"  restarting {child.name} (restart {child.restarts})", flush=True)
                self._spawn(child)
                changed = True
        if changed:
            self.record()

    def _exited(self, child: Child) -> None:
        code = child.process.returncode
        child.last_exit_code, child.last_exit_at = code, _now()
        if time.monotonic() - child.started >= HEALTHY_AFTER:
            child.delay = FIRST_DELAY  # it had been running fine: this is a fresh failure
        if not child.restart:
            child.extra["final"] = "exited"
            print(f"  {child.name} exited with code {code}", flush=True)
            return
        print(f"  {child.name} exited with code {code}; restarting in {child.delay:g} s "
              f"(see var/log/{child.name}.log)", flush=True)
        child.due = time.monotonic() + child.delay
        child.delay = min(child.delay * 2, MAX_DELAY)

    def _spawn(self, child: Child) -> None:
        log = open(self.var / "log" / f"{child.name}.log", "ab")  # noqa: SIM115 - the child's
        log.write(f"--- {_now()} starting {child.name}\n".encode())
        log.flush()
        child.process = subprocess.Popen(child.argv, cwd=REPO, env=child.env, stdout=log,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        log.close()  # the child holds its own copy
        child.started, child.started_at = time.monotonic(), _now()

    def status(self) -> dict:
        """Every child's status, keyed by name."""
        return {child.name: child.status() for child in self.children}

    def record(self) -> None:
        """Write the status file and, when Redis answers, the status hash."""
        statuses = self.status()
        self.status_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.status_file.with_suffix(".tmp")
        temporary.write_text(json.dumps({"updated_at": _now(), "processes": statuses}, indent=1))
        temporary.replace(self.status_file)
        if self.redis_url:
            self._record_in_redis(statuses)

    def _record_in_redis(self, statuses: dict) -> None:
        import redis

        try:
            if self._redis is None:
                self._redis = redis.Redis.from_url(self.redis_url, socket_timeout=0.5,
                                                   socket_connect_timeout=0.5)
            mapping = {name: json.dumps(value) for name, value in statuses.items()}
            self._redis.hset(keys.PROCESSES, mapping=mapping)
        except redis.RedisError:
            pass  # Redis itself may be the child restarting; the file still has it

    def stop(self) -> None:
        """SIGTERM every child, newest first; SIGKILL what is still there after 25 s."""
        for child in self.children:
            child.due = None
            child.extra["final"] = "stopped"
        live = [c for c in reversed(self.children) if c.process is not None]
        for child in live:
            if child.process.poll() is None:
                os.killpg(child.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 25
        for child in live:
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
            print(f"  stopped {child.name}", flush=True)
        try:
            self.record()
        except OSError:
            pass
