"""Retention: transcripts and contact details past the period go; figures' raw events stay."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models import keys
from models.callbacks import Callback
from models.contacts import get_contact, open_contact, record_event, timeline
from models.customers import Identity, link_contact, match_or_create_customer
from models.db import session_scope
from models.records import Customer
from models.retention import PURGED, purge_expired
from models.service_state import get_state

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
CUTOFF = NOW - timedelta(days=90)


def add_contact(
    engine, key: str, started: datetime, status: str = "completed", who: str = "Smith"
) -> None:
    ident = Identity.of(surname=who, first_name="Jo", date_of_birth="1970-01-01", postcode="M1 1AE")
    with session_scope(engine) as session:
        customer_id = match_or_create_customer(
            session=session, identity=ident, at=started
        ).customer_id
        open_contact(session=session, key=key, channel="phone", at=started)
        link_contact(session=session, contact_key=key, customer_id=customer_id)
        record_event(
            session=session,
            contact_key=key,
            kind="customer_said",
            at=started,
            text="I would like to talk about nursing courses",
        )
        record_event(session=session, contact_key=key, kind="answered", at=started)
        session.add(
            Callback(
                contact_key=key,
                queue_id="adults",
                due_at=started,
                phone="+447700900123",
                reason="nursing",
                summary={"need": "advice"},
                source="cold_transfer",
                status=status,
                created_at=started,
                updated_at=started,
                available_at=started,
            )
        )


def test_exactly_what_is_older_than_the_period_is_purged(engine, redis_client):
    add_contact(engine, "CA-OLD", CUTOFF - timedelta(seconds=1), who="Old")
    add_contact(engine, "CA-EDGE", CUTOFF, who="Edge")
    add_contact(engine, "CA-NEW", CUTOFF + timedelta(days=1), who="New")
    add_contact(engine, "CA-OPEN", CUTOFF - timedelta(days=5), status="pending", who="Open")
    redis_client.set(keys.key(keys.RASA_TRACKER, sender_id="CA-OLD"), "{}")
    redis_client.set(keys.key(keys.RASA_TRACKER, sender_id="CA-NEW"), "{}")
    with session_scope(engine) as session:
        counts = purge_expired(
            session=session, now=NOW, retention_days=90, tracker_redis=redis_client
        )
    assert counts == {
        "contacts": 2,
        "transcripts": 2,
        "callbacks": 1,
        "confirmations": 0,
        "written": 0,
        "customers": 2,
        "trackers": 1,
    }
    with session_scope(engine) as session:
        old = timeline(session=session, contact_key="CA-OLD")
        assert [e.kind for e in old] == ["started", "customer_said", "answered"]  # figures stay
        assert all(e.text is None for e in old)
        assert get_contact(session=session, key="CA-OLD").customer_id is None
        for key in ("CA-EDGE", "CA-NEW"):
            said = timeline(session=session, contact_key=key)[1]
            assert said.text == "I would like to talk about nursing courses"
            assert get_contact(session=session, key=key).customer_id is not None
        callbacks = {c.contact_key: c for c in session.exec(select(Callback))}
        assert callbacks["CA-OLD"].phone is None and callbacks["CA-OLD"].reason == PURGED
        assert callbacks["CA-OPEN"].phone == "+447700900123"  # still owed to the customer
        assert callbacks["CA-EDGE"].phone == "+447700900123"
        assert {c.surname for c in session.exec(select(Customer))} == {"edge", "new"}
        assert get_state(session=session, name="retention.last_run") == NOW.isoformat()
    assert redis_client.exists(keys.key(keys.RASA_TRACKER, sender_id="CA-NEW"))
    assert not redis_client.exists(keys.key(keys.RASA_TRACKER, sender_id="CA-OLD"))


def test_a_second_run_finds_nothing_more(engine):
    add_contact(engine, "CA-OLD", CUTOFF - timedelta(days=1))
    with session_scope(engine) as session:
        purge_expired(session=session, now=NOW, retention_days=90)
    with session_scope(engine) as session:
        counts = purge_expired(session=session, now=NOW, retention_days=90)
    assert counts == dict.fromkeys(
        ("contacts", "transcripts", "callbacks", "confirmations", "written", "customers",
         "trackers"), 0
    )


def test_a_returning_customer_keeps_their_record(engine):
    add_contact(engine, "CA-FIRST", CUTOFF - timedelta(days=30), who="Back")
    add_contact(engine, "CA-SECOND", CUTOFF + timedelta(days=30), who="Back")
    with session_scope(engine) as session:
        counts = purge_expired(session=session, now=NOW, retention_days=90)
        assert counts["customers"] == 0 and counts["contacts"] == 1
        assert len(session.exec(select(Customer)).all()) == 1


def test_retention_reaches_live_redis_trackers_and_logs(engine, redis_client, tmp_path):
    """RETENTION_DAYS on a fixed clock: the old contact's live keys, its assistant tracker and
    the log lines older than the period go; the recent contact's and recent lines stay."""
    old, new = "CA-OLD-LIVE", "CA-NEW-LIVE"
    add_contact(engine, old, CUTOFF - timedelta(days=1))
    add_contact(engine, new, CUTOFF + timedelta(days=1))
    for sid in (old, new):
        redis_client.set(keys.key(keys.CALL_STATE, call_sid=sid), "{}")
        redis_client.set(keys.key(keys.RASA_TRACKER, sender_id=sid), "{}")
    logs = tmp_path / "log"
    logs.mkdir()
    before, after = CUTOFF - timedelta(hours=1), CUTOFF + timedelta(hours=1)
    (logs / "app.log").write_text(
        f"{before:%Y-%m-%d %H:%M:%S},120 INFO ivr: old line\n"
        "Traceback (most recent call last): a continuation of the old line\n"
        f"[{after:%Y-%m-%d %H:%M:%S} +0000] [12] [INFO] recent line\n"
        "a continuation of the recent line\n"
    )
    stale = logs / "emulator.log"
    stale.write_text(f"{before:%Y-%m-%d %H:%M:%S} INFO emulator: an old call\n")
    os.utime(stale, (before.timestamp(), before.timestamp()))
    with session_scope(engine) as session:
        counts = purge_expired(session=session, now=NOW, retention_days=90,
                               tracker_redis=redis_client, redis=redis_client, log_dir=logs)
    assert counts["trackers"] == 1 and counts["redis_keys"] == 1 and counts["log_lines"] == 3
    assert not redis_client.exists(keys.key(keys.CALL_STATE, call_sid=old))
    assert not redis_client.exists(keys.key(keys.RASA_TRACKER, sender_id=old))
    assert redis_client.exists(keys.key(keys.CALL_STATE, call_sid=new))
    assert redis_client.exists(keys.key(keys.RASA_TRACKER, sender_id=new))
    assert (logs / "app.log").read_text().splitlines() == [
        f"[{after:%Y-%m-%d %H:%M:%S} +0000] [12] [INFO] recent line",
        "a continuation of the recent line",
    ]
    assert not stale.exists()
