"""Several worker replicas on one PostgreSQL and Redis: each duty done once, not once a replica."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from config import clock
from models import keys
from models.contacts import open_contact, record_event, timeline
from models.db import make_engine, session_scope
from routing import worker as worker_module
from routing.worker import Leases, tick
from tests.support.databases import TEST_REDIS_URL, truncate_all

REPO = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_lease_is_held_by_one_replica_until_given_back_or_lapsed(redis_client):
    first, second = Leases(redis_client), Leases(redis_client)
    token = first.take("retention", 60)
    assert token and second.take("retention", 60) is None
    second.give_back("retention", "not-the-holder")  # someone else's token releases nothing
    assert second.take("retention", 60) is None
    first.give_back("retention", token)
    assert second.take("retention", 0.05)
    time.sleep(0.1)
    assert first.take("retention", 60), "a lapsed lease (a replica that died) can be taken"


def test_a_round_whose_summary_another_replica_holds_skips_it(engine, redis_client):
    leases = Leases(redis_client)
    assert leases.take("summary", 60)
    tick(engine=engine, redis=redis_client, trackers=None, retention_days=90, now=NOW,
         leases=leases)
    assert not redis_client.exists(keys.CALLBACKS_SUMMARY)
    redis_client.delete(keys.key(keys.WORKER_LEASE, duty="summary"))
    tick(engine=engine, redis=redis_client, trackers=None, retention_days=90, now=NOW,
         leases=leases)
    assert redis_client.hget(keys.CALLBACKS_SUMMARY, "pending") == "0"


def test_replicas_whose_rounds_coincide_purge_once(postgres_url, redis_client, monkeypatch):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    runs, real_run = [], worker_module.run_retention

    def slow_purge(**kwargs):  # a purge of a big table takes a while: the others must not join
        runs.append(threading.get_ident())
        time.sleep(0.5)
        return real_run(**kwargs)

    monkeypatch.setattr(worker_module, "run_retention", slow_purge)
    start = threading.Barrier(3)

    def replica():
        own = make_engine(postgres_url)
        start.wait()
        tick(engine=own, redis=redis_client, trackers=None, retention_days=90,
             leases=Leases(redis_client))
        own.dispose()

    threads = [threading.Thread(target=replica) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(runs) == 1
    assert not redis_client.exists(keys.key(keys.WORKER_LEASE, duty="retention")), "given back"
    engine.dispose()


def _start_worker(postgres_url: str, heartbeat: Path, log: Path) -> subprocess.Popen:
    env = {"PATH": os.environ["PATH"], "DATABASE_URL": postgres_url, "REDIS_URL": TEST_REDIS_URL,
           "PYTHONPATH": str(REPO), "LOG_LEVEL": "INFO"}
    with open(log, "wb") as out:
        return subprocess.Popen([sys.executable, "-m", "app.worker", "--interval", "0.2",
                                 "--heartbeat-file", str(heartbeat)], cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def test_three_worker_processes_purge_once_and_each_stays_alive(postgres_url, redis_client,
                                                                tmp_path):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    old = clock.now() - timedelta(days=120)
    with session_scope(engine) as session:
        open_contact(session=session, key="CA-old", channel="phone", at=old, dialled=None)
        record_event(session=session, contact_key="CA-old", kind="customer_said", at=old,
                     text="I want advice about apprenticeships")
    workers = [_start_worker(postgres_url, tmp_path / f"alive-{n}", tmp_path / f"worker-{n}.log")
               for n in range(3)]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not all(
                (tmp_path / f"alive-{n}").exists() for n in range(3)):
            time.sleep(0.2)
        time.sleep(2)  # about ten rounds each
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(timeout=20) for worker in workers]
    logs = "".join((tmp_path / f"worker-{n}.log").read_text() for n in range(3))
    assert codes == [0, 0, 0], logs
    assert all((tmp_path / f"alive-{n}").exists() for n in range(3)), "every replica heartbeats"
    assert logs.count("retention purge:") == 1, logs
    assert "failed" not in logs
    with Session(engine) as session:
        said = [e for e in timeline(session=session, contact_key="CA-old")
                if e.kind == "customer_said"]
    assert said and all("apprenticeships" not in (e.text or "") for e in said)
    assert redis_client.hget(keys.CALLBACKS_SUMMARY, "pending") == "0"
    engine.dispose()
