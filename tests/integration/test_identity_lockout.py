"""The memorable number's lock-out holds under parallel guesses (real PostgreSQL, one session
per thread, as parallel requests on several app processes would have)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from models.customers import Identity
from models.db import make_engine, session_scope
from models.identity import MAX_FAILURES, Check, IdentityCheck, check_secret, identify, set_secret
from models.records import Contact
from tests.support.databases import truncate_all

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NUMBER = "48219375"
GUESSERS = 16


@pytest.fixture
def engine_pg(postgres_url):
    engine = make_engine(postgres_url, pool_size=GUESSERS + 2)
    truncate_all(engine)
    yield engine
    engine.dispose()


def _customer(engine) -> int:
    with session_scope(engine) as db:
        db.add(Contact(key="CA-first", channel="phone", started_at=NOW))
        db.flush()
        match = identify(session=db, contact_key="CA-first", at=NOW, identity=Identity.of(
            surname="Okafor", first_name="Ngozi", date_of_birth="1990-02-01", postcode="LS1 4AP"))
        set_secret(session=db, customer_id=match.customer_id, secret=NUMBER, at=NOW)
        return match.customer_id


def _guess(engine, customer_id: int, secret: str, start: threading.Barrier, results: list):
    start.wait()
    with session_scope(engine) as db:
        results.append(check_secret(session=db, customer_id=customer_id, secret=secret, at=NOW,
                                    contact_key="CA-guesser"))


def test_parallel_wrong_guesses_are_judged_no_more_than_the_limit(engine_pg):
    customer_id = _customer(engine_pg)
    start, results = threading.Barrier(GUESSERS), []
    threads = [threading.Thread(target=_guess, args=(engine_pg, customer_id, f"{n:08d}", start,
                                                     results)) for n in range(GUESSERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == GUESSERS and not any(results)
    with Session(engine_pg) as db:
        actions = [c.action for c in db.exec(select(IdentityCheck).where(
            IdentityCheck.contact_key == "CA-guesser"))]
    # Each guess is judged (refused) or not even checked (locked): never more judged than five.
    assert actions.count(Check.REFUSED) == MAX_FAILURES
    assert actions.count(Check.LOCKED) == GUESSERS - MAX_FAILURES
    # Locked now: even the right number is refused.
    with session_scope(engine_pg) as db:
        assert check_secret(session=db, customer_id=customer_id, secret=NUMBER, at=NOW,
                            contact_key="CA-owner") is None
