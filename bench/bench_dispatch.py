"""Benchmark the dispatcher: pairings per second in Redis, against a bare Lua round trip.

Run: `.venv/bin/python bench/bench_dispatch.py [--advisers N] [--contacts N]`. Uses BENCH_REDIS_URL
(flushed); prints a table and writes var/bench/bench_dispatch.json. One pairing is one Lua script
that reads every adviser signed in and the heads of every queue (routing/dispatcher.py); the
baseline is EVALSHA of a script that returns at once, measured in the same run, so the figure
reads as a ratio. Also measured: the same with 8 threads pairing at once (several app processes),
where every contact must still be given exactly once.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import redis  # noqa: E402

from routing.directory import QUEUE_IDS  # noqa: E402
from routing.dispatcher import Dispatcher  # noqa: E402
from routing.presence import Presence  # noqa: E402

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
OUT = REPO / "var" / "bench" / "bench_dispatch.json"


def setup(client: redis.Redis, advisers: int, contacts: int) -> Dispatcher:
    """`advisers` Available advisers (cap 100 chats each) and `contacts` chats waiting."""
    client.flushdb()
    presence = Presence(client, heartbeat_timeout=3600)
    for user_id in range(1, advisers + 1):
        presence.sign_on(user_id, queues=QUEUE_IDS, chat_cap=100, endpoint=None)
        presence.set_mode(user_id, "available")
    dispatcher = Dispatcher(client, queue_ids=QUEUE_IDS, heartbeat_timeout=3600)
    with client.pipeline(transaction=False) as pipe:
        for n in range(contacts):
            pipe.hset(f"ct:chat:bench-{n}", "state", "queued")
            pipe.zadd(f"ct:queue:{QUEUE_IDS[n % len(QUEUE_IDS)]}", {f"bench-{n}": float(n)})
        pipe.execute()
    return dispatcher


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--advisers", type=int, default=50)
    parser.add_argument("--contacts", type=int, default=3000)
    args = parser.parse_args()
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    noop = client.register_script("return 1")
    noop()
    began = time.perf_counter()
    for _ in range(args.contacts):
        noop()
    baseline = args.contacts / (time.perf_counter() - began)

    dispatcher = setup(client, args.advisers, args.contacts)
    began = time.perf_counter()
    made = sum(1 for _ in iter(dispatcher.assign_next, None))
    serial = made / (time.perf_counter() - began)

    dispatcher = setup(client, args.advisers, args.contacts)
    taken: list[str] = []
    began = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        for batch in pool.map(lambda _: [a.member for a in dispatcher.assign_all(10**6)],
                              range(8)):
            taken += batch
    parallel = len(taken) / (time.perf_counter() - began)
    once = len(taken) == len(set(taken)) == args.contacts
    client.flushdb()

    rows = [("pairing, one caller", serial, baseline), ("pairing, 8 threads", parallel, baseline)]
    print(f"{args.advisers} advisers, {args.contacts} chats waiting, {platform.machine()}")
    print(f"{'figure':<24}{'per second':>12}{'bare Lua /s':>14}{'ratio':>8}")
    for name, value, base in rows:
        print(f"{name:<24}{value:>12,.0f}{base:>14,.0f}{value / base:>8.2f}")
    print(f"every contact given exactly once with 8 threads: {once}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"advisers": args.advisers, "contacts": args.contacts,
                               "serial_per_second": serial, "parallel_per_second": parallel,
                               "baseline_per_second": baseline, "exactly_once": once}, indent=2))
    return 0 if once and made == args.contacts else 1


if __name__ == "__main__":
    sys.exit(main())
