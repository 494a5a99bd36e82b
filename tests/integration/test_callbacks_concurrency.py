"""Many claimers at once: each callback goes to exactly one; retried creates make one row."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from models.callbacks import Callback
from models.db import make_engine
from routing import callbacks as cb

NOW = datetime(2026, 6, 8, 9, 0, tzinfo=UTC)
CALLBACKS = 120
CLAIMERS = 12


def _create_many(engine, count):
    with Session(engine) as session:
        for number in range(count):
            cb.create_callback(session=session, contact_key=f"CA{number:04d}",
                               due=NOW + timedelta(minutes=number % 17), reason="advice",
                               source="cold_transfer", contractor_id="london",
                               phone="+447700900123", now=NOW)


def test_many_claimers_one_winner_each(engine, database_url):
    _create_many(engine, CALLBACKS)
    pooled = make_engine(database_url, pool_size=CLAIMERS)
    start = threading.Barrier(CLAIMERS)

    def claim_all(staff_id):
        won = []
        start.wait()
        with Session(pooled) as session:
            while (claimed := cb.claim_next(session=session, staff_id=staff_id,
                                            contractor_id="london", now=NOW)) is not None:
                assert claimed.claimed_by == staff_id
                won.append(claimed.id)
        return won

    with ThreadPoolExecutor(CLAIMERS) as pool:
        results = list(pool.map(claim_all, [f"staff-{n}" for n in range(CLAIMERS)]))
    pooled.dispose()
    claimed = Counter(i for won in results for i in won)
    assert len(claimed) == CALLBACKS and set(claimed.values()) == {1}
    with Session(engine) as session:
        rows = session.scalars(select(Callback)).all()
    assert all(row.status == "claimed" and row.claim_count == 1 for row in rows)
    # Claimed soonest due first, so the due times each claimer saw never go backwards.
    owner = {row.id: row for row in rows}
    for won in results:
        dues = [owner[i].due_at for i in won]
        assert dues == sorted(dues)


def test_simultaneous_retried_creates_make_one_callback(engine, database_url):
    pooled = make_engine(database_url, pool_size=CLAIMERS)
    start = threading.Barrier(CLAIMERS)

    def create(_):
        start.wait()
        with Session(pooled) as session:
            return cb.create_callback(session=session, contact_key="CA-retried", due=NOW,
                                      reason="advice", source="cold_transfer",
                                      contractor_id="london", phone="+447700900123").id

    with ThreadPoolExecutor(CLAIMERS) as pool:
        ids = set(pool.map(create, range(CLAIMERS)))
    pooled.dispose()
    assert len(ids) == 1
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Callback)) == 1


def test_expired_leases_are_shared_out_once(engine, database_url):
    _create_many(engine, 30)
    with Session(engine) as session:
        while cb.claim_next(session=session, staff_id="gone-home", lease_seconds=30, now=NOW):
            pass
    later = NOW + timedelta(seconds=31)
    pooled = make_engine(database_url, pool_size=6)

    def claim_all(staff_id):
        with Session(pooled) as session:
            won = []
            while (claimed := cb.claim_next(session=session, staff_id=staff_id, now=later)):
                won.append(claimed.id)
            return won

    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(claim_all, [f"s{n}" for n in range(6)]))
    pooled.dispose()
    claimed = Counter(i for won in results for i in won)
    assert len(claimed) == 30 and set(claimed.values()) == {1}
