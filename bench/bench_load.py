"""Open-loop load on the whole system as `make run` starts it: `make bench-load`.

`python bench/bench_load.py [--calls 40,200,300,400,500,600] [--chats 40,200,400] [--seconds 40]`

Starts `scripts/run.py` (the events front, web and voice pools, two Rasa processes with the trained
model, the action server, the worker) on a private Redis and a fresh PostgreSQL database, then
drives it with locust on this machine, loopback only:
- voice: N concurrent calls, each a signed Twilio webhook every `--think` seconds (a turn every
  5 s per call, whatever the answer time: constant pacing, each call starting at a random point
  of the first 5 s), each call four turns through the assistant to a decision, the identity
  step declined, the warm transfer dialled, then hang-up and a new call. A turn the assistant
  was not asked for (the keypad took over because it was busy or down) counts as an error;
- chat: N concurrent chats, a message every `--think` seconds through the chat API (each chat from
  its own loopback address, as customers behind their own connections).
1x national peak is 40 calls (7 assistant turns a second, 000:L105). For each step it reports
p50/p95/p99 of an assistant turn (`/voice/turn`, chat message), throughput, errors and the CPU
each kind of process used, then the knee (the first step whose p95 is over twice the 1x p95),
the most calls held within p95 300 ms, and processes (CPU cores) per 1x. Writes
var/bench/load.json and the plot docs/load.png.
"""

from __future__ import annotations

# locust patches the standard library for gevent: import it first.
from locust import HttpUser, task  # isort: skip
from locust.env import Environment  # isort: skip

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from itertools import count
from pathlib import Path

import gevent
import psutil
import requests
from requests.adapters import HTTPAdapter

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from config.settings import DEVELOPMENT_TWILIO_TOKEN  # noqa: E402
from ivr.voice.simulated_call import CallFailed, SimulatedCall  # noqa: E402
from tests.support.cluster import RedisServer  # noqa: E402
from tests.support.databases import fresh_postgres_database  # noqa: E402
from tests.support.rasa import assistant_environment, free_port  # noqa: E402

# The main road through the centre: four turns with the assistant to an adult's advice decision
# (001:5.3), the identity step declined (000:L61), then the warm transfer is dialled and the
# caller hangs up while it rings.
CALL_TURNS = ("hello", "I'd like some careers advice please", "I'm 45", "it's M1 1AE",
              "no thanks")
# Two turns reach a decision (adult digital advice, 001:5.3); the chat then waits for a person,
# so the assistant says no more and the customer starts a new chat.
CHAT_TURNS = ("I'd like some careers advice about changing jobs", "I'm 34")
PEAK_CALLS = 40  # 1x: about 40 calls at once, a turn every 5 s each (≈ 7 assistant turns/s)
PEAK_TURNS_PER_SECOND = 7.0
TARGET_P95_MS = 300.0
RAMP_SECONDS = 10.0
_addresses = count(2)


def paced(user: Paced) -> float:
    """Wait until `think` seconds after the last tick began, whatever the answer time took."""
    return max(0.0, user.ticked + user.think - time.monotonic())


class Paced(HttpUser):
    """A customer who acts every `think` seconds, starting at a random point in the first.

    locust starts users in one batch a second, and its own constant pacing counts from when a
    user was made: each batch would then act in step for the whole run (80 webhooks in 300 ms,
    then nothing), which no real population of callers does.
    """

    abstract = True
    think = 5.0
    ticked = 0.0
    wait_time = paced

    def on_start(self) -> None:
        gevent.sleep(random.uniform(0, self.think))

    def tick(self) -> None:
        self.ticked = time.monotonic()


