"""Contacts and their timelines on SQLite and PostgreSQL: ordered, idempotent, redacted."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from models.contacts import (
    NEUTRAL_INDICATOR,
    EventKind,
    NewEvent,
    UnknownContact,
    close_contact,
    get_contact,
    open_contact,
    record_event,
    record_events,
    timeline,
)
from models.db import session_scope
from models.restricted_words import listed_forms

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHONE = "07700 900123"


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def simulate_call(engine, sid="CA0001"):
    """A whole phone contact as the voice channel would write it, one commit per webhook."""
    steps = [
        (
            EventKind.CUSTOMER_SAID,
            "I'm 19, just out of prison for burglary, call me on " + PHONE,
            None,
        ),
        (EventKind.ASSISTANT_SAID, "Thanks. What is your postcode?", None),
        (EventKind.CUSTOMER_SAID, "It's LS1 4AP and my email is sam@example.com", None),
        (
            EventKind.TRIAGED,
            None,
            {
                "destination": "prime_contractor_advice",
                "priority_groups": ["non_community"],
                "facts": {"age": 19, "in_custody": False},
            },
        ),
        (EventKind.ENQUEUED, None, {"queue": "adult-advice"}),
        (EventKind.TRANSFER_ATTEMPTED, None, {"contractor": "yorkshire-humber"}),
        (EventKind.TRANSFERRED, None, {"contractor": "yorkshire-humber"}),
    ]
    with session_scope(engine) as session:
        open_contact(
            session=session,
            key=sid,
            channel="phone",
            dialled="+44800100900",
            at=at(0),
            event_id=f"{sid}:ringing",
        )
    for n, (kind, words, detail) in enumerate(steps, start=1):
        with session_scope(engine) as session:
            record_event(
                session=session,
                contact_key=sid,
                kind=kind,
                at=at(n * 10),
                event_id=f"{sid}:{n}",
                text=words,
                detail=detail,
            )
    with session_scope(engine) as session:
        close_contact(session=session, key=sid, at=at(200), event_id=f"{sid}:completed")
    return [EventKind.STARTED, *(kind for kind, _, _ in steps), EventKind.ENDED]


def database_text(engine) -> str:
    """Every value in every table, as one lower-cased string to search."""
    values = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                values += [str(v) for v in row]
    return "\n".join(values).lower()


def test_a_simulated_call_leaves_a_complete_ordered_timeline(engine):
    expected = simulate_call(engine)
    with session_scope(engine) as session:
        events = timeline(session=session, contact_key="CA0001")
        contact = get_contact(session=session, key="CA0001")
    assert [e.kind for e in events] == [k.value for k in expected]
    assert [e.seq for e in events] == sorted(e.seq for e in events)
    assert [e.at for e in events] == sorted(e.at for e in events)
    assert all(e.at.tzinfo is not None for e in events)
    assert contact.started_at == at(0) and contact.ended_at == at(200)
    assert contact.indicator == NEUTRAL_INDICATOR  # volunteered, recorded neutrally (001:20.3)
    triaged = next(e for e in events if e.kind == "triaged")
    assert triaged.detail == {
        "destination": "prime_contractor_advice",
        "priority_groups": [],
        "facts": {"age": 19},
    }


def test_no_restricted_word_or_personal_data_is_stored(engine):
    simulate_call(engine)
    stored = database_text(engine)
    assert "07700" not in stored and "900123" not in stored
    assert "ls1 4ap" not in stored and "sam@example.com" not in stored
    words = set(stored.replace("_", " ").replace("-", " ").split())
    assert not words & {"prison", "burglary", "custody", "offender", "in_custody"}
    assert "[restricted]" in stored and "[phone]" in stored
    assert NEUTRAL_INDICATOR in stored


def test_the_whole_appendix_a_list_is_kept_out_of_the_database(engine):
    listed = sorted(listed_forms())
    with session_scope(engine) as session:
        open_contact(session=session, key="CHAT-1", channel="webchat", at=at(0))
        for n, form in enumerate(listed):
            record_event(
                session=session,
                contact_key="CHAT-1",
                kind="customer_said",
                at=at(n),
                text=f"I said {form} to the adviser",
            )
    stored = database_text(engine)
    single_words = {form for form in listed if " " not in form and "-" not in form}
    assert not single_words & set(stored.split())
    assert stored.count("[restricted]") == len(listed)


def test_a_retried_webhook_writes_once(engine):
    with session_scope(engine) as session:
        open_contact(session=session, key="CA2", channel="phone", at=at(0))
        open_contact(session=session, key="CA2", channel="phone", at=at(5))  # retried too
        assert record_event(
            session=session,
            contact_key="CA2",
            kind="answered",
            at=at(1),
            event_id="CA2:in-progress",
        )
        assert not record_event(
            session=session,
            contact_key="CA2",
            kind="answered",
            at=at(1),
            event_id="CA2:in-progress",
        )
        # Once-only kinds are idempotent even without a provider id.
        close_contact(session=session, key="CA2", at=at(9))
        close_contact(session=session, key="CA2", at=at(12))
    with session_scope(engine) as session:
        kinds = [e.kind for e in timeline(session=session, contact_key="CA2")]
        assert kinds == ["started", "answered", "ended"]
        contact = get_contact(session=session, key="CA2")
        assert contact.started_at == at(0) and contact.ended_at == at(9)


def test_concurrent_duplicate_deliveries_write_once(engine):
    with session_scope(engine) as session:
        open_contact(session=session, key="CA3", channel="phone", at=at(0))
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def deliver(event_id: str) -> None:
        try:
            barrier.wait()
            with session_scope(engine) as session:
                record_event(
                    session=session,
                    contact_key="CA3",
                    kind="abandoned",
                    at=at(30),
                    event_id=event_id,
                    detail={"where": "queue"},
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=deliver, args=("CA3:no-answer",)) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    with session_scope(engine) as session:
        kinds = [e.kind for e in timeline(session=session, contact_key="CA3")]
    assert kinds == ["started", "abandoned"]


def test_concurrent_distinct_events_all_land_in_a_strict_order(engine):
    with session_scope(engine) as session:
        open_contact(session=session, key="CH4", channel="webchat", at=at(0))

    def write(worker: int) -> None:
        for n in range(10):
            with session_scope(engine) as session:
                record_event(
                    session=session,
                    contact_key="CH4",
                    kind="customer_said",
                    at=at(worker * 100 + n),
                    event_id=f"w{worker}:{n}",
                    text="hello",
                )

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with session_scope(engine) as session:
        seqs = [e.seq for e in timeline(session=session, contact_key="CH4")]
    assert len(seqs) == 41 and len(set(seqs)) == 41 and seqs == sorted(seqs)


def test_a_batch_of_events_is_written_in_order_in_one_go(engine):
    with session_scope(engine) as session:
        open_contact(session=session, key="CH5", channel="webchat", at=at(0))
        written = record_events(
            session=session,
            contact_key="CH5",
            events=[
                NewEvent(kind="customer_said", at=at(1), event_id="m1", text="Hello"),
                NewEvent(
                    kind="assistant_said", at=at(1), event_id="m2", text="Hi, how can I help?"
                ),
                NewEvent(kind="customer_said", at=at(1), event_id="m1", text="Hello"),
            ],
        )
    assert written == 2
    with session_scope(engine) as session:
        events = timeline(session=session, contact_key="CH5")
    assert [(e.kind, e.text) for e in events[1:]] == [
        ("customer_said", "Hello"),
        ("assistant_said", "Hi, how can I help?"),
    ]


def test_bad_events_are_refused(engine):
    with session_scope(engine) as session:
        open_contact(session=session, key="CA6", channel="phone", at=at(0))
    with session_scope(engine) as session:
        with pytest.raises(ValueError):
            record_event(
                session=session,
                contact_key="CA6",
                kind="abandoned",
                at=at(1),
                detail={"where": "car park"},
            )
        with pytest.raises(ValueError):
            record_event(session=session, contact_key="CA6", kind="danced", at=at(1))
        with pytest.raises(ValueError):
            record_event(
                session=session, contact_key="CA6", kind="answered", at=datetime(2026, 3, 2, 9, 0)
            )  # naive: whose clock?
        with pytest.raises(UnknownContact):
            record_event(session=session, contact_key="nobody", kind="answered", at=at(1))
        with pytest.raises(ValueError):
            open_contact(session=session, key="x", channel="carrier pigeon", at=at(0))
