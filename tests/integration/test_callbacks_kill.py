"""kill -9 at random instants loses and doubles no callback (real PostgreSQL, Redis, processes).

Worker processes run this file as a script: each plans a cold transfer (reading emergency closures
from Redis), creates the callback, claims callbacks with a one-second lease and completes, attempts
or abandons them, logging each step *after* the database acknowledged it. The test SIGKILLs them at
random, restarts them (a restarted worker retries every create it had started but not seen
acknowledged, as a retried webhook would), and finally checks the database against the logs.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config import clock

REPO = Path(__file__).resolve().parents[2]
WORKERS = 4
SECONDS = float(os.environ.get("KILL_TEST_SECONDS", "8"))
KILLS = int(os.environ.get("KILL_TEST_KILLS", "12"))
LEASE_SECONDS = 1
FRIDAY_EVENING = datetime(2026, 6, 5, 17, 0, tzinfo=UTC)  # 18:00 in London: a cold transfer


# ---- the worker (runs in its own process) -------------------------------------------------------

def _worker(worker_id: str, database_url: str, redis_url: str, log_path: str, mode: str) -> None:
    from sqlmodel import Session

    from models.db import make_engine
    from models.redis import connect
    from routing import EmergencyClosures, callbacks, load_directory, plan
    from triage import Decision

    engine = make_engine(database_url, pool_size=1)
    closures = EmergencyClosures(connect(redis_url))
    directory = load_directory()
    decision = Decision(destination="prime_contractor_advice", region="north-west",
                        reasons=("001:5.3",))
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    staff_id = f"{worker_id}-p{os.getpid()}"

    def note(*parts: object) -> None:
        os.write(log, (" ".join(str(p) for p in parts) + "\n").encode())

    def create(session: Session, key: str) -> None:
        closed = closures.closed_among(directory.entity_ids())
        route = plan(decision, "phone", FRIDAY_EVENING, directory=directory, closed=closed)
        made = callbacks.create_callback(
            session=session, contact_key=key, due=route.callback_due, reason="advice",
            summary=decision.to_dict(), source="cold_transfer", contractor_id=route.contractor,
            phone="+447700900123")
        note("ack", key, made.id)

    intents, acks, _, _ = _read_log(Path(log_path))
    with Session(engine) as session:
        for key in sorted(intents - set(acks)):
            note("retry", key)
            create(session, key)  # the retried webhook
        if mode == "recover":
            return
        sequence, rng = len(intents), random.Random()
        while True:
            if rng.random() < 0.6:
                key = f"{worker_id}-{sequence}"
                sequence += 1
                note("intent", key)
                create(session, key)
                continue
            claimed = callbacks.claim_next(session=session, staff_id=staff_id,
                                           lease_seconds=LEASE_SECONDS)
            if claimed is None:
                continue
            choice = rng.random()
            if choice < 0.4:
                callbacks.complete(session=session, callback_id=claimed.id, staff_id=staff_id)
                note("done", claimed.id)
            elif choice < 0.7:
                callbacks.record_attempt(session=session, callback_id=claimed.id,
                                         staff_id=staff_id, outcome="no_answer",
                                         retry_after_seconds=0)
            # otherwise abandon it: the lease runs out and someone else must get it


def _read_log(path: Path) -> tuple[set[str], dict[str, set[int]], list[int], int]:
    """Intents, acknowledged ids per key, completions and line count from one worker's log."""
    intents, acks, done = set(), defaultdict(set), []
    text = path.read_text() if path.exists() else ""
    lines = text.split("\n")[:-1]  # a torn last line (no newline) was never acknowledged
    for line in lines:
        kind, *rest = line.split()
        if kind == "intent":
            intents.add(rest[0])
        elif kind == "ack":
            acks[rest[0]].add(int(rest[1]))
        elif kind == "done":
            done.append(int(rest[0]))
    return intents, acks, done, len(lines)


# ---- the test -----------------------------------------------------------------------------------

