"""The identity step tells no one who has a record, and a record made first in someone else's
details does not open their contacts (real Redis and PostgreSQL, chat and phone).

Anyone may know a person's surname, first name, date of birth and postcode. What the step says
after them, and after a memorable number, must be the same whether the person has a record, one
with a number, or none; and a number chosen by whoever made the record first proves only the
contacts it was given on.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

import models.customers as customers
from config.settings import Settings
from models.db import make_engine
from models.identity import MAX_FAILURES, IdentityCheck
from models.records import Customer
from tests.integration.test_chat_api import contact_key, make_app
from tests.integration.test_identity_chat import _advice, _give
from tests.integration.test_identity_phone import _advice_call
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.twilio import WEEKDAY_MORNING, voice_app


@pytest.fixture
def settings_pg(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    engine.dispose()
    return Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, identity_checks=True, _env_file=None)


@pytest.fixture
def chat(settings_pg, redis_client):
    return make_app(settings_pg)


@pytest.fixture
def weekday(settings_pg, redis_client):
    return voice_app(settings_pg, WEEKDAY_MORNING)


NOBODY = ("Adeyemi", "Tola", "03/04/1985", "LS1 4AP")
WITH_NUMBER = ("Okafor", "Ngozi", "01/02/1990", "LS1 4AP")
WITHOUT_NUMBER = ("Brown", "Sam", "05/06/1975", "LS1 4AP")
NUMBER, GUESS = "48214821", "11112222"


def _chat_records(client) -> None:
    _give(client, _advice(client)[0], *WITH_NUMBER, NUMBER)
    _give(client, _advice(client)[0], *WITHOUT_NUMBER, "/identity_decline")


def _seen(answer: dict) -> str:
    return json.dumps(answer, sort_keys=True)


def test_chat_says_the_same_whether_or_not_the_person_has_a_record(chat):
    client = chat.test_client()
    _chat_records(client)
    after_details, after_number = set(), set()
    for details in (NOBODY, WITH_NUMBER, WITHOUT_NUMBER):
        session_id, _ = _advice(client)
        after_details.add(_seen(_give(client, session_id, *details)))
        after_number.add(_seen(_give(client, session_id, GUESS)))
    assert len(after_details) == 1, after_details
    assert len(after_number) == 1, after_number


def _heard_and_waiting(call, heard: list[str]) -> str:
    waiting = call.waiting
    element = getattr(waiting.element, "attrib", None)
    return json.dumps([heard, waiting.kind, dict(element or {})], sort_keys=True)


def _call_details(call, details) -> list[str]:
    surname, first_name, born, postcode = details
    call.say(surname)
    call.say(first_name)
    call.press(born.replace("/", ""))
    return call.say(postcode)


def test_the_phone_says_the_same_whether_or_not_the_person_has_a_record(weekday):
    first, _ = _advice_call(weekday)
    _call_details(first, WITH_NUMBER)
    first.press(NUMBER)
    second, _ = _advice_call(weekday)
    _call_details(second, WITHOUT_NUMBER)
    second.press("#")
    after_details, after_number = set(), set()
    for details in (NOBODY, WITH_NUMBER, WITHOUT_NUMBER):
        call, _ = _advice_call(weekday)
        after_details.add(_heard_and_waiting(call, _call_details(call, details)))
        after_number.add(_heard_and_waiting(call, call.press(GUESS)))
    assert len(after_details) == 1, after_details
    assert len(after_number) == 1, after_number


def test_the_number_costs_the_same_hashing_work_whatever_the_record(chat, monkeypatch):
    # Set, checked, a record without a number, a locked record: one argon2 operation each, so
    # the time an answer takes does not say which.
    client = chat.test_client()
    _chat_records(client)
    work: list[str] = []

    class Counting:
        def __init__(self, real):
            self.real = real

        def hash(self, *args):
            work.append("hash")
            return self.real.hash(*args)

        def verify(self, *args):
            work.append("verify")
            return self.real.verify(*args)

        def check_needs_rehash(self, *args):
            return self.real.check_needs_rehash(*args)

    monkeypatch.setattr(customers, "_HASHER", Counting(customers._HASHER))
    done = []
    for details in (NOBODY, WITH_NUMBER, WITHOUT_NUMBER):
        session_id, _ = _advice(client)
        _give(client, session_id, *details)
        work.clear()
        _give(client, session_id, GUESS)
        done.append(len(work))
    for _ in range(MAX_FAILURES):  # lock the record with a number
        _give(client, _advice(client)[0], *WITH_NUMBER, GUESS)
    session_id, _ = _advice(client)
    _give(client, session_id, *WITH_NUMBER)
    work.clear()
    _give(client, session_id, NUMBER)
    done.append(len(work))
    assert done == [1, 1, 1, 1]


def test_a_record_made_first_in_someone_elses_details_does_not_open_their_contacts(chat):
    from tests.integration.test_console_desk import adviser

    client = chat.test_client()
    # Someone who knows the person's four details makes the record first and picks its number.
    _give(client, _advice(client)[0], *WITH_NUMBER, NUMBER)
    # The person themselves comes later: matched to that record, their own number is refused.
    person, _ = _advice(client)
    _give(client, person, *WITH_NUMBER, "24682468")
    # The first one comes back with their number: the adviser sees only the contacts that
    # number was given on, never the person's.
    again, _ = _advice(client)
    _give(client, again, *WITH_NUMBER, NUMBER)
    sam, _ = adviser(chat, "sam", queues=("adult_digital_advice",))
    record = sam.get(f"/console/api/contacts/{again}").get_json()["record"]
    assert record["authenticated"] is True
    assert len(record["past_contacts"]) == 1  # the first contact only
    with Session(chat.extensions["engine"]) as db:
        [customer] = db.exec(select(Customer)).all()
        checks = [(c.action, c.contact_key) for c in db.exec(
            select(IdentityCheck).order_by(IdentityCheck.id))]
    assert ("refused", contact_key(chat, person)) in checks
    assert customer.id  # one record: the person is linked to it, but it does not open for them


@pytest.mark.parametrize("declined", ["/identity_decline", "12"])
def test_declining_or_a_short_number_sounds_the_same_for_everyone(chat, declined):
    client = chat.test_client()
    _chat_records(client)
    seen = set()
    for details in (NOBODY, WITH_NUMBER, WITHOUT_NUMBER):
        session_id, _ = _advice(client)
        _give(client, session_id, *details)
        seen.add(_seen(_give(client, session_id, declined)))
    assert len(seen) == 1, seen
