"""Benchmark the assistant: training time, model size, and per-turn latency over the REST channel.

    python bench/bench_assistant.py                 # start an assistant, measure, stop it
    RASA_URL=http://127.0.0.1:5005 python bench/bench_assistant.py --skip-train

Latency is measured per customer turn (one POST to /webhooks/rest/webhook, including every
custom action it runs), with 1 and with 10 conversations at once. Each conversation sends its next
turn as soon as it has the reply (no thinking time), so "10 conversations" means 10 turns always in
flight: far harder than 10 real callers, who speak every few seconds. Results are printed as a
table and written to var/bench/assistant.json. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from tests.support.rasa import assistant_environment, rasa_server, send  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/15"  # the benchmark's own conversations
OUTPUT = REPO / "var" / "bench" / "assistant.json"
# Whole conversations as customers have them: the acceptance paths, a digression, a correction.
CONVERSATIONS = [
    ("phone", ["I've been made redundant and want help working out what to do next",
               "I'm forty five", "em one one ay ee"]),
    ("webchat", ["hi, I'm 17 and want to know about apprenticeships"]),
    ("phone", ["i need some advice", "why do you need my age", "i'm 27", "m1 1ae", "thanks bye"]),
    ("webchat", ["i want to know about funding for a course", "i'm 17", "sorry I meant 19",
                 "yes please", "ls2 9jt"]),
]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` fall (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_load(url: str, concurrency: int, turns: int, think: float = 0.0) -> dict:
    """Run `concurrency` conversations at once until `turns` turns are done; latency figures.

    `think` seconds pass between a reply and the customer's next turn.
    """
    latencies: list[float] = []
    lock = threading.Lock()
    failures = [0]

    def worker(index: int) -> None:
        conversation = index
        while True:
            channel, texts = CONVERSATIONS[conversation % len(CONVERSATIONS)]
            sender = f"bench-{uuid.uuid4().hex}"
            for text in texts:
                with lock:
                    if len(latencies) + failures[0] >= turns:
                        return
                started = time.perf_counter()
                try:
                    ok = bool(send(url, sender, text, {"channel": channel}, timeout=30))
                except OSError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        failures[0] += 1
                time.sleep(think)
            conversation += concurrency

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return {"concurrency": concurrency, "think_ms": round(think * 1000),
            "turns": len(latencies), "failures": failures[0],
            "p50_ms": round(statistics.median(latencies), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1), "max_ms": round(max(latencies), 1),
            "turns_per_second": round(len(latencies) / seconds, 1)}


def measure_training(venv: str) -> float:
    """Seconds for a clean `rasa train` (no cached training steps) into a scratch directory."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false",
               "RASA_CACHE_DIRECTORY": str(Path(scratch) / "cache")}
        started = time.perf_counter()
        subprocess.run([f"{venv}/bin/rasa", "train", "--quiet", "--out", scratch,
                        "--fixed-model-name", "bench"], cwd=REPO / "bot", env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return round(time.perf_counter() - started, 1)


def main() -> int:
    """Measure, print a table, write the JSON; exit 2 on bad arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=300, help="turns measured per level")
    parser.add_argument("--skip-train", action="store_true", help="do not time a clean training")
    parser.add_argument("--think-ms", type=int, default=0,
                        help="also measure 10 conversations with this pause between turns")
    parser.add_argument("--workers", type=int, default=2,
                        help="Rasa server processes (SANIC_WORKERS); make run serves 2")
    args = parser.parse_args()
    if args.turns < 20 or args.workers < 1:
        print("error: --turns must be at least 20 and --workers at least 1", file=sys.stderr)
        return 2
    venv, model = assistant_environment()
    results = {"model_bytes": Path(model).stat().st_size, "workers": args.workers,
               "cpus": os.cpu_count()}
    if not args.skip_train:
        results["training_seconds"] = measure_training(venv)
    url = os.environ.get("RASA_URL")
    if url:
        results["latency"] = measure(url, args.turns, args.think_ms / 1000)
    else:
        with rasa_server(redis_url=REDIS_URL, workers=args.workers) as started:
            results["latency"] = measure(started, args.turns, args.think_ms / 1000)
    report(results)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {OUTPUT.relative_to(REPO)}")
    return 0


def measure(url: str, turns: int, think: float) -> list[dict]:
    """Warm up, then measure at 1 and 10 concurrent conversations (and 10 at a human pace)."""
    run_load(url, 2, 30)
    rows = [run_load(url, concurrency, turns) for concurrency in (1, 10)]
    return rows + ([run_load(url, 10, turns, think)] if think else [])


def report(results: dict) -> None:
    """Print the figures as a table."""
    if "training_seconds" in results:
        print(f"training (clean, {results['cpus']} CPUs): {results['training_seconds']} s")
    print(f"model size: {results['model_bytes'] / 1024:.0f} KiB; "
          f"Rasa processes: {results['workers']}")
    columns = ("concurrency", "think_ms", "turns", "p50_ms", "p95_ms", "max_ms",
               "turns_per_second", "failures")
    titles = ("conversations", "pause ms", "turns", "p50 ms", "p95 ms", "max ms", "turns/s",
              "failed")
    print(" ".join(f"{title:>9}" for title in titles))
    for row in results["latency"]:
        print(" ".join(f"{row[column]:>9}" for column in columns))


if __name__ == "__main__":
    sys.exit(main())
