"""The worker on real databases and Redis: callback counts for live pages, daily retention purge."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from models import keys
from models.contacts import open_contact, record_event, timeline
from models.db import session_scope
from routing.callbacks import claim_next, create_callback
from routing.worker import retention_due, summarise_callbacks, tick
from tests.support.databases import TEST_REDIS_URL

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _callback(engine, key: str, due: datetime) -> None:
    with Session(engine) as session:
        create_callback(session=session, contact_key=key, due=due,
                        reason="advice on a career change", source="cold_transfer",
                        contractor_id="north-west", phone="+447700900123",
                        now=NOW - timedelta(hours=3))


def test_summary_counts_pending_overdue_and_lapsed_leases(engine, redis_client):
    _callback(engine, "CA-overdue", NOW - timedelta(hours=1))
    _callback(engine, "CA-later", NOW + timedelta(days=1))
    _callback(engine, "CA-claimed", NOW - timedelta(minutes=5))
    with Session(engine) as session:
        claim_next(session=session, staff_id="adviser-1", lease_seconds=60,
                   now=NOW - timedelta(hours=2))
    summary = summarise_callbacks(engine=engine, redis=redis_client, now=NOW)
    assert summary["pending"] == 2 and summary["claimed"] == 1
    assert summary["overdue"] == 2  # the one claimed two hours ago is due earliest and still open
    assert summary["lapsed_leases"] == 1
    stored = redis_client.hgetall(keys.CALLBACKS_SUMMARY)
    assert stored["overdue"] == "2" and stored["pending"] == "2"


def test_retention_runs_once_a_day_and_purges_old_transcripts(engine, redis_client):
    old = NOW - timedelta(days=120)
    with session_scope(engine) as session:
        open_contact(session=session, key="CA-old", channel="phone", at=old,
                     dialled="+448001234567")
        record_event(session=session, contact_key="CA-old", kind="customer_said", at=old,
                     text="I want advice about apprenticeships")
    assert retention_due(engine=engine, now=NOW)
    tick(engine=engine, redis=redis_client, trackers=None, retention_days=90, now=NOW)
    with Session(engine) as session:
        events = timeline(session=session, contact_key="CA-old")
        said = [e for e in events if e.kind == "customer_said"]
    assert said and all("apprenticeships" not in (e.text or "") for e in said)
    assert not retention_due(engine=engine, now=NOW + timedelta(hours=23))
    assert retention_due(engine=engine, now=NOW + timedelta(days=1))


def test_worker_process_runs_a_round_and_exits(postgres_url, redis_client):
    repo = Path(__file__).resolve().parents[2]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": postgres_url, "REDIS_URL": TEST_REDIS_URL,
           "PYTHONPATH": str(repo)}
    done = subprocess.run([sys.executable, "-m", "app.worker", "--once"], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert redis_client.hget(keys.CALLBACKS_SUMMARY, "pending") is not None
