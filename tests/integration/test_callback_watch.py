"""The worker's watch: due-soon and overdue raised once each, even with several workers at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from models.contacts import open_contact, timeline
from models.db import make_engine
from routing import callback_live
from routing.callback_watch import read_counts, watch
from routing.callbacks import create_callback, get_callback
from routing.worker import tick

NOW = datetime(2026, 12, 28, 12, 0, tzinfo=UTC)


def _callback(engine, key, due, owner=None):
    owner = owner or {"contractor_id": "north-west"}
    with Session(engine) as session:
        open_contact(session=session, key=key, channel="phone", at=NOW - timedelta(days=1))
        session.commit()
        return create_callback(session=session, contact_key=key, due=due, reason="advice",
                               source="cold_transfer", phone="+447700900123",
                               now=NOW - timedelta(days=1), **owner).id


def _kinds(engine, key):
    with Session(engine) as session:
        return [e.kind for e in timeline(session=session, contact_key=key)]


def test_due_soon_then_overdue_each_raised_once_on_timeline_stream_and_counts(engine,
                                                                             redis_client):
    soon = _callback(engine, "CA-soon", NOW + timedelta(minutes=30))
    late = _callback(engine, "CA-late", NOW - timedelta(minutes=5))
    _callback(engine, "CA-later", NOW + timedelta(hours=5))
    _callback(engine, "CA-queue", NOW - timedelta(hours=1), owner={"queue_id": "young_people"})
    assert watch(engine=engine, redis=redis_client, now=NOW, due_soon_minutes=60) == \
        {"overdue": 2, "due_soon": 1}
    assert watch(engine=engine, redis=redis_client, now=NOW, due_soon_minutes=60) == \
        {"overdue": 0, "due_soon": 0}
    with Session(engine) as session:
        assert get_callback(session=session, callback_id=soon).alert == "due_soon"
        assert get_callback(session=session, callback_id=late).alert == "overdue"
    assert _kinds(engine, "CA-soon")[-1] == "callback_due_soon"
    assert _kinds(engine, "CA-late")[-1] == "callback_overdue"
    assert "callback_due_soon" not in _kinds(engine, "CA-later")
    counts = read_counts(redis_client)
    assert counts["north-west"] == {"pending": 3, "due_within_hour": 1, "overdue": 1,
                                    "failed_today": 0}
    assert counts["young_people"]["overdue"] == 1
    # Forty minutes on, the due-soon one is overdue: raised again, once.
    later = NOW + timedelta(minutes=40)
    assert watch(engine=engine, redis=redis_client, now=later, due_soon_minutes=60) == \
        {"overdue": 1, "due_soon": 0}
    key = callback_live.stream_key("contractor:north-west")
    _, changes = callback_live.read_since(redis_client, key, "0-0")
    assert [(c["callback_id"], c["kind"]) for c in changes] == [
        (late, "overdue"), (soon, "due_soon"), (soon, "overdue")]
    centre = callback_live.stream_key("contact-centre")
    assert [c["owner"] for c in callback_live.read_since(redis_client, centre, "0-0")[1]] == \
        ["queue:young_people"]


def test_several_workers_at_once_raise_each_callback_once(engine, database_url, redis_client):
    ids = [_callback(engine, f"CA-{n}", NOW - timedelta(minutes=n + 1)) for n in range(40)]
    pooled = make_engine(database_url, pool_size=6)
    start = threading.Barrier(6)

    def one_worker(_):
        start.wait()
        return watch(engine=pooled, redis=redis_client, now=NOW, due_soon_minutes=60)["overdue"]

    with ThreadPoolExecutor(6) as pool:
        raised = list(pool.map(one_worker, range(6)))
    pooled.dispose()
    assert sum(raised) == len(ids)
    _, changes = callback_live.read_since(redis_client, callback_live.stream_key(None), "0-0",
                                          count=1000)
    assert sorted(int(c["callback_id"]) for c in changes) == sorted(ids)
    for n in range(40):
        assert _kinds(engine, f"CA-{n}").count("callback_overdue") == 1


def test_the_worker_tick_runs_the_watch(engine, redis_client):
    _callback(engine, "CA-late", NOW - timedelta(minutes=5))
    tick(engine=engine, redis=redis_client, trackers=None, retention_days=90, now=NOW)
    assert read_counts(redis_client)["north-west"]["overdue"] == 1