class Caller(Paced):
    """One phone line: a call of four assistant turns, a webhook every `think` seconds."""

    abstract = True
    call: SimulatedCall | None = None
    turn = 0

    def _post(self, url: str, params: dict[str, str], headers: dict[str, str]):
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        name = "voice turn" if path == "voice/turn" else "voice other"
        with self.client.post(url, data=params, headers=headers, name=name, timeout=30,
                              catch_response=True) as response:
            if response.status_code not in (200, 204):
                response.failure(f"status {response.status_code}")
            elif name == "voice turn" and "<Say" not in response.text:
                response.failure("no spoken answer")
            elif name == "voice turn" and "/voice/keypad" in response.text:
                # The assistant was not asked (busy or down): served, but not by the assistant.
                response.failure("went to the keypad")
            return response.status_code, response.text

    @task
    def step(self) -> None:
        self.tick()
        try:
            self._step()
        except CallFailed:
            self.call = None  # counted as a failure by _post; the line rings again next tick

    def _step(self) -> None:
        if self.call is None or self.call.ended or self.turn >= len(CALL_TURNS):
            if self.call is not None and not self.call.ended:
                self.call.hang_up()
            self.call = SimulatedCall(self._post, self.host, DEVELOPMENT_TWILIO_TOKEN)
            self.turn = 0
            self.call.start()
            return
        if self.call.waiting is None or self.call.waiting.kind != "gather":
            self.turn = len(CALL_TURNS)  # routed (queue, transfer): the next tick hangs up
            return
        self.call.say(CALL_TURNS[self.turn])
        self.turn += 1
        if self.call.waiting is not None and "/voice/keypad" in self.call.waiting.action:
            self.turn = len(CALL_TURNS)  # on the keypad now: not an assistant call any more


class Chatter(Paced):
    """One webchat customer on their own address: a message every `think` seconds."""

    abstract = True
    session_id: str | None = None
    turn = 0

    def on_start(self) -> None:
        address = next(_addresses)
        source = f"127.0.{(address // 250) % 250}.{address % 250 + 2}"
        adapter = HTTPAdapter()
        adapter.init_poolmanager(10, 10, source_address=(source, 0))
        self.client.mount("http://", adapter)
        super().on_start()

    @task
    def step(self) -> None:
        self.tick()
        if self.session_id is None or self.turn >= len(CHAT_TURNS):
            with self.client.post("/api/chat/sessions", name="chat session",
                                  catch_response=True) as response:
                if response.status_code != 201:
                    response.failure(f"status {response.status_code}")
                    return
                self.session_id, self.turn = response.json()["session_id"], 0
        with self.client.post(f"/api/chat/sessions/{self.session_id}/messages",
                              json={"text": CHAT_TURNS[self.turn]}, name="chat message",
                              timeout=30, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            elif not (response.json().get("messages") or response.json().get("route")):
                response.failure("no answer")
        self.turn += 1


def process_kind(process: psutil.Process) -> str:
    """Which part of the centre `process` is: actions, rasa, app:<pool>, front, worker, other."""
    line = " ".join(process.cmdline())
    pool = process.environ().get("GUNICORN_POOL", "") if "gunicorn" in line else ""
    return ("actions" if "run actions" in line else "rasa" if "rasa" in line
            else f"app:{pool or 'web'}" if "gunicorn" in line
            else "front" if "-m live" in line else "worker" if "app.worker" in line
            else "other")


def cpu_by_process(root: psutil.Process) -> dict[str, float]:
    """CPU seconds used so far by each kind of process under `root`."""
    totals: dict[str, float] = {}
    for process in root.children(recursive=True):
        try:
            kind, times = process_kind(process), process.cpu_times()
        except psutil.Error:
            continue
        totals[kind] = totals.get(kind, 0.0) + times.user + times.system
    return totals


def run_step(base: str, kind: str, users: int, think: float, seconds: float,
             root: psutil.Process) -> dict:
    """N users of `kind` for RAMP_SECONDS + `seconds`; figures over the measured part only."""
    user_class = type(f"{kind.title()}Load", (Caller if kind == "voice" else Chatter,),
                      {"abstract": False, "host": base, "think": think})
    env = Environment(user_classes=[user_class], host=base)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(1.0, users / RAMP_SECONDS))
    gevent.sleep(RAMP_SECONDS + think)
    env.stats.reset_all()
    cpu_before, started = cpu_by_process(root), time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    cpu_after = cpu_by_process(root)
    name = "voice turn" if kind == "voice" else "chat message"
    entry = env.stats.get(name, "POST")
    total = env.stats.total
    figures = {
        "kind": kind, "users": users, "multiple": round(users / PEAK_CALLS, 2),
        "turns_per_second": round(entry.num_requests / elapsed, 2),
        "requests_per_second": round(total.num_requests / elapsed, 2),
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "turns": entry.num_requests, "errors": total.num_failures,
        "error_kinds": {f"{e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()},
        "cores": {k: round((cpu_after.get(k, 0) - cpu_before.get(k, 0)) / elapsed, 3)
                  for k in cpu_after},
        # Process CPU time per assistant turn: robust to the machine being shared.
        "cpu_ms_per_turn": {k: round((cpu_after.get(k, 0) - cpu_before.get(k, 0)) * 1000
                                     / max(1, entry.num_requests), 1) for k in cpu_after},
        # The machine is shared: what else was running shows in its load average.
        "load_average": round(os.getloadavg()[0], 1),
    }
    runner.quit()
    gevent.sleep(1)
    return figures


def start_system(redis_url: str, database_url: str, logs: Path) -> tuple[subprocess.Popen, str]:
    """`scripts/run.py` with the assistant on free ports; (process, base URL) once ready."""
    venv, model = assistant_environment()
    port, rasa_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(port), "REDIS_URL": redis_url, "DATABASE_URL": database_url,
           "RASA_URL": f"http://127.0.0.1:{rasa_port}", "LOG_LEVEL": "WARNING",
           "APP_ENV": "development", "TWILIO_AUTH_TOKEN": "", "PUBLIC_BASE_URL": ""}
    with open(logs / "run.log", "ab") as out:
        process = subprocess.Popen([sys.executable, "scripts/run.py", "--rasa-venv", venv,
                                    "--model", model], cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"bench_load: make run's processes exited; see {logs}/run.log")
        try:
            if requests.get(f"{base}/readyz", timeout=2).ok:
                return process, base
        except requests.RequestException:
            pass
        gevent.sleep(1)
    raise SystemExit("bench_load: not ready in 300 s")


