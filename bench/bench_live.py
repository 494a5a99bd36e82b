"""Busy webchat against the phone line: `python bench/bench_live.py [--chats 2000] [--calls 20]`.

Starts the app as `make run` does (scripts/run.py's start_app: the events front on one port, the
web and voice gunicorn pools behind it; the assistant off, so the figures are the app's own), on
PostgreSQL when it answers (else SQLite) and the Redis at BENCH_REDIS_URL. In one run it measures:
0. before: the app as main served it (one gthread pool, 2 × 32 threads, streams in threads):
   how many of 100 open webchats get their stream, and how long /healthz takes meanwhile;
1. ≥ 2,000 open webchats, each sent a new line: how many arrive within 1 s; memory per chat;
2. /voice/* p95 at 20 concurrent keypad calls (a) alone, (b) with the chats open, (c) with 50
   of them also sending a message every second; targets (b)/(a) and (c)/(a) <= 1.3. (a) is
   measured before the chats open and after they close, (b) and (c) alternate in between, and
   each is pooled, so drift on this shared machine falls on both sides of the ratios.
Prints a table and writes var/bench/live.json. Loopback only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_voice import Timed, percentile  # noqa: E402
from config.settings import DEVELOPMENT_TWILIO_TOKEN, load_settings  # noqa: E402
from ivr.voice.simulated_call import SimulatedCall  # noqa: E402
from scripts.run import start_app  # noqa: E402
from scripts.supervisor import Supervisor  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def raise_open_files() -> int:
    """Lift the soft limit on open files to the hard one (each open chat is two sockets here)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


