"""Benchmark the callback worklist with 50,000 pending callbacks across the nine prime contractors.

Run: python bench/bench_worklist.py [--callbacks N] [--samples N] [--out FILE.json or -]
Measured in one run on PostgreSQL, each beside a same-run baseline (figure ÷ baseline = ratio):
  the worklist query (one contractor's open callbacks, soonest due first, a page of 100) against
  a bare SELECT of the same rows' ids by the same index; the worklist page and its JSON, rendered
  for a signed-in contractor adviser through the app (Flask test client), against the query;
  the claim on opening a callback (row lock, lease, timeline event, commit) against a bare
  SELECT … FOR UPDATE + UPDATE + COMMIT of one row. Target: p95 ≤ 100 ms for page and claim.
PostgreSQL is BENCH_POSTGRES_ADMIN_URL's server (its own database, dropped after); Redis is
BENCH_REDIS_URL (default redis://127.0.0.1:6379/14, emptied).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
import redis  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from config.settings import Settings  # noqa: E402
from models import migrate  # noqa: E402
from models.db import make_engine  # noqa: E402
from routing import callback_work, worklist  # noqa: E402
from routing.callback_config import load_rules  # noqa: E402
from routing.directory import load_directory  # noqa: E402

ADMIN_URL = os.environ.get("BENCH_POSTGRES_ADMIN_URL",
                           "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
TARGET_P95_MS = 100.0
NOW = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)


def populate(url: str, count: int, contractors: list[str]) -> None:
    """`count` open callbacks (and their contacts) spread over the contractors and five days."""
    rng = random.Random(14)
    summary = json.dumps({"facts": {"age": 30, "need": "advice"}, "reasons": ["001:5.3"],
                          "destination": "prime_contractor_advice",
                          "priority_groups": ["low_skilled"]})
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as db:
        with db.cursor() as cur:
            with cur.copy("COPY contact (key, channel, started_at, last_seq) FROM STDIN") as copy:
                for n in range(count):
                    copy.write_row((f"CA-bench-{n}", "phone", NOW - timedelta(days=1), 0))
            columns = ("contact_key, contractor_id, due_at, phone, reason, summary, source, "
                       "status, created_at, updated_at, available_at, claim_count, attempt_count")
            with cur.copy(f"COPY callback ({columns}) FROM STDIN") as copy:
                for n in range(count):
                    due = NOW + timedelta(minutes=rng.randint(-600, 5 * 24 * 60))
                    copy.write_row((f"CA-bench-{n}", contractors[n % len(contractors)], due,
                                    "+447700900123", "Phone call: advice", summary,
                                    "cold_transfer", "pending", NOW - timedelta(days=1),
                                    NOW - timedelta(days=1), NOW - timedelta(days=1), 0, 0))
        db.commit()
        db.execute("ANALYZE")


def timed(samples: int, action) -> list[float]:
    """Milliseconds of each of `samples` calls of action(i), after a short warm-up."""
    for i in range(min(20, samples)):
        action(i)
    times = []
    for i in range(samples):
        began = time.perf_counter()
        action(i)
        times.append((time.perf_counter() - began) * 1000)
    return times


def percentiles(times: list[float]) -> dict[str, float]:
    """p50, p95 and mean in milliseconds."""
    ordered = sorted(times)
    return {"p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
            "mean_ms": round(statistics.fmean(ordered), 2), "samples": len(ordered)}


def bench(url: str, count: int, samples: int) -> dict[str, dict]:
    contractors = sorted(load_directory().contractors)
    populate(url, count, contractors)
    engine = make_engine(url, pool_size=2)
    rules = load_rules()
    results: dict[str, dict] = {}
    scopes = [worklist.Scope(contractor_id=c) for c in contractors]

    def query(i: int) -> None:
        with Session(engine) as session:
            worklist.list_callbacks(session=session, scope=scopes[i % 9], now=NOW)

    bare_list = text("SELECT id FROM callback WHERE contractor_id = :c AND status IN "
                     "('pending', 'claimed') ORDER BY due_at, id LIMIT 100")

    def bare_query(i: int) -> None:
        with engine.connect() as connection:
            connection.execute(bare_list, {"c": contractors[i % 9]}).all()

    results["worklist_query"] = percentiles(timed(samples, query))
    results["bare_list_select"] = percentiles(timed(samples, bare_query))

    app, clients = _app(url, contractors)

    def page(i: int) -> None:
        response = clients[i % 9].get("/console/callbacks")
        assert response.status_code == 200, response.status_code

    def page_json(i: int) -> None:
        assert clients[i % 9].get("/console/callbacks/list.json").status_code == 200

    results["worklist_page"] = percentiles(timed(samples, page))
    results["worklist_json"] = percentiles(timed(samples, page_json))

    ids = list(range(1, count + 1))
    random.Random(8).shuffle(ids)

    def claim(i: int) -> None:
        with Session(engine) as session:
            opened = callback_work.open_callback(session=session, callback_id=ids[i],
                                                 staff_id=f"adviser-{i % 40}", rules=rules,
                                                 now=NOW)
            assert opened.mine

    bare_claim_sql = (text("SELECT id FROM callback WHERE id = :id FOR UPDATE"),
                      text("UPDATE callback SET claimed_by = 'bare', updated_at = now() "
                           "WHERE id = :id"))

    def bare_claim(i: int) -> None:
        with engine.begin() as connection:
            connection.execute(bare_claim_sql[0], {"id": ids[-1 - i]}).all()
            connection.execute(bare_claim_sql[1], {"id": ids[-1 - i]})

    results["claim_on_open"] = percentiles(timed(samples, claim))
    results["bare_row_claim"] = percentiles(timed(samples, bare_claim))
    app.extensions["engine"].dispose()
    engine.dispose()
    return results


def _app(url: str, contractors: list[str]):
    """The app on the bench database and one signed-in contractor adviser per contractor."""
    from app import create_app
    from tests.support.console import signed_in

    redis.Redis.from_url(REDIS_URL).flushdb()
    settings = Settings(app_env="test", database_url=url, redis_url=REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    app = create_app(settings, callback_clock=lambda: NOW)
    clients = [signed_in(app, f"bench-{c}", "contractor_adviser", contractor=c)[0]
               for c in contractors]
    return app, clients


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callbacks", type=int, default=50_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--out", default=str(REPO / "var" / "bench" / "worklist.json"))
    args = parser.parse_args()
    name = f"careers_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].split("://", 1)[1]
    url = f"postgresql+psycopg://{base}/{name}"
    try:
        migrate.upgrade(url)
        figures = bench(url, args.callbacks, args.samples)
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    results = {"machine": platform.platform(), "cpus": os.cpu_count(),
               "at": datetime.now(UTC).isoformat(), "callbacks": args.callbacks,
               "target_p95_ms": TARGET_P95_MS, **figures}
    print_table(results)
    if args.out == "-":
        print(json.dumps(results, indent=2))
    else:
        path = Path(args.out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2) + "\n")
        print(f"written to {path}")
    return 0


def print_table(results: dict) -> None:
    print(f"{results['callbacks']:,} pending callbacks across nine contractors (PostgreSQL)")
    print(f"{'measure':<40}{'p50 ms':>10}{'p95 ms':>10}{'baseline p95':>14}{'ratio':>8}")
    for name, base in (("worklist_query", "bare_list_select"), ("worklist_page", "worklist_query"),
                       ("worklist_json", "worklist_query"), ("claim_on_open", "bare_row_claim")):
        got, ref = results[name], results[base]
        print(f"{name + ' (vs ' + base + ')':<40}{got['p50_ms']:>10.2f}{got['p95_ms']:>10.2f}"
              f"{ref['p95_ms']:>14.2f}{got['p95_ms'] / ref['p95_ms']:>8.2f}")
    print(f"target: p95 <= {TARGET_P95_MS:.0f} ms for the page and the claim")


if __name__ == "__main__":
    sys.exit(main())