def summary(steps: list[dict]) -> dict:
    """The knee, the calls held within the target, and cores per 1x."""
    voice = [s for s in steps if s["kind"] == "voice"]
    base = next((s for s in voice if s["users"] == PEAK_CALLS), voice[0] if voice else None)
    knee = next((s["users"] for s in voice if base and s["p95_ms"] > 2 * base["p95_ms"]), None)
    held = max((s["users"] for s in voice if s["p95_ms"] <= TARGET_P95_MS and not s["errors"]),
               default=0)
    per_peak = {}
    if base and base["turns_per_second"]:
        # Cores per 1x: CPU seconds per assistant turn at the 1x step, times 7 turns a second.
        scale = PEAK_TURNS_PER_SECOND / base["turns_per_second"]
        per_peak = {k: round(v * scale, 3) for k, v in sorted(base["cores"].items())}
    return {"knee_calls": knee, "calls_held_within_p95_300ms": held,
            "cores_per_1x": per_peak, "cores_per_1x_total": round(sum(per_peak.values()), 2)}


def plot(steps: list[dict], path: Path) -> None:
    """p50/p95/p99 against load, voice and chat, with the 300 ms target."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 4.5), dpi=110)
    styles = {"p50_ms": ":", "p95_ms": "-", "p99_ms": "--"}
    for kind, colour in (("voice", "tab:blue"), ("chat", "tab:orange")):
        rows = [s for s in steps if s["kind"] == kind]
        if not rows:
            continue
        for figure_name, style in styles.items():
            axis.plot([s["users"] for s in rows], [s[figure_name] for s in rows], style,
                      marker="o", color=colour, label=f"{kind} {figure_name[:3]}")
    axis.axhline(TARGET_P95_MS, color="grey", linewidth=0.8)
    axis.text(1, TARGET_P95_MS * 1.05, "p95 target 300 ms", color="grey", fontsize=8)
    axis.set_yscale("log")
    axis.set_xlabel(f"concurrent calls or chats, a turn every 5 s each ({PEAK_CALLS} = 1x peak)")
    axis.set_ylabel("assistant turn latency (ms)")
    axis.set_title("Open-loop load on one 2-core machine (make run, load generator alongside)")
    axis.legend(fontsize=7, ncol=2)
    axis.grid(True, which="both", alpha=0.3)
    figure.subplots_adjust(left=0.1, right=0.97, top=0.9, bottom=0.12)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)


def print_table(steps: list[dict], result: dict) -> None:
    print(f"\n{'kind':<6}{'users':>6}{'x peak':>8}{'turns/s':>9}{'p50':>8}{'p95':>8}{'p99':>8}"
          f"{'errors':>8}{'load':>6}  cores, CPU ms a turn (rasa / actions / app / front)")
    for s in steps:
        c, ms = s["cores"], s.get("cpu_ms_per_turn", {})
        app = c.get("app:web", 0) + c.get("app:voice", 0)
        app_ms = ms.get("app:web", 0) + ms.get("app:voice", 0)
        print(f"{s['kind']:<6}{s['users']:>6}{s['multiple']:>8}{s['turns_per_second']:>9}"
              f"{s['p50_ms']:>8.0f}{s['p95_ms']:>8.0f}{s['p99_ms']:>8.0f}{s['errors']:>8}"
              f"{s['load_average']:>6}  "
              f"{c.get('rasa', 0):.2f} / {c.get('actions', 0):.2f} / {app:.2f} / "
              f"{c.get('front', 0):.2f}, {ms.get('rasa', 0):.1f} / {ms.get('actions', 0):.1f} / "
              f"{app_ms:.1f} / {ms.get('front', 0):.1f}")
    print(f"\nknee: {result['knee_calls']} calls; held within p95 300 ms: "
          f"{result['calls_held_within_p95_300ms']} calls; cores per 1x: "
          f"{result['cores_per_1x_total']} {result['cores_per_1x']}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench_load.py")
    parser.add_argument("--calls", default="40,200,300,400,500,600")
    parser.add_argument("--chats", default="40,200,400")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--plot", type=Path, default=REPO / "docs" / "load.png")
    args = parser.parse_args()
    parse = lambda text: [int(n) for n in text.split(",") if n and int(n) > 0]  # noqa: E731
    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    redis_server = RedisServer(work)
    redis_server.start()
    steps: list[dict] = []
    try:
        with fresh_postgres_database() as database:
            process, base = start_system(f"{redis_server.url}/0", database, work)
            root = psutil.Process(process.pid)
            try:
                for kind, sizes in (("voice", parse(args.calls)), ("chat", parse(args.chats))):
                    for users in sizes:
                        steps.append(run_step(base, kind, users, args.think, args.seconds, root))
                        print(json.dumps(steps[-1]), flush=True)
            finally:
                os.killpg(process.pid, 15)
                process.wait(timeout=60)
    finally:
        redis_server.stop()
    result = {"steps": steps, **summary(steps), "machine": {"cpus": os.cpu_count()},
              "think_seconds": args.think, "measured_seconds": args.seconds,
              "run": uuid.uuid4().hex[:8]}
    out = REPO / "var" / "bench" / "load.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    plot(steps, args.plot)
    print_table(steps, result)
    print(f"written {out} and {args.plot}")
    return 0 if not math.isnan(steps[0]["p95_ms"] if steps else 0) else 1


if __name__ == "__main__":
    sys.exit(main())