def _spawn(worker_id: str, database_url: str, log: Path, mode: str = "run") -> subprocess.Popen:
    from tests.support.databases import TEST_REDIS_URL

    return subprocess.Popen(
        [sys.executable, __file__, worker_id, database_url, TEST_REDIS_URL, str(log), mode],
        cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def test_kill_9_at_random_loses_and_doubles_nothing(postgres_url, redis_client, tmp_path):
    from sqlalchemy import select
    from sqlmodel import Session

    from models.callbacks import Callback, CallbackAttempt
    from models.db import make_engine
    from routing import callbacks
    from tests.support.databases import truncate_all

    engine = make_engine(postgres_url)
    truncate_all(engine)
    logs = {f"w{n}": tmp_path / f"w{n}.log" for n in range(WORKERS)}
    running = {ident: _spawn(ident, postgres_url, log) for ident, log in logs.items()}
    rng, kills = random.Random(), 0
    lines_at_start = dict.fromkeys(running, 0)
    kill_after = {ident: rng.randint(1, 40) for ident in running}
    began = time.monotonic()
    # Run for at least SECONDS and until enough kills, however slow a loaded machine is.
    while time.monotonic() - began < SECONDS or kills < KILLS:
        assert time.monotonic() - began < 240, f"only {kills} kills in four minutes"
        time.sleep(rng.uniform(0.001, 0.03))  # so the kill lands anywhere in the worker's loop
        for ident in sorted(running):
            # A fresh process needs a second or more to import; kill it once it has done a
            # random amount of work, wherever it is then.
            if _lines(logs[ident]) - lines_at_start[ident] < kill_after[ident]:
                continue
            process = running[ident]
            if process.poll() is not None:  # a worker must never stop by itself
                raise AssertionError(f"{ident} exited: {process.stderr.read().decode()[-2000:]}")
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            lines_at_start[ident], kill_after[ident] = _lines(logs[ident]), rng.randint(1, 40)
            running[ident] = _spawn(ident, postgres_url, logs[ident])
            break
    for process in running.values():
        process.send_signal(signal.SIGKILL)
        process.wait()
    for ident, log in logs.items():  # restart once more to retry unacknowledged creates
        recovered = _spawn(ident, postgres_url, log, mode="recover")
        assert recovered.wait(timeout=60) == 0, recovered.stderr.read().decode()[-2000:]

    intents, acks, done, lines = set(), defaultdict(set), [], 0
    for log in logs.values():
        got = _read_log(log)
        intents |= got[0]
        for key, ids in got[1].items():
            acks[key] |= ids
        done += got[2]
        lines += got[3]
    with Session(engine) as session:
        rows = {row.contact_key: row for row in session.scalars(select(Callback))}
        attempts = defaultdict(list)
        for attempt in session.scalars(select(CallbackAttempt).order_by(CallbackAttempt.number)):
            attempts[attempt.callback_id].append(attempt.number)

    retried = sum(log.read_text().count("\nretry ") for log in logs.values())
    print(f"kills={kills} creates={len(intents)} retried={retried} completed={len(done)}")
    assert len(intents) > 40 and len(done) > 5, (len(intents), len(done), lines)
    # Nothing lost: every create a customer was told about (acknowledged) is there, and every
    # create that was started exists after the retry. Nothing doubled: one row and id per key.
    assert set(rows) == intents
    for key, ids in acks.items():
        assert ids == {rows[key].id}, key
    assert len({row.id for row in rows.values()}) == len(rows)
    # No callback completed twice, and attempts stay within three, numbered 1..n.
    assert all(count == 1 for count in Counter(done).values())
    by_id = {row.id: row for row in rows.values()}
    assert all(by_id[i].status == "completed" for i in done)
    for callback_id, numbers in attempts.items():
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) <= 3
        assert by_id[callback_id].attempt_count == len(numbers)
    # Every unfinished callback, including claims whose holder was killed, can be claimed again.
    after_leases = clock.now() + timedelta(seconds=LEASE_SECONDS + 1)
    reclaimed = set()
    with Session(engine) as session:
        while claimed := callbacks.claim_next(session=session, staff_id="drain", now=after_leases):
            reclaimed.add(claimed.id)
    unfinished = {row.id for row in rows.values() if row.status in ("pending", "claimed")}
    assert reclaimed == unfinished
    engine.dispose()


if __name__ == "__main__":
    _worker(*sys.argv[1:6])
