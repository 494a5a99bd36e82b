"""Termination of service (001:7.4): nothing naming the customer survives in any table or key."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text

from models import keys
from models.callbacks import Callback, CallbackAttempt
from models.contacts import open_contact, record_event
from models.customers import Identity, link_contact, match_or_create_customer
from models.db import session_scope
from models.erasure import erase_contacts, erase_customer
from models.records import ErasureRecord
from routing.safeguarding_alerts import SafeguardingAlerts

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
NGOZI = Identity.of(
    surname="Okafor", first_name="Ngozi", date_of_birth="1990-02-01", postcode="LS1 4AP"
)
ADA = Identity.of(
    surname="Lovelace", first_name="Ada", date_of_birth="1985-12-10", postcode="SW1A 1AA"
)
NGOZI_PHONE, ADA_PHONE = "+447700900123", "+447700900999"
NGOZI_TRACES = ("okafor", "ngozi", "7700900123", "900123", "ca-ngozi", "ch-ngozi")


def add_customer(engine, redis_client, ident: Identity, phone: str, call: str, chat: str) -> int:
    """A customer with a call (and its callback) and a chat, in the database and in Redis."""
    with session_scope(engine) as session:
        customer_id = match_or_create_customer(session=session, identity=ident, at=NOW).customer_id
        for key, channel in ((call, "phone"), (chat, "webchat")):
            open_contact(session=session, key=key, channel=channel, at=NOW)
            link_contact(session=session, contact_key=key, customer_id=customer_id)
            record_event(
                session=session,
                contact_key=key,
                kind="customer_said",
                at=NOW,
                text=f"Hello, my name is {ident.first_name.title()} "
                f"{ident.surname.title()}, ring me on {phone}",
            )
        callback = Callback(
            contact_key=call,
            contractor_id="yorkshire-humber",
            due_at=NOW,
            phone=phone,
            reason=f"{ident.first_name} wants advice",
            summary={"name": ident.surname},
            source="cold_transfer",
            created_at=NOW,
            updated_at=NOW,
            available_at=NOW,
            attempt_count=1,
        )
        session.add(callback)
        session.flush()
        session.add(
            CallbackAttempt(
                callback_id=callback.id, number=1, staff_id="adviser-1", outcome="no_answer", at=NOW
            )
        )
    redis_client.hset(keys.key(keys.CALL_STATE, call_sid=call), mapping={"from": phone})
    redis_client.set(
        keys.key(keys.CHAT_SESSION, session_id=chat), json.dumps({"name": ident.surname})
    )
    redis_client.rpush(keys.key(keys.CHAT_EVENTS, session_id=chat), f"hello {ident.first_name}")
    redis_client.zadd(keys.key(keys.QUEUE, queue_id="adult-advice"), {call: 1.0})
    redis_client.zadd(keys.CALLBACKS_DUE, {str(callback.id): 1.0})
    redis_client.set(keys.key(keys.CALLBACK_LEASE, callback_id=callback.id), "adviser-1")
    redis_client.set(keys.key(keys.RATE, scope="chat", ident=chat), 3)
    # The assistant's tracker and lock (tests pass the same Redis for Rasa's database).
    redis_client.set(
        keys.key(keys.RASA_TRACKER, sender_id=chat),
        json.dumps({"sender_id": chat, "events": [{"text": f"I am {ident.surname}"}]}),
    )
    redis_client.set(
        keys.key(keys.RASA_LOCK, sender_id=call), json.dumps({"conversation_id": call})
    )
    return customer_id


def database_text(engine) -> str:
    values = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                values += [str(v) for v in row]
    return "\n".join(values).lower()


def redis_text(client) -> str:
    readers = {
        "string": client.get,
        "hash": client.hgetall,
        "list": lambda k: client.lrange(k, 0, -1),
        "set": client.smembers,
        "zset": lambda k: client.zrange(k, 0, -1),
    }
    return "\n".join(f"{k} {readers[client.type(k)](k)}" for k in client.scan_iter()).lower()


@pytest.fixture
def two_customers(engine, redis_client):
    ngozi = add_customer(engine, redis_client, NGOZI, NGOZI_PHONE, "CA-NGOZI", "CH-NGOZI")
    add_customer(engine, redis_client, ADA, ADA_PHONE, "CA-ADA", "CH-ADA")
    return ngozi


def test_erasure_leaves_nothing_that_names_the_customer(engine, redis_client, two_customers):
    assert "ngozi" in redis_text(redis_client) and "7700900123" in database_text(engine)
    with session_scope(engine) as session:
        receipt = erase_customer(
            session=session,
            customer_id=two_customers,
            redis=redis_client,
            tracker_redis=redis_client,
            at=NOW + timedelta(days=1),
        )
    stored, live = database_text(engine), redis_text(redis_client)
    for trace in NGOZI_TRACES:
        assert trace not in stored, trace
        assert trace not in live, trace
    assert receipt.counts["contacts"] == 2 and receipt.counts["callbacks"] == 1
    assert receipt.counts["customers"] == 1 and receipt.counts["trackers"] == 2


def test_erasure_is_recorded_without_personal_data(engine, redis_client, two_customers):
    with session_scope(engine) as session:
        receipt = erase_customer(
            session=session,
            customer_id=two_customers,
            redis=redis_client,
            tracker_redis=redis_client,
            at=NOW,
        )
    with session_scope(engine) as session:
        record = session.get(ErasureRecord, 1)
    assert record.reference == receipt.reference and record.reason == "termination_of_service"
    assert record.erased_at == NOW and record.counts == receipt.counts
    assert set(record.counts) == {
        "callback_attempts",
        "callbacks",
        "events",
        "contacts",
        "satisfaction_responses",
        "follow_ups",
        "information_confirmations",
        "survey_invitations",
        "written_messages",
        "written_enquiries",
        "safeguarding_cases",
        "customers",
        "redis_keys",
        "trackers",
        "identity_checks",
    }


def test_other_customers_are_untouched(engine, redis_client, two_customers):
    with session_scope(engine) as session:
        erase_customer(
            session=session,
            customer_id=two_customers,
            redis=redis_client,
            tracker_redis=redis_client,
            at=NOW,
        )
    stored, live = database_text(engine), redis_text(redis_client)
    assert "lovelace" in stored and "7700900999" in stored
    assert "ca-ada" in live and "ch-ada" in live
    assert redis_client.zrange(keys.key(keys.QUEUE, queue_id="adult-advice"), 0, -1) == ["CA-ADA"]
    assert redis_client.zcard(keys.CALLBACKS_DUE) == 1


def test_a_later_contact_makes_a_new_customer(engine, redis_client, two_customers):
    with session_scope(engine) as session:
        erase_customer(
            session=session,
            customer_id=two_customers,
            redis=redis_client,
            tracker_redis=redis_client,
            at=NOW,
        )
    with session_scope(engine) as session:
        again = match_or_create_customer(session=session, identity=NGOZI, at=NOW)
    assert not again.returning


def test_anonymous_contacts_can_be_erased_by_key(engine, redis_client):
    with session_scope(engine) as session:
        open_contact(session=session, key="CH-ANON", channel="webchat", at=NOW)
    redis_client.set(keys.key(keys.CHAT_SESSION, session_id="CH-ANON"), "{}")
    with session_scope(engine) as session:
        receipt = erase_contacts(
            session=session,
            contact_keys=["CH-ANON"],
            redis=redis_client,
            tracker_redis=redis_client,
            at=NOW,
        )
    assert receipt.counts["contacts"] == 1 and receipt.counts["customers"] == 0
    assert "ch-anon" not in database_text(engine) and not redis_client.keys("*CH-ANON*")


def test_an_unknown_customer_is_refused(engine, redis_client):
    with session_scope(engine) as session, pytest.raises(LookupError):
        erase_customer(
            session=session, customer_id=404, redis=redis_client, tracker_redis=redis_client, at=NOW
        )


def test_erasure_removes_the_contacts_safeguarding_alerts(engine, redis_client, two_customers):
    alerts = SafeguardingAlerts(redis_client)
    for contact, channel in (("CA-NGOZI", "phone"), ("CH-NGOZI", "webchat"), ("CA-ADA", "phone")):
        alerts.raise_alert(contact=contact, channel=channel, kind="self_harm", explicit=True,
                           rule="suicide", where="assistant", at=NOW)
    with session_scope(engine) as session:
        erase_customer(session=session, customer_id=two_customers, redis=redis_client,
                       tracker_redis=redis_client, at=NOW + timedelta(days=1))
    # Ngozi's alerts are gone from the supervisors' stream; another customer's stays.
    assert [a["contact"] for a in alerts.recent()] == ["CA-ADA"]
    entries = redis_client.xrange(keys.SAFEGUARDING_ALERTS)
    assert not any("NGOZI" in value for _, fields in entries for value in fields.values())


def test_erasing_one_contact_by_key_removes_its_alert(engine, redis_client):
    with session_scope(engine) as session:
        open_contact(session=session, key="CA-ANON", channel="phone", at=NOW)
    alerts = SafeguardingAlerts(redis_client)
    alerts.raise_alert(contact="CA-ANON", channel="phone", kind="abuse", explicit=False,
                       rule="fear_or_control", where="queue", at=NOW)
    alerts.raise_alert(contact="CA-OTHER", channel="phone", kind="danger", explicit=True,
                       rule="danger", where="speech", at=NOW)
    with session_scope(engine) as session:
        erase_contacts(session=session, contact_keys=["CA-ANON"], redis=redis_client,
                       tracker_redis=redis_client, at=NOW)
    assert [a["contact"] for a in alerts.recent()] == ["CA-OTHER"]
