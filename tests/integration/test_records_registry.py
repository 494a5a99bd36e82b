"""One identity per contact: erasure driven by the registry of per-contact key patterns
(models.keys.per_contact), chat contacts named by their session id or contact key, and the
records commands finding the Redis that `make run` started."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime

import pytest

from config.settings import Settings
from models import keys
from models import redis as redis_connection
from models.contacts import open_contact
from models.db import session_scope
from models.erasure import contact_ids, erase_contacts
from models.minimise import for_storage, from_storage, outward_code
from models.records_cli import run
from tests.support.databases import TEST_REDIS_URL

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SESSION = "s" * 20 + "_-" + "A" * 21  # the shape of secrets.token_urlsafe(32)


@pytest.fixture
def registered():
    """A pattern registered as another part of the system would, removed afterwards."""
    before = list(keys.CONTACT_PATTERNS)
    keys.per_contact(keys.PREFIX + "presence:*:{contact}")
    keys.per_contact(keys.PREFIX + "live-events", holds_contacts=True)
    yield
    keys.CONTACT_PATTERNS[:] = before


def test_a_chat_is_one_identity_from_its_session_id_or_contact_key(redis_client):
    contact = keys.chat_contact_key(SESSION)
    assert contact == "webchat-" + keys.session_digest(SESSION)
    redis_client.hset(keys.key(keys.CHAT_SESSION, session_id=SESSION), "contact_key", contact)
    by_session, by_contact = contact_ids(SESSION, redis_client), contact_ids(contact, redis_client)
    assert by_session == by_contact
    assert by_session.sessions == (SESSION,) and by_session.digest == keys.session_digest(SESSION)


def test_erasure_reaches_every_registered_pattern(engine, redis_client, registered):
    contact = keys.chat_contact_key(SESSION)
    digest = keys.session_digest(SESSION)
    with session_scope(engine) as session:
        open_contact(session=session, key=contact, channel="webchat", at=NOW)
    named = [
        keys.key(keys.CHAT_SESSION, session_id=SESSION),
        keys.key(keys.CHAT_EVENTS, session_id=SESSION),
        keys.key(keys.RATE, scope="session_messages", ident=f"{digest}:123"),
        keys.PREFIX + f"presence:desk-4:{contact}",
        keys.key(keys.RASA_TRACKER, sender_id=contact),
    ]
    for name in named:
        redis_client.set(name, "x")
    redis_client.zadd(keys.key(keys.QUEUE, queue_id="adults"), {SESSION: 1, "other": 2})
    redis_client.xadd(keys.PREFIX + "live-events", {"contact": contact, "kind": "enqueued"})
    redis_client.xadd(keys.PREFIX + "live-events", {"contact": "CA-other", "kind": "enqueued"})
    redis_client.set(keys.key(keys.CALL_STATE, call_sid="CA-other"), "kept")
    with session_scope(engine) as session:
        receipt = erase_contacts(session=session, contact_keys=[SESSION], redis=redis_client,
                                 tracker_redis=redis_client, at=NOW)
    assert receipt.counts["contacts"] == 1
    assert [n for n in named if redis_client.exists(n)] == []
    assert redis_client.zrange(keys.key(keys.QUEUE, queue_id="adults"), 0, -1) == ["other"]
    entries = [f["contact"] for _, f in redis_client.xrange(keys.PREFIX + "live-events")]
    assert entries == ["CA-other"]
    assert redis_client.get(keys.key(keys.CALL_STATE, call_sid="CA-other")) == "kept"


def test_a_pattern_must_name_the_contact_once():
    with pytest.raises(ValueError, match="name the contact"):
        keys.per_contact(keys.PREFIX + "thing:*")
    with pytest.raises(ValueError, match="store"):
        keys.per_contact(keys.PREFIX + "thing:{contact}", store="elsewhere")


def test_the_records_commands_find_the_embedded_redis_make_run_recorded(
        sqlite_url, redis_client, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(redis_connection, "EMBEDDED_URL_FILE", tmp_path / "redis.url")
    redis_connection.record_embedded_url(TEST_REDIS_URL)
    call_state = keys.key(keys.CALL_STATE, call_sid="CA-live")
    redis_client.set(call_state, "{}")
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url="",
                        rasa_tracker_redis_url="", _env_file=None)
    args = argparse.Namespace(command="erase", yes=True, contact=["CA-live"], customer=None,
                              surname=None, first_name=None, date_of_birth=None, postcode=None)
    assert run(args, settings) == 0
    assert '"redis_keys": 1' in capsys.readouterr().out
    assert not redis_client.exists(call_state)
    redis_connection.record_embedded_url(None)
    assert redis_connection.embedded_url() == ""


def test_live_state_keeps_outward_codes_and_neutral_fact_names():
    state = {"facts": {"postcode": "LS1 4AP", "in_custody": True, "age": 18},
             "plan": {"decision": {"facts": {"postcode": "m11ae"}}}}
    stored = for_storage(state)
    assert stored == {"facts": {"postcode": "LS1", "non_community": True, "age": 18},
                      "plan": {"decision": {"facts": {"postcode": "M1"}}}}
    assert from_storage(stored)["facts"] == {"postcode": "LS1", "in_custody": True, "age": 18}
    assert outward_code("SW1A") == "SW1A" and outward_code("sw1a 1aa") == "SW1A"
