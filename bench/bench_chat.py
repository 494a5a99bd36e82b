"""Chat API throughput and latency: `python bench/bench_chat.py [--chats 50] [--seconds 30]`.

Starts the app under gunicorn (the production server) on SQLite and Redis, with the real assistant
(started here unless --rasa-url is given), and in one run measures:
1. the chat API: `--chats` concurrent customers, each running whole conversations (create a chat,
   "I'd like some careers advice about changing jobs", "I'm 34" -> queued, end it), pausing
   `--think` seconds between messages as a person would; messages per second and latency of
   POST /messages (target: p95 <= 300 ms at 50 chats);
2. the baseline: the same customers sending the same utterances straight to Rasa's REST channel.
Each simulated customer comes from its own address (X-Forwarded-For through TRUSTED_PROXIES=1),
as real customers do, so the per-address rate limits do not cut the run short.
Prints a table and writes var/bench/chat.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from models import migrate  # noqa: E402
from tests.support.rasa import free_port, rasa_server  # noqa: E402

UTTERANCES = ("I'd like some careers advice about changing jobs", "I'm 34")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
RASA_REDIS_URL = "redis://127.0.0.1:6379/12"
_addresses = itertools.count(1)
_address_lock = threading.Lock()


def percentile(values: list[float], q: int) -> float:
    """The q-th percentile (inclusive method)."""
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def next_address() -> str:
    """A distinct client address per conversation (10.0.0.0/8)."""
    with _address_lock:
        n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


@contextmanager
def app_server(rasa_url: str, workers: int, threads: int):
    """The app under gunicorn on a fresh SQLite file and the bench Redis database."""
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    database = Path(tempfile.mkdtemp(prefix="bench-chat-")) / "chat.sqlite3"
    migrate.upgrade(f"sqlite:///{database}")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "DATABASE_URL": f"sqlite:///{database}",
           "REDIS_URL": REDIS_URL, "RASA_URL": rasa_url, "RASA_ENABLED": "true",
           "RASA_TIMEOUT_SECONDS": "10", "WEB_WORKERS": str(workers), "WEB_THREADS": str(threads),
           "TRUSTED_PROXIES": "1", "APP_ENV": "development", "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(REPO)}
    gunicorn = Path(sys.executable).parent / "gunicorn"
    child = subprocess.Popen([str(gunicorn), "-c", "config/gunicorn.conf.py", "--access-logfile",
                              "/dev/null"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=30)


def chat_conversation(http: requests.Session, base: str, think: float) -> list[float]:
    """One whole chat through the API; the latency (s) of each message turn."""
    headers = {"X-Forwarded-For": next_address()}
    session_id = http.post(f"{base}/api/chat/sessions", headers=headers, timeout=30).json()[
        "session_id"]
    latencies = []
    for text in UTTERANCES:
        time.sleep(think * random.uniform(0.5, 1.5))  # people do not type in step
        started = time.perf_counter()
        response = http.post(f"{base}/api/chat/sessions/{session_id}/messages", json={"text": text},
                             headers=headers, timeout=30)
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
    http.delete(f"{base}/api/chat/sessions/{session_id}", headers=headers, timeout=30)
    return latencies


def rasa_conversation(http: requests.Session, rasa_url: str, think: float) -> list[float]:
    """The same utterances straight to Rasa's REST channel (the baseline)."""
    sender, latencies = f"bench-{uuid.uuid4().hex}", []
    for text in UTTERANCES:
        time.sleep(think * random.uniform(0.5, 1.5))
        started = time.perf_counter()
        response = http.post(f"{rasa_url}/webhooks/rest/webhook", timeout=30,
                             json={"sender": sender, "message": text,
                                   "metadata": {"channel": "webchat"}})
        latencies.append(time.perf_counter() - started)
        response.raise_for_status()
    return latencies


def load(conversation, target: str, chats: int, seconds: float, think: float) -> dict:
    """Run `chats` customers for `seconds`; return rate and latency figures."""
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def customer() -> None:
        http = requests.Session()
        time.sleep(random.uniform(0, think))  # customers arrive over time, not all at once
        while time.monotonic() < deadline:
            try:
                measured = conversation(http, target, think)
            except (requests.RequestException, ValueError, KeyError) as error:
                status = getattr(getattr(error, "response", None), "status_code", None)
                with lock:
                    name = f"{type(error).__name__} {status or ''}".strip()
                    errors[name] = errors.get(name, 0) + 1
                continue
            with lock:
                latencies.extend(measured)

    started = time.monotonic()
    threads = [threading.Thread(target=customer) for _ in range(chats)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    ms = [1000 * value for value in latencies]
    return {"messages": len(ms), "errors": sum(errors.values()), "error_kinds": errors,
            "seconds": round(elapsed, 1),
            "messages_per_second": round(len(ms) / elapsed, 1),
            "p50_ms": round(percentile(ms, 50), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1)}


def main() -> int:
    """Run both measurements, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--think", type=float, default=1.0, help="pause between messages (s)")
    parser.add_argument("--rasa-url", help="a running assistant (default: start one)")
    parser.add_argument("--rasa-workers", type=int, default=2)  # as make run
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=32)
    args = parser.parse_args()
    with ExitStack() as stack:
        rasa_url = args.rasa_url or stack.enter_context(
            rasa_server(redis_url=RASA_REDIS_URL, workers=args.rasa_workers))
        base = stack.enter_context(app_server(rasa_url, args.web_workers, args.web_threads))
        chat_conversation(requests.Session(), base, 0)  # warm both up
        rows = {
            "bare Rasa REST (baseline)": load(rasa_conversation, rasa_url, args.chats,
                                              args.seconds, args.think),
            "chat API with the assistant": load(chat_conversation, base, args.chats,
                                                args.seconds, args.think),
        }
    report(rows, args)
    return 0


def report(rows: dict, args: argparse.Namespace) -> None:
    """Print the table and write var/bench/chat.json."""
    print(f"\n{args.chats} concurrent chats, {args.think:g} s between messages, "
          f"{args.seconds:g} s each; gunicorn {args.web_workers}x{args.web_threads} gthread; "
          f"Rasa workers {args.rasa_workers}")
    columns = ("msgs", 7), ("msg/s", 8), ("p50 ms", 9), ("p95 ms", 9), ("p99 ms", 9), ("errors", 8)
    print(f"{'target':<30}" + "".join(f"{name:>{width}}" for name, width in columns))
    for name, row in rows.items():
        print(f"{name:<30}{row['messages']:>7}{row['messages_per_second']:>8}{row['p50_ms']:>9}"
              f"{row['p95_ms']:>9}{row['p99_ms']:>9}{row['errors']:>8}")
    chat = rows["chat API with the assistant"]
    for name, row in rows.items():
        if row["error_kinds"]:
            print(f"errors in {name}: {row['error_kinds']}")
    print(f"target p95 <= 300 ms at 50 chats: {'met' if chat['p95_ms'] <= 300 else 'NOT met'}")
    out = REPO / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    payload = {"when": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "machine": platform.platform(),
               "cpus": os.cpu_count(), "arguments": vars(args), "results": rows,
               "utterances": list(UTTERANCES)}
    (out / "chat.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"written {out / 'chat.json'}")


if __name__ == "__main__":
    sys.exit(main())