@contextmanager
def database():
    """A fresh migrated PostgreSQL database if one answers, else a SQLite file."""
    try:
        from tests.support.databases import fresh_postgres_database

        with fresh_postgres_database() as url:
            yield url
            return
    except Exception as error:  # noqa: BLE001 - no PostgreSQL here: SQLite instead
        print(f"(PostgreSQL unavailable: {type(error).__name__}; using SQLite)", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.sqlite3"
        subprocess.run([sys.executable, "-m", "models", "migrate"], cwd=REPO, check=True,
                       env={**os.environ, "DATABASE_URL": url}, capture_output=True)
        yield url


def wait_up(url: str, seconds: float = 60) -> None:
    """Until `url` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise SystemExit(f"bench_live: {url} did not answer")


def base_env(port: int, database_url: str) -> dict[str, str]:
    """The environment make run would give the app, assistant off, streams long enough."""
    return {**os.environ, "PYTHONPATH": str(REPO), "PORT": str(port), "REDIS_URL": REDIS_URL,
            "DATABASE_URL": database_url, "RASA_ENABLED": "false", "LOG_LEVEL": "WARNING",
            "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}", "TWILIO_AUTH_TOKEN": "",
            "APP_ENV": "development", "LIVE_STREAM_SECONDS": "900"}


@contextmanager
def stack(database_url: str, var: Path):
    """The front and both pools under the launcher; yields (base URL, supervisor)."""
    (var / "log").mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = base_env(port, database_url)
    supervisor = Supervisor(var)
    try:
        start_app(supervisor, env, load_settings(port=port))
        wait_up(f"http://127.0.0.1:{port}/readyz")
        yield f"http://127.0.0.1:{port}", supervisor
    finally:
        supervisor.stop()


def before(database_url: str, chats: int = 100) -> dict:
    """main's layout: one gthread pool serving streams in threads; 100 chats and /healthz."""
    port = _free_port()
    env = {**base_env(port, database_url), "WEB_WORKERS": "2", "WEB_THREADS": "32"}
    env.pop("GUNICORN_POOL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py",
                               "--access-logfile", "/dev/null"], cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    streams: list[socket.socket] = []
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz")
        sessions = []
        for index in range(chats):  # every chat first: a stream would hold up the next POST
            address = f"127.0.1.{index % 250 + 1}"
            body = _raw(address, port, "POST /api/chat/sessions", close=True)
            sessions.append((address, json.loads(body.split(b"\r\n\r\n", 1)[1])["session_id"]))
        for address, session_id in sessions:
            stream = socket.create_connection(("127.0.0.1", port), source_address=(address, 0))
            stream.sendall(f"GET /api/chat/sessions/{session_id}/events HTTP/1.1\r\n"
                           f"Host: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode())
            streams.append(stream)
        time.sleep(3)
        served = 0
        for stream in streams:
            stream.settimeout(0.05)
            try:
                served += bool(stream.recv(4096))
            except OSError:
                pass
        healthz = 0.0
        for _ in range(5):  # the slowest of five: each lands on whichever worker accepts it
            started = time.perf_counter()
            try:
                requests.get(f"http://127.0.0.1:{port}/healthz", timeout=60)
            except requests.RequestException:
                healthz = None  # not answered within a minute
                break
            healthz = max(healthz, time.perf_counter() - started)
        return {"chats": chats, "streams_served": served, "healthz_seconds": round(healthz, 2)}
    finally:
        for stream in streams:
            stream.close()
        server.terminate()
        server.wait(timeout=30)


def _raw(address: str, port: int, request_line: str, *, close: bool) -> bytes:
    with socket.create_connection(("127.0.0.1", port), source_address=(address, 0),
                                  timeout=30) as connection:
        connection.sendall(f"{request_line} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n"
                           f"Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


def keypad_call(base: str, timed: Timed) -> None:
    """A customer on the keypad: age, then an adviser from the queue, then the call ends."""
    call = SimulatedCall(timed, base, DEVELOPMENT_TWILIO_TOKEN)
    call.start()
    for digits in ("16", "2"):
        if call.waiting is None or call.waiting.kind != "gather":
            break
        call.press(digits)
    if call.waiting and call.waiting.kind == "queue":
        call.wait_in_queue()
        call.adviser_answers_queue()
    call.hang_up()


def phone(base: str, calls: int, seconds: float, pool_: list[float]) -> dict:
    """`calls` concurrent keypad calls, one after another on each line, for `seconds`.

    Every webhook's latency is also added to `pool_`.
    """
    timed, deadline = Timed(), time.monotonic() + seconds
    completed = [0]
    lock = threading.Lock()

    def line(_: int) -> None:
        for _ in range(1000):  # bounded; time ends it long before
            if time.monotonic() >= deadline:
                return
            keypad_call(base, timed)
            with lock:
                completed[0] += 1

    with ThreadPoolExecutor(max_workers=calls) as pool:
        list(pool.map(line, range(calls)))
    values = [v for vs in timed.samples.values() for v in vs]
    pool_.extend(values)
    return {"calls": completed[0], "webhooks": len(values), "p50": round(percentile(values, 50), 1),
            "p95": round(percentile(values, 95), 1), "max": round(max(values), 1)}


class Clients:
    """bench/live_clients.py in its own process (so its work does not share our GIL)."""

    def __init__(self, base: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(REPO / "bench" / "live_clients.py"), base, REDIS_URL],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)})

    def ask(self, do: str, **args) -> dict:
        """Send one command; its answer."""
        self.process.stdin.write(json.dumps({"do": do, **args}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        """Close every page and wait for the process."""
        try:
            self.process.stdin.write('{"do": "quit"}\n')
            self.process.stdin.flush()
            self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children (gunicorn's workers), KiB."""
    total, pids = 0, [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def measure(args) -> dict:
    """Every phase on one stack, in interleaved rounds: (a) alone, (b) chats open, (c) chatting."""
    result: dict = {"chats": args.chats, "calls": args.calls, "seconds": args.seconds,
                    "rounds": args.rounds, "chatters": args.chatters}
    pooled: dict[str, list[float]] = {"alone": [], "open": [], "chatting": []}
    with ExitStack() as stack_:
        database_url = stack_.enter_context(database())
        if not args.skip_before:
            result["before"] = before(database_url)
            print(f"before: {result['before']}", flush=True)
        var = Path(stack_.enter_context(tempfile.TemporaryDirectory()))
        base, supervisor = stack_.enter_context(stack(database_url, var))
        pids = {name: status["pid"] for name, status in supervisor.status().items()}
        phone(base, 4, 3, [])  # warm both pools
        clients = Clients(base)
        stack_.callback(clients.close)
        result["round"] = []
        # (a) before the chats open and again after they close, brackets (b) and (c), which
        # alternate while the chats stay open: drift on this shared machine falls on both sides.
        result["alone_first"] = phone(base, args.calls, args.seconds, pooled["alone"])
        memory_before = {name: rss_kib(pid) for name, pid in pids.items()}
        result["open"] = clients.ask("open", chats=args.chats)
        time.sleep(2)
        memory_after = {name: rss_kib(pid) for name, pid in pids.items()}
        opened = max(1, result["open"]["streams_served"])
        result["memory_kib"] = {
            "before": memory_before, "after": memory_after,
            "front_per_chat": round((memory_after["front"] - memory_before["front"]) / opened, 1)}
        result["probe"] = clients.ask("probe", seconds=args.probe_seconds)
        print(f"open: {result['open']}; probe: {result['probe']}", flush=True)
        for number in range(args.rounds):
            figures = {"load_average": os.getloadavg()[0]}
            figures["open"] = phone(base, args.calls, args.seconds, pooled["open"])
            clients.ask("chat", chats=args.chatters)
            time.sleep(1)
            figures["chatting"] = phone(base, args.calls, args.seconds, pooled["chatting"])
            figures["chat_api"] = clients.ask("stop_chat")
            figures["probe_after"] = clients.ask("probe", seconds=args.probe_seconds)
            print(f"round {number + 1}: {figures}", flush=True)
            result["round"].append(figures)
        clients.ask("close_streams")
        time.sleep(2)
        result["alone_last"] = phone(base, args.calls, args.seconds, pooled["alone"])
        print(f"alone again: {result['alone_last']}", flush=True)
    for name, values in pooled.items():
        result[f"voice_{name}"] = {"webhooks": len(values),
                                   "p50": round(percentile(values, 50), 1),
                                   "p95": round(percentile(values, 95), 1),
                                   "max": round(max(values), 1)}
    alone = result["voice_alone"]["p95"]
    result["ratio_open"] = round(result["voice_open"]["p95"] / alone, 2)
    result["ratio_chatting"] = round(result["voice_chatting"]["p95"] / alone, 2)
    return result


def print_table(r: dict) -> None:
    """The figures against their targets."""
    def met(ok: bool) -> str:
        return "met" if ok else "missed"

    probe, chat = r["probe"], [f["chat_api"] for f in r["round"]]
    rows = []
    if "before" in r:
        b = r["before"]
        rows.append(("before: one gthread pool (2 x 32 threads)",
                     f"{b['streams_served']} of {b['chats']} chats got their stream; /healthz "
                     f"meanwhile {b['healthz_seconds']} s"))
    rows += [
        ("open webchats served", f"{r['open']['streams_served']} of {r['chats']} "
         f"({met(r['open']['streams_served'] >= 2000)}: target >= 2,000)"),
        ("a new line within 1 s", f"{probe['within_1s']} of {probe['lines']}; p50 "
         f"{probe['latency_ms']['p50']} ms, p95 {probe['latency_ms']['p95']} ms, max "
         f"{probe['latency_ms']['max']} ms"),
        ("memory per open chat (events front)", f"{r['memory_kib']['front_per_chat']} KiB"),
        (f"(a) /voice/* p95, {r['calls']} calls alone", f"{r['voice_alone']['p95']} ms "
         f"(p50 {r['voice_alone']['p50']}, {r['voice_alone']['webhooks']} webhooks; before "
         f"{r['alone_first']['p95']}, after {r['alone_last']['p95']})"),
        ("(b) with the chats open", f"{r['voice_open']['p95']} ms, ratio {r['ratio_open']} "
         f"({met(r['ratio_open'] <= 1.3)}: <= 1.3)"),
        (f"(c) with {r.get('chatters', 50)} chats messaging each second",
         f"{r['voice_chatting']['p95']} ms, ratio {r['ratio_chatting']} "
         f"({met(r['ratio_chatting'] <= 1.3)}: <= 1.3)"),
        ("load average during (b)/(c) rounds", ", ".join(
            f"{f['load_average']:.1f}" for f in r["round"])),
        ("chat API during (c), per round", "; ".join(
            f"p95 {c['latency_ms']['p95']} ms, {c['messages']} msgs, {c['errors']} errors"
            for c in chat)),
    ]
    for name, value in rows:
        print(f"{name:44} {value}")


def main() -> int:
    """Run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=2000)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--chatters", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phone run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating rounds of (b) and (c), pooled")
    parser.add_argument("--probe-seconds", type=float, default=10.0,
                        help="one new line per chat, written evenly over this many seconds")
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    raise_open_files()
    result = measure(args)
    print_table(result)
    out = REPO / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "live.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
