"""The identity step's sealed live state on real Redis and PostgreSQL: its own keys, one contact.

The details given so far wait in the chat's live state sealed (models.sealed) under SEALING_KEYS,
not under SECRET_KEY, and bound to the contact they were given on.
"""

from __future__ import annotations

import base64
import json
import os

import pytest
from sqlmodel import Session, select

from config.settings import Settings
from models.records import Customer
from tests.integration.test_chat_api import make_app, say, start
from tests.support.databases import TEST_REDIS_URL

ADVICE = ("/chat_need advice", "30", "M1 1AA")
DETAILS = ("Okafor", "Ngozi", "01/02/1990", "LS1 4AP")
OLD_KEY, NEW_KEY = (base64.b64encode(os.urandom(32)).decode() for _ in range(2))


@pytest.fixture
def engine_pg(postgres_url):
    from models.db import make_engine
    from tests.support.databases import truncate_all

    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


def _app(postgres_url, **settings):
    return make_app(Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                             rasa_enabled=False, identity_checks=True, _env_file=None,
                             **settings))


def _to_the_questions(client) -> str:
    session_id = start(client)
    for text in ADVICE:
        say(client, session_id, text)
    return session_id


def _words(answer: dict) -> str:
    return " ".join(m["text"] for m in answer["messages"])


def _state(app, session_id: str) -> dict:
    return json.loads(app.extensions["redis"].hget(f"ct:chat:{session_id}", "identity"))


def _customers(engine) -> int:
    with Session(engine) as db:
        return len(db.exec(select(Customer)).all())


def test_the_sealing_keys_not_secret_key_open_the_details(postgres_url, redis_client, engine_pg):
    # Two processes of one deployment, with another SECRET_KEY (a cookie key rotated) but the
    # same SEALING_KEYS: the second opens what the first sealed.
    first = _app(postgres_url, secret_key="a" * 32, sealing_keys=OLD_KEY)
    session_id = _to_the_questions(first.test_client())
    for text in DETAILS[:2]:
        say(first.test_client(), session_id, text)
    second = _app(postgres_url, secret_key="b" * 32, sealing_keys=OLD_KEY)
    for text in DETAILS[2:]:
        answer = say(second.test_client(), session_id, text)
    assert "memorable number" in _words(answer)
    assert _customers(engine_pg) == 1


def test_rotating_the_sealing_keys_keeps_a_step_under_way(postgres_url, redis_client, engine_pg):
    before = _app(postgres_url, sealing_keys=OLD_KEY)
    session_id = _to_the_questions(before.test_client())
    say(before.test_client(), session_id, DETAILS[0])
    after = _app(postgres_url, sealing_keys=f"{NEW_KEY},{OLD_KEY}")  # a new key first
    for text in DETAILS[1:3]:
        say(after.test_client(), session_id, text)
    # The details are sealed again under the new key alone now.
    sealed = _state(after, session_id)["sealed"]
    new_only = _app(postgres_url, sealing_keys=NEW_KEY)
    answer = say(new_only.test_client(), session_id, DETAILS[3])
    assert "memorable number" in _words(answer)
    assert sealed and _customers(engine_pg) == 1


def test_details_sealed_on_one_chat_do_not_open_on_another(postgres_url, redis_client,
                                                           engine_pg):
    # Someone who could write one chat's live state copies another chat's sealed details in,
    # hoping to finish the step on them: they do not open there, and no record is touched.
    app = _app(postgres_url, sealing_keys=OLD_KEY)
    client = app.test_client()
    victim = _to_the_questions(client)
    for text in DETAILS[:3]:
        say(client, victim, text)
    other = _to_the_questions(client)
    for text in DETAILS[:3]:
        say(client, other, "Smith" if text == "Okafor" else text)
    redis = app.extensions["redis"]
    state = _state(app, other)
    state["sealed"] = _state(app, victim)["sealed"]
    redis.hset(f"ct:chat:{other}", "identity", json.dumps(state))
    answer = say(client, other, DETAILS[3])
    assert "go on without your record" in _words(answer)
    assert _customers(engine_pg) == 0
