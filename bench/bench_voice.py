"""Voice webhook latency: `python bench/bench_voice.py [--calls N] [--rasa-url URL]`.

Starts the app under gunicorn (the production server) on SQLite and Redis, and in one run measures:
1. per-turn latency of /voice/turn with the assistant against a bare Rasa REST call on the same
   model and the same utterances, calls interleaved (target: p50 overhead ratio <= 1.3);
2. /voice/* turn latency at 20 concurrent simulated calls (target: p95 <= 300 ms);
3. endpoints that do not call the assistant (target: p95 <= 20 ms).
Uses the assistant at --rasa-url (default RASA_URL) if one answers there, else starts the real one
with the trained model (tests.support.rasa).
Prints a table and writes var/bench/voice.json.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlparse

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from config.settings import DEVELOPMENT_TWILIO_TOKEN  # noqa: E402
from ivr.simulate import http_transport  # noqa: E402
from ivr.voice.simulated_call import SimulatedCall  # noqa: E402

# One conversation, as a customer says it; each call sends the same turns.
UTTERANCES = ("I want some careers advice", "45", "I'm not sure of my postcode")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method) in milliseconds."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


class Timed:
    """An HTTP transport that records each webhook's latency (ms) by path."""

    def __init__(self) -> None:
        self.post = http_transport()
        self.samples: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def __call__(self, url: str, params: dict[str, str], headers: dict[str, str]):
        started = time.perf_counter()
        result = self.post(url, params, headers)
        elapsed = (time.perf_counter() - started) * 1000
        with self._lock:
            self.samples[urlparse(url).path].append(elapsed)
        return result


def start_app(rasa_url: str, workdir: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the app on a free port; returns (process, base URL) once ready."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PORT": str(port), "PUBLIC_BASE_URL": base, "REDIS_URL": REDIS_URL,
           "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}", "RASA_URL": rasa_url,
           "TWILIO_AUTH_TOKEN": "", "APP_ENV": "development", "LOG_LEVEL": "WARNING",
           "WEB_WORKERS": os.environ.get("WEB_WORKERS", "2")}
    subprocess.run([sys.executable, "-m", "models", "migrate"], cwd=REPO, env=env, check=True,
                   capture_output=True)
    process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                                "--access-logfile", "/dev/null"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return process, base
        except requests.RequestException:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("bench_voice: the app did not start")


def bare_rasa_call(rasa_url: str, samples: list[float]) -> None:
    """The same turns straight to Rasa's REST channel."""
    sender = "bench-" + uuid.uuid4().hex
    with requests.Session() as http:
        for text in UTTERANCES:
            started = time.perf_counter()
            http.post(f"{rasa_url}/webhooks/rest/webhook", timeout=30,
                      json={"sender": sender, "message": text,
                            "metadata": {"channel": "phone", "dialled": "+44800100900"}})
            samples.append((time.perf_counter() - started) * 1000)


def voice_call(base: str, timed: Timed, think: float = 0.0) -> None:
    """The same turns through /voice/turn, then the endpoints that never call the assistant.

    `think` is the time the customer takes to answer each prompt (a real caller speaks for a
    second or more, and Twilio waits speechTimeout after they stop).
    """
    call = SimulatedCall(timed, base, DEVELOPMENT_TWILIO_TOKEN)
    call.start()
    for text in UTTERANCES:
        if call.waiting is None or call.waiting.kind != "gather":
            break
        time.sleep(think)
        call.say(text)
    if call.waiting and call.waiting.kind == "gather":
        call.press("0")  # to an adviser: /voice/turn without the assistant, then the queue
    if call.waiting and call.waiting.kind == "queue":
        call.wait_in_queue()
        call.press("9")
    call.hang_up()


