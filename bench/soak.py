"""Soak: `make bench-soak` — 30 minutes at 2x national peak on `make run`'s processes.

`python bench/soak.py [--minutes 30] [--calls 80] [--chats 20]`

Not part of `make test` or `make bench` (it takes half an hour). The calls are those of
bench_load.py, carried on to the end: a warm transfer nobody answers becomes a callback, for which
the customer keys in a number. Passes (exit 0) when there were no errors, no process's resident
memory grew by 10% or more between the end of the warm-up and the end, every call's timeline runs
from `started` to `ended`, and every call told "we will call you back" has its callback stored.
Writes var/bench/soak.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import bench_load  # noqa: E402  (imports locust first, which patches for gevent)
import gevent  # noqa: E402
import psutil  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from locust.env import Environment  # noqa: E402

from models.callbacks import Callback  # noqa: E402
from models.contacts import Contact, ContactEvent  # noqa: E402
from models.db import make_engine  # noqa: E402
from tests.support.cluster import RedisServer  # noqa: E402
from tests.support.databases import fresh_postgres_database  # noqa: E402

CALLBACK_NUMBER = "01134960456"  # Ofcom drama range
WARM_UP_SECONDS = 60
calls: list = []
promised: set[str] = set()


class SoakCaller(bench_load.Caller):
    """A caller who sees the call through: a callback when the transfer is not answered."""

    abstract = True

    def step(self) -> None:  # noqa: D102 - the task of bench_load.Caller, carried further
        self.tick()
        try:
            self._soak_step()
        except bench_load.CallFailed:
            self.call = None

    def _soak_step(self) -> None:
        call = self.call
        waiting = call.waiting.kind if call is not None and call.waiting else None
        if call is not None and self.turn >= len(bench_load.CALL_TURNS) and not call.ended:
            heard = " ".join(call.heard[-3:])
            if waiting == "dial":
                self._note(call.adviser_does_not_answer())
                return
            if waiting == "gather" and "Press 1 to use this number" in heard:
                self._note(call.press("1"))  # the number the call came from
                return
            if waiting == "gather" and "phone number" in heard:
                self._note(call.press(CALLBACK_NUMBER))
                return
        self._step()
        if self.call is not call and self.call is not None:
            calls.append(self.call)

    def _note(self, heard: list[str]) -> None:
        if any("will call you back" in line for line in heard):
            promised.add(self.call.call_sid)


# Only this step (locust would otherwise also pick the base class's task at random).
SoakCaller.tasks = [SoakCaller.step]


def resident_memory(root: psutil.Process) -> dict[str, int]:
    """Resident bytes by process kind (the same kinds as bench_load's CPU figures)."""
    totals: dict[str, int] = {}
    for process in root.children(recursive=True):
        try:
            kind, rss = bench_load.process_kind(process), process.memory_info().rss
        except psutil.Error:
            continue
        totals[kind] = totals.get(kind, 0) + rss
    return totals


def check_records(database: str) -> dict:
    """Calls whose timeline is incomplete, and promised callbacks that are missing."""
    engine = make_engine(database)
    keys = [call.call_sid for call in calls]
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(Contact.key, ContactEvent.kind)
            .join(ContactEvent, ContactEvent.contact_id == Contact.id)
            .where(Contact.key.in_(keys))).all()
        stored = {row[0] for row in connection.execute(
            sa.select(Callback.contact_key).where(Callback.contact_key.in_(list(promised))))}
    engine.dispose()
    kinds: dict[str, set[str]] = {}
    for key, kind in rows:
        kinds.setdefault(key, set()).add(kind)
    incomplete = [k for k in keys if not {"started", "ended"} <= kinds.get(k, set())]
    return {"calls": len(keys), "incomplete_timelines": len(incomplete),
            "callbacks_promised": len(promised), "callbacks_missing": len(promised - stored)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="soak.py")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--calls", type=int, default=2 * bench_load.PEAK_CALLS)
    parser.add_argument("--chats", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    redis_server = RedisServer(work)
    redis_server.start()
    try:
        with fresh_postgres_database() as database:
            process, base = bench_load.start_system(f"{redis_server.url}/0", database, work)
            try:
                result = soak(base, psutil.Process(process.pid), args, database)
            finally:
                os.killpg(process.pid, 15)
                process.wait(timeout=60)
    finally:
        redis_server.stop()
    out = bench_load.REPO / "var" / "bench" / "soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0 if result["passed"] else 1


def soak(base: str, root: psutil.Process, args, database: str) -> dict:
    voice = type("SoakVoice", (SoakCaller,), {"abstract": False, "host": base,
                                              "fixed_count": args.calls})
    chat = type("SoakChat", (bench_load.Chatter,), {"abstract": False, "host": base,
                                                    "fixed_count": args.chats})
    env = Environment(user_classes=[voice, chat], host=base)
    runner = env.create_local_runner()
    runner.start(args.calls + args.chats, spawn_rate=10)
    gevent.sleep(WARM_UP_SECONDS)
    env.stats.reset_all()
    before, started = resident_memory(root), time.monotonic()
    deadline = started + args.minutes * 60
    while time.monotonic() < deadline:
        gevent.sleep(10)
    after = resident_memory(root)
    runner.quit()
    for call in calls:  # the calls in progress at the end hang up, as their customers would
        if not call.ended:
            try:
                call.hang_up()
            except Exception:  # noqa: BLE001 - counted as incomplete below
                pass
    gevent.sleep(3)
    growth = {k: round((after.get(k, 0) - v) / v, 4) for k, v in before.items() if v}
    records = check_records(database)
    turn = env.stats.get("voice turn", "POST")
    result = {
        "minutes": args.minutes, "calls_at_once": args.calls, "chats_at_once": args.chats,
        "requests": env.stats.total.num_requests, "errors": env.stats.total.num_failures,
        "voice_turn_p50_ms": turn.get_response_time_percentile(0.5),
        "voice_turn_p95_ms": turn.get_response_time_percentile(0.95),
        "memory_growth": growth, "resident_mib_end": {k: round(v / 2**20, 1)
                                                      for k, v in after.items()},
        **records,
    }
    result["passed"] = (result["errors"] == 0 and all(g < 0.10 for g in growth.values())
                        and records["incomplete_timelines"] == 0
                        and records["callbacks_missing"] == 0)
    return result


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # locust's greenlets would otherwise keep the process alive
