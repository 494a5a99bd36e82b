"""Benchmark the supervisor figures: a month's report over a year of rolled-up counters, and
counting events as they happen.

Run: python bench/bench_figures.py [--calls 1000000] [--count 5000] [--out FILE | -]
A year (2026) of synthetic contacts (1 million by default, the volume 000:L105 plans for) is
counted into per-hour counters with the field names and buckets routing.figures uses, written to
Redis a day at a time and rolled up by the worker's own `rollup` into PostgreSQL. Then:
  the June report (every section) and one day's report, against the bare SQL SUM … GROUP BY
  (measure, dimensions) of the same month's rows that the report asks of the database (its floor);
  counting one queued call (enqueued + answered, two Lua calls) against two bare HINCRBY round
  trips to the same Redis.
Target: a month's report in under 5 s on PostgreSQL. PostgreSQL is BENCH_POSTGRES_ADMIN_URL's
server (default local, trust auth; a database of its own, dropped afterwards); Redis is
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, emptied of the benchmark's keys).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
import redis  # noqa: E402
from sqlalchemy import text  # noqa: E402

from models import keys, migrate  # noqa: E402
from models.contacts import NewEvent  # noqa: E402
from models.db import make_engine  # noqa: E402
from routing.figure_definitions import load_definitions  # noqa: E402
from routing.figures import Figures, field_name  # noqa: E402
from routing.reports import Period, report  # noqa: E402
from routing.rollup import hour_rows, upsert  # noqa: E402

TARGET_SECONDS = 5.0
ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL",
                           "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
DEFS = load_definitions()
QUEUES = {"young_people": 3, "adult_information": 5, "adult_digital_advice": 1,
          "complaints": 0.5, "language_lines": 0.3, "safeguarding": 0.2}
CONTRACTORS = ("north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands",
               "east-of-england", "london", "south-east", "south-west")
DESTINATIONS = {"adult_information": 5, "young_people_service": 3, "prime_contractor_advice": 3,
                "prime_contractor_face_to_face": 1, "adult_digital_advice": 1,
                "complaints_and_feedback": 0.5, "language_line": 0.3, "outside_england": 0.2}
GROUPS = ("jobcentre_plus_claimant", "neet_18_24", "low_skilled", "disability")
# Share of a day's contacts in each local hour, 08:00-22:00 (busier mid-morning).
HOURS = {8: 5, 9: 9, 10: 11, 11: 11, 12: 9, 13: 9, 14: 9, 15: 8, 16: 7, 17: 6, 18: 5, 19: 4,
         20: 4, 21: 3}


def synthetic_day(rng: random.Random, day: date, calls: int) -> dict[str, float]:
    """One local day's hour counters for `calls` contacts, named as routing.figures names them."""
    fields: Counter = Counter()
    hours = rng.choices(list(HOURS), weights=list(HOURS.values()), k=calls)
    queues = rng.choices(list(QUEUES), weights=list(QUEUES.values()), k=calls)
    destinations = rng.choices(list(DESTINATIONS), weights=list(DESTINATIONS.values()), k=calls)
    for hour, queue, destination in zip(hours, queues, destinations, strict=True):
        start = datetime(day.year, day.month, day.day, hour, tzinfo=DEFS.timezone)
        epoch = int(start.astimezone(UTC).timestamp())
        channel = "phone" if rng.random() < 0.8 else "webchat"

        def add(measure, first, second=None, amount=1, _epoch=epoch):
            fields[f"{_epoch}|{field_name(measure, first, second)}"] += amount

        add("started", channel)
        add("destination", channel, destination)
        if rng.random() < 0.3:
            add("priority_group", channel, rng.choice(GROUPS))
        if destination.startswith("prime_contractor"):
            contractor = rng.choice(CONTRACTORS)
            add("warm_attempted", contractor)
            add("warm" if rng.random() < 0.8 else "failed_warm", contractor)
            continue
        if rng.random() < 0.35:
            add("contained", channel)
            continue
        waited = rng.expovariate(1 / 12)
        add("offered", channel, queue)
        outcome = rng.random()
        if outcome < 0.85:
            add("answered", channel, queue)
            add("answered_wait_seconds", channel, queue, round(waited, 1))
            if waited <= 15:
                add("answered_within", channel, queue)
        elif outcome < 0.95:
            add("abandoned", channel, queue)
            add("short_abandoned" if waited < 5 else "abandoned_after", channel, queue)
        else:
            add("left", channel, queue)
    return dict(fields)


def load_year(engine, client: redis.Redis, calls: int) -> dict[str, float]:
    """Count a year of contacts day by day into Redis and roll each day up; return timings."""
    rng = random.Random(2026)
    per_day = calls // 365
    began = time.perf_counter()
    rows = 0
    for offset in range(365):
        day = date(2026, 1, 1) + timedelta(days=offset)
        key = keys.key(keys.FIGURES_HOUR, date=day.isoformat())
        client.delete(key)
        client.hset(key, mapping=synthetic_day(rng, day, per_day))
        rows += upsert(engine, hour_rows(client, day, DEFS))
        client.delete(key)
    return {"calls": per_day * 365, "rows": rows, "load_seconds": time.perf_counter() - began}