def measure(base: str, rasa_url: str, calls: int, concurrency: int, think: float) -> dict:
    """Run the three measurements; returns their figures."""
    for _ in range(3):  # warm both paths
        voice_call(base, Timed())
        bare_rasa_call(rasa_url, [])
    sequential, bare = Timed(), []
    for _ in range(calls):  # interleaved, so both see the same machine
        voice_call(base, sequential)
        bare_rasa_call(rasa_url, bare)
    concurrent, stress = Timed(), Timed()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda _: voice_call(base, concurrent, think), range(calls * 2)))
    with ThreadPoolExecutor(max_workers=concurrency) as pool:  # no pause at all: a stress figure
        list(pool.map(lambda _: voice_call(base, stress), range(calls * 2)))
    turn = sequential.samples["/voice/turn"][:len(bare)]
    no_assistant = [v for path, values in sequential.samples.items()
                    if path not in ("/voice/turn",) for v in values]
    return {
        "utterances": list(UTTERANCES), "calls": calls, "concurrency": concurrency,
        "bare_rasa_ms": _summary(bare),
        "voice_turn_with_assistant_ms": _summary(turn),
        "p50_overhead_ratio": round(percentile(turn, 50) / percentile(bare, 50), 3),
        "think_seconds": think,
        "concurrent_voice_ms": _summary([v for vs in concurrent.samples.values() for v in vs]),
        "concurrent_turn_ms": _summary(concurrent.samples["/voice/turn"]),
        "stress_voice_ms": _summary([v for vs in stress.samples.values() for v in vs]),
        "stress_turn_ms": _summary(stress.samples["/voice/turn"]),
        "without_assistant_ms": _summary(no_assistant),
        "without_assistant_by_path_ms": {p: _summary(v) for p, v in sequential.samples.items()
                                         if p != "/voice/turn"},
    }


def _summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": round(percentile(values, 50), 2),
            "p95": round(percentile(values, 95), 2), "max": round(max(values), 2)}


def print_table(result: dict) -> None:
    """The figures against their targets."""
    rows = [
        ("bare Rasa REST turn", result["bare_rasa_ms"], ""),
        ("/voice/turn with the assistant", result["voice_turn_with_assistant_ms"],
         f"p50 ratio {result['p50_overhead_ratio']} (target <= 1.3)"),
        (f"/voice/* at {result['concurrency']} concurrent calls", result["concurrent_voice_ms"],
         f"{result['think_seconds']} s to answer; target p95 <= 300 ms"),
        ("  of which /voice/turn", result["concurrent_turn_ms"], ""),
        (f"/voice/* at {result['concurrency']} calls, no pauses", result["stress_voice_ms"],
         "stress: every call sends its next turn at once"),
        ("/voice/* without the assistant", result["without_assistant_ms"], "target p95 <= 20 ms"),
    ]
    print(f"{'measurement':42} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}  note")
    for name, s, note in rows:
        print(f"{name:42} {s['n']:>5} {s['p50']:>8} {s['p95']:>8} {s['max']:>8}  {note}")
    for path, s in sorted(result["without_assistant_by_path_ms"].items()):
        print(f"  {path:40} {s['n']:>5} {s['p50']:>8} {s['p95']:>8} {s['max']:>8}")


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rasa-url", default=os.environ.get("RASA_URL", "http://127.0.0.1:5005"))
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--think", type=float, default=2.0,
                        help="seconds a customer takes to answer, in the concurrent run")
    args = parser.parse_args()
    with ExitStack() as stack:
        rasa_url = args.rasa_url
        try:
            requests.get(f"{rasa_url}/status", timeout=2,
                         params={"token": os.environ.get("RASA_AUTH_TOKEN", "")}
                         ).raise_for_status()
        except requests.RequestException:
            from tests.support.rasa import rasa_server

            print(f"no assistant at {rasa_url}: starting one", file=sys.stderr)
            # Two Rasa processes, as `make run` serves it.
            rasa_url = stack.enter_context(rasa_server(workers=2))
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        process, base = start_app(rasa_url, workdir)
        try:
            result = measure(base, rasa_url, args.calls, args.concurrency, args.think)
        finally:
            process.terminate()
            process.wait(timeout=30)
    result["machine"] = {"cpus": os.cpu_count(), "web_workers": os.environ.get("WEB_WORKERS", "2")}
    print_table(result)
    out = REPO / "var" / "bench" / "voice.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
