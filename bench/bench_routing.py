"""Benchmark routing: plan() per second, and callbacks created and claimed per second.

Run: `.venv/bin/python bench/bench_routing.py [--plans N] [--callbacks N]`. Uses a throw-away
database on the local PostgreSQL (BENCH_POSTGRES_ADMIN_URL) and reads closures from Redis
(BENCH_REDIS_URL); prints a table and writes var/bench/bench_routing.json. Each figure has a
baseline measured in the same run, so results read as ratios and survive a slower machine:
plan() against triage.decide(); a callback create against a bare INSERT + COMMIT; a claim against a
bare SELECT ... FOR UPDATE SKIP LOCKED + UPDATE + COMMIT. Targets: plan >= 5,000/s; create and
claim >= 300/s each.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import migrate  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.redis import connect  # noqa: E402
from routing import EmergencyClosures, callbacks, load_directory, plan  # noqa: E402
from triage import decide  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/10")
THREADS = 8
OUT = REPO / "var" / "bench" / "bench_routing.json"
START = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # a Monday; plans spread over two weeks from here
FACTS = [
    {"age": 30, "need": "advice", "postcode": "M1 1AE"},
    {"age": 45, "need": "face_to_face", "postcode": "LS1 4AP", "channel": "webchat"},
    {"age": 16, "need": "information"},
    {"age": 52, "need": "information"},
    {"need": "complaint"},
    {"age": 30, "need": "advice", "postcode": "B1 1AA", "language": "Punjabi"},
    {"age": 22, "need": "advice", "channel": "webchat"},
    {"age": 35, "need": "advice", "postcode": "SE1 7PB", "safeguarding_concern": True},
    {"age": 40},
]


def rate(count: int, work: Callable[[int], object]) -> float:
    """Calls of `work(i)` per second over `count` calls."""
    began = time.perf_counter()
    for i in range(count):
        work(i)
    return count / (time.perf_counter() - began)


def bench_plan(count: int, closures: EmergencyClosures) -> dict[str, float]:
    directory = load_directory()
    cases = [(decide(f), f.get("channel", "phone"), f.get("language")) for f in FACTS]
    times = [START + timedelta(minutes=37 * i) for i in range(512)]  # all hours, many days
    ids = directory.entity_ids()

    def one(i: int, closed: frozenset[str] = frozenset()) -> object:
        decision, channel, language = cases[i % len(cases)]
        return plan(decision, channel, times[i % len(times)], directory=directory,
                    closed=closed, language=language)

    rate(2000, one)  # warm the calendar caches, as a running app would be
    facts = [FACTS[i % len(FACTS)] for i in range(count)]
    return {
        "plan_per_s": rate(count, one),
        "plan_with_redis_closures_per_s": rate(
            count // 4, lambda i: one(i, closures.closed_among(ids))),
        "baseline_triage_decide_per_s": rate(count, lambda i: decide(facts[i])),
    }


def bench_database(url: str, count: int) -> dict[str, float]:
    engine = make_engine(url)
    due = START + timedelta(days=1)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_row (id serial PRIMARY KEY, key text UNIQUE, "
                                "status text NOT NULL DEFAULT 'pending', due timestamptz)"))
    with Session(engine) as session:
        run = uuid.uuid4().hex[:6]

        def bare_insert(i: int) -> None:
            session.execute(text("INSERT INTO bench_row (key, due) VALUES (:k, :d)"),
                            {"k": f"{run}-{i}", "d": due})
            session.commit()

        def bare_claim(_: int) -> None:
            session.execute(text(
                "UPDATE bench_row SET status = 'claimed' WHERE id = (SELECT id FROM bench_row "
                "WHERE status = 'pending' ORDER BY due, id LIMIT 1 FOR UPDATE SKIP LOCKED)"))
            session.commit()

        def create(i: int) -> None:
            callbacks.create_callback(
                session=session, contact_key=f"CA{run}{i}", due=due + timedelta(seconds=i),
                reason="advice", source="cold_transfer", contractor_id="north-west",
                phone="+447700900123", summary={"destination": "prime_contractor_advice"})

        def claim(i: int) -> None:
            assert callbacks.claim_next(session=session, staff_id=f"s{i % 7}",
                                        contractor_id="north-west") is not None

        results = {
            "baseline_insert_commit_per_s": rate(count, bare_insert),
            "baseline_select_for_update_commit_per_s": rate(count, bare_claim),
            "callback_create_per_s": rate(count, create),
            "callback_retried_create_per_s": rate(count // 4, create),
            "callback_claim_per_s": rate(count, claim),
        }
    engine.dispose()
    results |= bench_parallel(url, count, due)
    return results


def bench_parallel(url: str, count: int, due: datetime) -> dict[str, float]:
    """The same create and claim from THREADS connections at once, as several app processes."""
    engine = make_engine(url, pool_size=THREADS)
    run = uuid.uuid4().hex[:6]

    def creates(worker: int) -> None:
        with Session(engine) as session:
            for i in range(worker, count, THREADS):
                callbacks.create_callback(
                    session=session, contact_key=f"P{run}{i}", due=due, reason="advice",
                    source="cold_transfer", contractor_id="london", phone="+447700900123")

    def claims(worker: int) -> None:
        with Session(engine) as session:
            for _ in range(worker, count, THREADS):
                assert callbacks.claim_next(session=session, staff_id=f"p{worker}",
                                            contractor_id="london") is not None

    results = {}
    for name, work in (("create", creates), ("claim", claims)):
        began = time.perf_counter()
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(work, range(THREADS)))
        results[f"callback_{name}_{THREADS}_connections_per_s"] = count / (
            time.perf_counter() - began)
    engine.dispose()
    return results


def main() -> int:
    """Run every measurement, print the table and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=50_000)
    parser.add_argument("--callbacks", type=int, default=2_000)
    args = parser.parse_args()
    closures = EmergencyClosures(connect(REDIS_URL))
    results = bench_plan(args.plans, closures)
    name = f"bench_routing_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = "postgresql+psycopg://" + ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"
        migrate.upgrade(url)
        results |= bench_database(url, args.callbacks)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(results, args)
    return 0


def report(results: dict[str, float], args: argparse.Namespace) -> None:
    rows = [
        ("plan()", "plan_per_s", "baseline_triage_decide_per_s", 5000),
        ("plan() + closures from Redis", "plan_with_redis_closures_per_s", "plan_per_s", None),
        ("callback create (commit)", "callback_create_per_s", "baseline_insert_commit_per_s", 300),
        ("callback create, retried", "callback_retried_create_per_s",
         "baseline_insert_commit_per_s", None),
        ("callback claim (commit)", "callback_claim_per_s",
         "baseline_select_for_update_commit_per_s", 300),
        (f"callback create, {THREADS} connections", f"callback_create_{THREADS}_connections_per_s",
         "baseline_insert_commit_per_s", 300),
        (f"callback claim, {THREADS} connections", f"callback_claim_{THREADS}_connections_per_s",
         "baseline_select_for_update_commit_per_s", 300),
    ]
    print(f"{'measure':32} {'per second':>12} {'baseline/s':>12} {'ratio':>7}  target")
    for label, key, baseline, target in rows:
        ratio = results[key] / results[baseline]
        verdict = "" if target is None else ("ok" if results[key] >= target else "MISSED")
        print(f"{label:32} {results[key]:12,.0f} {results[baseline]:12,.0f} {ratio:7.2f}  "
              f"{target or '':>5} {verdict}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "arguments": vars(args),
        "results_per_second": {k: round(v, 1) for k, v in results.items()},
    }, indent=2) + "\n")
    print(f"written {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    sys.exit(main())