def timed(action, repeat: int = 3) -> float:
    """The best of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - began)
    return best


def bench_reports(engine) -> dict[str, float]:
    """A month's and a day's report against a bare SUM … GROUP BY of the month's rows."""
    later = datetime(2027, 2, 1, tzinfo=UTC)
    month = Period.month(2026, 6)
    bare = text("SELECT measure, first, second, SUM(value) "
                "FROM figure_hour WHERE local_date BETWEEN :a AND :b "
                "GROUP BY measure, first, second")
    with engine.connect() as connection:
        baseline = timed(lambda: connection.execute(
            bare, {"a": month.start, "b": month.end}).all())
    return {
        "month_report_s": timed(lambda: report(engine=engine, redis_client=None, period=month,
                                               definitions=DEFS, now=later)),
        "day_report_s": timed(lambda: report(engine=engine, redis_client=None,
                                             period=Period.day(date(2026, 6, 15)),
                                             definitions=DEFS, now=later)),
        "bare_month_sum_s": baseline,
    }


def bench_counting(client: redis.Redis, count: int) -> dict[str, float]:
    """Queued calls counted per second (enqueued + answered) against two bare HINCRBYs."""
    figures = Figures(client, DEFS)
    at = datetime(2027, 3, 2, 10, tzinfo=UTC)

    def one(n: int) -> None:
        key = f"CAbench{n}"
        figures.observe("phone", key, [NewEvent("enqueued", at, f"{key}:e",
                                                {"queue": "young_people"})])
        figures.observe("phone", key, [NewEvent("answered", at, f"{key}:a",
                                                {"queue": "young_people", "queue_time": 9})])

    def bare(n: int) -> None:
        client.hincrby("ct:fig:bench", "offered", 1)
        client.hincrby("ct:fig:bench", "answered", 1)

    # Alternate short rounds of each, so a change in the machine's load hits both alike.
    spent = {"bare_hincrby_pair_per_s": 0.0, "queued_calls_counted_per_s": 0.0}
    for start in range(0, count, 50):
        for name, action in (("bare_hincrby_pair_per_s", bare),
                             ("queued_calls_counted_per_s", one)):
            began = time.perf_counter()
            for n in range(start, min(count, start + 50)):
                action(n)
            spent[name] += time.perf_counter() - began
    rates = {name: count / seconds for name, seconds in spent.items()}
    for pattern in ("ct:fig:*",):
        for name in client.scan_iter(pattern):
            client.delete(name)
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/bench_figures.py")
    parser.add_argument("--calls", type=int, default=1_000_000)
    parser.add_argument("--count", type=int, default=5_000)
    parser.add_argument("--out", default=str(REPO / "var" / "bench" / "figures.json"))
    args = parser.parse_args()
    name = f"bench_figures_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        migrate.upgrade(url.replace("postgresql://", "postgresql+psycopg://"))
        engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        results = {"machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
                   **load_year(engine, client, args.calls), **bench_reports(engine),
                   **bench_counting(client, args.count)}
        engine.dispose()
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    results["month_report_ratio"] = results["month_report_s"] / results["bare_month_sum_s"]
    results["counting_ratio"] = (results["queued_calls_counted_per_s"]
                                 / results["bare_hincrby_pair_per_s"])
    results["target_month_report_s"] = TARGET_SECONDS
    print_table(results)
    write(results, args.out)
    return 0 if results["month_report_s"] < TARGET_SECONDS else 1


def print_table(r: dict) -> None:
    print(f"{r['calls']:,} synthetic contacts over 2026 -> {r['rows']:,} figure_hour rows "
          f"(counted, rolled up and loaded in {r['load_seconds']:.1f} s)")
    print(f"{'measure':<46}{'figure':>12}{'baseline':>12}{'ratio':>8}")
    print(f"{'month report, every section (s)':<46}{r['month_report_s']:>12.3f}"
          f"{r['bare_month_sum_s']:>12.3f}{r['month_report_ratio']:>8.2f}")
    print(f"{'day report (s)':<46}{r['day_report_s']:>12.3f}")
    print(f"{'queued calls counted (per s)':<46}{r['queued_calls_counted_per_s']:>12,.0f}"
          f"{r['bare_hincrby_pair_per_s']:>12,.0f}{r['counting_ratio']:>8.2f}")
    verdict = "met" if r["month_report_s"] < TARGET_SECONDS else "missed"
    print(f"target: month report < {TARGET_SECONDS:g} s on PostgreSQL: {verdict}")


def write(results: dict, out: str) -> None:
    if out == "-":
        print(json.dumps(results, indent=2))
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {path}")


if __name__ == "__main__":
    sys.exit(main())
