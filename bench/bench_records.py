"""Benchmark the contact records: durable events per second, and redaction turns per second.

Run: python bench/bench_records.py [--events N] [--turns N] [--out var/bench/records.json | -]
Every figure is measured in the same run as its baseline, so it can be read as a ratio:
  record_event (one committed transaction per event, as a webhook does) against a bare INSERT
  with a commit into a table of the same shape, on PostgreSQL and on SQLite (synchronous=FULL);
  redact() against one plain regular-expression pass over the same turns for the same words.
Targets on this machine (2 cores): 1,000 events/s on PostgreSQL; 2,000 twenty-word turns/s.
PostgreSQL is the server at BENCH_POSTGRES_ADMIN_URL (default the local one, trust auth); the
benchmark creates its own database there and drops it afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from models import migrate  # noqa: E402
from models.contacts import NewEvent, open_contact, record_event, record_events  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.redaction import redact, redactor  # noqa: E402
from models.restricted_words import restricted_forms  # noqa: E402

WRITERS = 8  # gunicorn's default of 2 workers x 8 threads, less headroom
TARGETS = {"events_per_s_postgresql": 1_000, "turns_per_s": 2_000}
ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
WORDS = (
    "I would like some advice about changing my career into nursing or teaching and I live "
    "near Leeds station with my family who think an apprenticeship could help me get a job "
    "in health care after college next year please"
).split()
EXTRAS = ["07700 900123", "LS1 4AP", "sam@example.com", "prison", "12/03/1985", "fine", "scone"]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def turns(count: int, seed: int = 2016) -> list[str]:
    """Typical 20-word customer turns; one in four holds something that must be redacted."""
    rng = random.Random(seed)
    result = []
    for _ in range(count):
        words = rng.sample(WORDS, 20)
        if rng.random() < 0.25:
            words[rng.randrange(20)] = rng.choice(EXTRAS)
        result.append(" ".join(words))
    return result


def bench_events(url: str, count: int) -> dict[str, float]:
    """Events per second through the API, each committed on its own, beside a bare INSERT."""
    engine = make_engine(url)
    lines = turns(count)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, contact_id INTEGER, "
                "seq INTEGER, kind VARCHAR(32), at VARCHAR(40), text TEXT)"
            )
        )
    try:
        figures = {"bare_insert": _rate(count, lambda n: _bare_insert(engine, n, lines[n]))}
        calls = _open_calls(engine, count)
        figures["record_event"] = _rate(count, lambda n: _one_event(engine, calls, n, None))
        figures["record_event_with_text"] = _rate(
            count, lambda n: _one_event(engine, calls, n, lines[n])
        )
        figures["record_events_batch_of_4"] = _rate(
            count, lambda n: _batch(engine, calls, n, lines), 4
        )
        figures["retried_duplicate"] = _rate(
            count, lambda n: _one_event(engine, calls, n, None, "dup")
        )
        # Webhooks for different calls arrive together; the database shares one flush between them.
        figures["bare_insert_8_writers"] = _concurrent_rate(
            count, lambda n: _bare_insert(engine, count + n, lines[n % count])
        )
        calls = _open_calls(engine, count)
        figures["record_event_8_writers"] = _concurrent_rate(
            count, lambda n: _one_event(engine, calls, n, lines[n % count])
        )
        # The shape of real traffic: many calls at once, each turn's events in one commit.
        calls = _open_calls(engine, count)
        figures["record_events_batch_of_4_8_writers"] = 4 * _concurrent_rate(
            count // 4, lambda n: _batch(engine, calls, n, lines, "w")
        )
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE bench_bare"))
        engine.dispose()
    return figures


def _bare_insert(engine, n: int, line: str) -> None:
    with engine.connect() as connection:
        connection.execute(
            text(
                "INSERT INTO bench_bare (id, contact_id, seq, kind, at, text) "
                "VALUES (:id, 1, :id, 'customer_said', :at, :text)"
            ),
            {"id": n, "at": T0.isoformat(), "text": line},
        )
        connection.commit()


def _open_calls(engine, count: int) -> list[str]:
    """One call per 20 events, as a real call has a few dozen."""
    keys = [f"CA{uuid.uuid4().hex}" for _ in range(count // 20 + 1)]
    with session_scope(engine) as session:
        for key in keys:
            open_contact(session=session, key=key, channel="phone", at=T0)
    return keys


def _one_event(
    engine, calls: list[str], n: int, line: str | None, event_id: str | None = None
) -> None:
    with session_scope(engine) as session:
        record_event(
            session=session,
            contact_key=calls[n // 20],
            kind="customer_said",
            at=T0 + timedelta(seconds=n),
            event_id=event_id or f"e{n}:{line is None}",
            text=line,
        )


def _batch(engine, calls: list[str], n: int, lines: list[str], prefix: str = "b") -> None:
    with session_scope(engine) as session:
        record_events(
            session=session,
            contact_key=calls[n // 20],
            events=[
                NewEvent(
                    kind="customer_said",
                    at=T0,
                    event_id=f"{prefix}{n}:{i}",
                    text=lines[(n + i) % len(lines)],
                )
                for i in range(4)
            ],
        )


def _rate(count: int, action, per_call: int = 1) -> float:
    calls = max(1, count // per_call)
    started = time.perf_counter()
    for n in range(calls):
        action(n)
    return calls * per_call / (time.perf_counter() - started)


def _concurrent_rate(count: int, action, writers: int = WRITERS) -> float:
    """Events per second with `writers` threads each writing their share, as webhooks do."""
    share = count // writers

    def work(worker: int) -> None:
        # Each worker keeps to its own calls (n // 20), as each webhook belongs to one call.
        for n in range(worker * share, (worker + 1) * share):
            action(n)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=writers) as pool:
        list(pool.map(work, range(writers)))
    return share * writers / (time.perf_counter() - started)


def bench_redaction(count: int) -> dict[str, float]:
    """Turns per second through redact(), beside one regex pass over the same words."""
    lines = turns(count)
    redactor()  # built once per process, not per turn
    forms = sorted(restricted_forms(), key=len, reverse=True)
    plain = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b", re.IGNORECASE)
    redact_rate = _rate(count, lambda n: redact(lines[n]))
    regex_rate = _rate(count, lambda n: plain.sub("[restricted]", lines[n]))
    return {"redact": redact_rate, "plain_regex": regex_rate}


def postgres_database() -> tuple[str, str]:
    name = f"careers_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    base = ADMIN_URL.rsplit("/", 1)[0].split("://", 1)[1]
    return name, f"postgresql+psycopg://{base}/{name}"


def durability(url: str) -> str:
    engine = make_engine(url)
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            settings = [
                connection.execute(text(f"SHOW {s}")).scalar()
                for s in ("fsync", "synchronous_commit")
            ]
            described = f"fsync={settings[0]}, synchronous_commit={settings[1]}"
        else:
            described = (
                f"synchronous={connection.execute(text('PRAGMA synchronous')).scalar()} (2=FULL)"
            )
    engine.dispose()
    return described


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--out", default=str(REPO / "var" / "bench" / "records.json"))
    args = parser.parse_args()
    results: dict[str, object] = {
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "at": datetime.now(UTC).isoformat(),
        "targets": TARGETS,
    }
    name, pg_url = postgres_database()
    try:
        migrate.upgrade(pg_url)
        results["postgresql"] = {
            "durability": durability(pg_url),
            **bench_events(pg_url, args.events),
        }
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    with tempfile.TemporaryDirectory() as folder:
        sqlite_url = f"sqlite:///{folder}/bench.sqlite3"
        migrate.upgrade(sqlite_url)
        results["sqlite"] = {
            "durability": durability(sqlite_url),
            **bench_events(sqlite_url, args.events),
        }
    results["redaction"] = bench_redaction(args.turns)
    print_table(results)
    write(results, args.out)
    return 0


def print_table(results: dict) -> None:
    print(f"{'measure':<44}{'per second':>12}{'baseline':>12}{'ratio':>8}")
    for db in ("postgresql", "sqlite"):
        figures = results[db]
        base = figures["bare_insert"]
        print(f"-- {db} ({figures['durability']}); baseline: bare INSERT + COMMIT")
        for name in (
            "record_event",
            "record_event_with_text",
            "record_events_batch_of_4",
            "retried_duplicate",
        ):
            print(
                f"{'  events: ' + name:<44}{figures[name]:>12,.0f}{base:>12,.0f}"
                f"{figures[name] / base:>8.2f}"
            )
        base = figures["bare_insert_8_writers"]
        for name in ("record_event_8_writers", "record_events_batch_of_4_8_writers"):
            print(
                f"{'  ' + name.replace('record_', '') + ' (vs bare, 8)':<44}"
                f"{figures[name]:>12,.0f}{base:>12,.0f}{figures[name] / base:>8.2f}"
            )
    red = results["redaction"]
    print("-- redaction of 20-word turns; baseline: one regex pass for the restricted words")
    print(
        f"{'  turns: redact()':<44}{red['redact']:>12,.0f}{red['plain_regex']:>12,.0f}"
        f"{red['redact'] / red['plain_regex']:>8.2f}"
    )
    print(f"targets: {TARGETS}")


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
