"""The identity step on chat, on real Redis and the database (the button menu, no assistant).

A customer going to an adviser is asked for exactly the four details 000:L61 matches on, after
the routing decision (001:29.1); all four match a record or a new one is made (001:7.2) and the
contact is linked; a memorable number is set at first contact and asked of a returning customer
(001:7.3). Declining, bad input, safeguarding and erasure are covered too.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from config.settings import Settings
from models.erasure import erase_customer
from models.identity import IdentityCheck
from models.records import Contact, ContactEvent, Customer
from models.subject_access import export_customer
from tests.integration.test_chat_api import contact_key, make_app, say, start, transcript
from tests.support.databases import TEST_REDIS_URL

ADVICE = ("/chat_need advice", "30", "M1 1AA")
DETAILS = ("Okafor", "Ngozi", "01/02/1990", "LS1 4AP")


@pytest.fixture
def chat(postgres_url, redis_client, engine_pg):
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, identity_checks=True, _env_file=None)
    return make_app(settings)


@pytest.fixture
def engine_pg(postgres_url):
    from models.db import make_engine
    from tests.support.databases import truncate_all

    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


def _advice(client) -> tuple[str, dict]:
    session_id = start(client)
    answer = {}
    for text in ADVICE:
        answer = say(client, session_id, text)
    return session_id, answer


def _give(client, session_id: str, *texts: str) -> dict:
    answer = {}
    for text in texts:
        answer = say(client, session_id, text)
    return answer


def _words(answer: dict) -> str:
    return " ".join(m["text"] for m in answer["messages"])


def _customers(app) -> list[Customer]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(Customer)).all())


def _linked(app, session_id: str) -> int | None:
    with Session(app.extensions["engine"]) as db:
        key = contact_key(app, session_id)
        return db.exec(select(Contact).where(Contact.key == key)).one().customer_id


def _checks(app) -> list[str]:
    with Session(app.extensions["engine"]) as db:
        return [c.action for c in db.exec(select(IdentityCheck).order_by(IdentityCheck.id))]


def _first_contact(client) -> str:
    session_id, _ = _advice(client)
    answer = _give(client, session_id, *DETAILS)
    assert "memorable number" in _words(answer)
    answer = _give(client, session_id, "482193")
    assert answer["route"]["action"] == "enqueue"
    return session_id


def test_the_details_are_asked_only_after_the_routing_decision(chat):
    client = chat.test_client()
    session_id, answer = _advice(client)
    # The route is decided and given in the same answer: the questions come after it.
    assert answer["route"]["destination"] == "adult_digital_advice"
    words = _words(answer)
    assert "surname" in words and "date of birth" in words
    assert answer["messages"][-1]["buttons"] == [{"title": "No thanks",
                                                  "payload": "/identity_decline"}]
    # Not queued yet: the customer answers first.
    assert not chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    for text, asked in zip(DETAILS[:3], ("first name", "date of birth", "postcode"),
                           strict=True):
        assert asked in _words(say(client, session_id, text))


def test_a_new_customer_is_made_linked_and_sets_a_memorable_number(chat):
    client = chat.test_client()
    session_id = _first_contact(client)
    [customer] = _customers(chat)
    assert (customer.surname, customer.first_name, customer.postcode) == (
        "okafor", "ngozi", "LS14AP")
    assert customer.secret_hash.startswith("$argon2id$") and "482193" not in customer.secret_hash
    assert _linked(chat, session_id) == customer.id
    assert _checks(chat) == ["created", "secret_set"]
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    # Nothing the customer gave is in the transcript, the records or any Redis key.
    shown = json.dumps(transcript(chat, session_id))
    with Session(chat.extensions["engine"]) as db:
        texts = json.dumps([[e.text, e.detail] for e in db.exec(select(ContactEvent))],
                           default=str)
    everything = shown + texts + _all_redis(chat)
    for given in ("Okafor", "Ngozi", "1990", "LS1 4AP", "LS14AP", "482193"):
        assert given not in everything, given


def _all_redis(app) -> str:
    redis = app.extensions["redis"]
    dump = []
    for key in redis.scan_iter():
        kind = redis.type(key)
        if kind == "string":
            dump.append(redis.get(key))
        elif kind == "hash":
            dump.append(json.dumps(redis.hgetall(key)))
        elif kind == "stream":
            dump.append(json.dumps(redis.xrange(key)))
    return " ".join(str(d) for d in dump)


def test_a_returning_customer_matched_on_all_four_gives_the_number(chat):
    client = chat.test_client()
    _first_contact(client)
    session_id, _ = _advice(client)
    # Case and spacing do not matter; the same record is found.
    answer = _give(client, session_id, "OKAFOR", "ngozi", "1 February 1990", "ls14ap")
    assert "memorable number" in _words(answer)
    answer = _give(client, session_id, "482193")
    assert "adviser will go through your record" in _words(answer)
    assert answer["route"]["action"] == "enqueue"
    [customer] = _customers(chat)
    assert _linked(chat, session_id) == customer.id
    assert _checks(chat) == ["created", "secret_set", "matched", "authenticated"]


def test_three_of_four_matching_makes_a_new_record(chat):  # 000:L61
    client = chat.test_client()
    _first_contact(client)
    session_id, _ = _advice(client)
    _give(client, session_id, "Okafor", "Ngozi", "01/02/1990", "M1 1AA")
    assert len(_customers(chat)) == 2
    assert _checks(chat) == ["created", "secret_set", "created"]


def test_a_wrong_number_is_not_told_and_the_customer_goes_on_unchecked(chat):
    client = chat.test_client()
    _first_contact(client)
    session_id, _ = _advice(client)
    _give(client, session_id, *DETAILS)
    answer = say(client, session_id, "111122")
    # Not "that is not right": that would tell anyone with the four details there is a record.
    assert "adviser will go through your record" in _words(answer)
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    assert _checks(chat)[-2:] == ["matched", "refused"]


def test_a_number_of_the_wrong_size_is_asked_again_once_for_everyone(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    _give(client, session_id, *DETAILS)
    assert "has 6 to 8 digits" in _words(say(client, session_id, "4821"))  # four: too few
    assert "go on without it" in _words(say(client, session_id, "123456789"))
    assert _checks(chat) == ["created"]  # nothing set
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)


def test_a_customer_may_decline_and_is_still_served(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    answer = say(client, session_id, "Okafor")
    answer = say(client, session_id, "/identity_decline")
    assert "go on without" in _words(answer)
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    assert _customers(chat) == [] and _linked(chat, session_id) is None
    # What was given before declining is gone from live state too.
    assert "sealed" not in json.dumps(
        chat.extensions["redis"].hget(f"ct:chat:{session_id}", "identity") or "")


@pytest.mark.parametrize("refusal", ["I'd rather not say my name", "none of your business",
                                     "prefer not to give that"])
def test_a_refusal_in_words_declines_at_once_and_is_never_taken_as_a_name(chat, refusal):
    client = chat.test_client()
    session_id, _ = _advice(client)
    answer = say(client, session_id, refusal)  # 000:L68: they may stay anonymous
    assert "go on without" in _words(answer)
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    assert _customers(chat) == [] and _linked(chat, session_id) is None


def test_an_impossible_date_of_birth_is_asked_again_once_then_the_step_goes_on(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    _give(client, session_id, "Okafor", "Ngozi")
    answer = say(client, session_id, "31/02/1990")
    assert "day, month and year" in _words(answer)
    answer = say(client, session_id, "01/02/2024")  # eleven: too young for the service
    assert "go on without your record" in _words(answer)
    assert _customers(chat) == []
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)


def test_an_unrecognised_postcode_is_asked_again(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    answer = _give(client, session_id, "Okafor", "Ngozi", "01/02/1990", "ZZ9 9ZZ")
    assert "did not recognise that postcode" in _words(answer)
    answer = say(client, session_id, "LS1 4AP")
    assert "memorable number" in _words(answer)


def test_information_only_never_asks(chat):  # 001:5.5, 001:29.1
    client = chat.test_client()
    session_id = start(client)
    say(client, session_id, "/chat_need information")
    answer = say(client, session_id, "40")
    assert answer["route"]["action"] == "self_serve"
    assert "surname" not in _words(answer)


def test_safeguarding_during_the_step_hands_over_at_once(chat):  # 003:L211
    client = chat.test_client()
    session_id, _ = _advice(client)
    say(client, session_id, "Okafor")
    answer = say(client, session_id, "i want to kill myself")
    assert answer["route"]["destination"] == "safeguarding"
    assert chat.extensions["redis"].zscore("ct:queue:safeguarding", session_id)
    assert "sealed" not in (chat.extensions["redis"].hget(f"ct:chat:{session_id}",
                                                          "identity") or "")


def test_erasure_and_subject_access_reach_the_records_the_step_made(chat):  # 001:7.4, 001:34
    client = chat.test_client()
    session_id = _first_contact(client)
    [customer] = _customers(chat)
    app = chat
    with Session(app.extensions["engine"]) as db:
        export = export_customer(session=db, customer_id=customer.id,
                                 at=customer.created_at)
    assert export["customer"]["surname"] == "okafor"
    assert [c["channel"] for c in export["contacts"]] == ["webchat"]
    assert [c["action"] for c in export["identity_checks"]] == ["created", "secret_set"]
    with Session(app.extensions["engine"]) as db:
        receipt = erase_customer(session=db, customer_id=customer.id,
                                 redis=app.extensions["redis"],
                                 tracker_redis=app.extensions["redis"], at=customer.created_at)
        db.commit()
    assert receipt.counts["customers"] == 1 and receipt.counts["identity_checks"] == 2
    assert _customers(app) == []
    assert app.extensions["redis"].exists(f"ct:chat:{session_id}") == 0
    with Session(app.extensions["engine"]) as db:
        assert all(c.customer_id is None for c in db.exec(select(IdentityCheck)))


def _audit(app) -> list[str]:
    from models.staff import AuditEntry

    with Session(app.extensions["engine"]) as db:
        return [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id))]


def test_the_adviser_sees_past_contacts_only_after_the_check(chat):  # 001:7.3
    from tests.integration.test_console_desk import adviser

    client = chat.test_client()
    _first_contact(client)
    session_id, _ = _advice(client)
    _give(client, session_id, *DETAILS, "999911", "999911")  # the wrong number twice: unchecked
    sam, user = adviser(chat, "sam", queues=("adult_digital_advice",))
    url = f"/console/api/contacts/{session_id}"
    pop = sam.get(url).get_json()
    assert pop["record"] == {"linked": True, "authenticated": False}
    assert "okafor" not in json.dumps(pop).lower() and "1990" not in json.dumps(pop)
    assert sam.post(f"{url}/identity", json={"secret": "abc"},
                    headers=sam.headers).status_code == 400
    wrong = sam.post(f"{url}/identity", json={"secret": "123456"}, headers=sam.headers).get_json()
    assert wrong["result"] == "refused" and wrong["pop"]["record"]["authenticated"] is False
    right = sam.post(f"{url}/identity", json={"secret": "482193"}, headers=sam.headers).get_json()
    record = right["pop"]["record"]
    assert right["result"] == "authenticated" and record["authenticated"] is True
    assert record["details"]["surname"] == "okafor"
    assert [c["channel"] for c in record["past_contacts"]] == ["webchat"]  # the first chat only
    with Session(chat.extensions["engine"]) as db:
        checks = [(c.action, c.actor) for c in db.exec(select(IdentityCheck)
                                                        .order_by(IdentityCheck.id))]
    actor = f"adviser:{user.id}"
    assert checks[-3:] == [("refused", actor), ("authenticated", actor), ("released", actor)]
    audit = _audit(chat)
    assert audit.count("customer_checked") == 2 and "customer_record_released" in audit


def test_a_customer_checked_in_the_chat_is_shown_to_the_adviser_at_once(chat):
    from tests.integration.test_console_desk import adviser

    client = chat.test_client()
    _first_contact(client)
    session_id, _ = _advice(client)
    _give(client, session_id, *DETAILS, "482193")
    sam, _ = adviser(chat, "sam", queues=("adult_digital_advice",))
    pop = sam.get(f"/console/api/contacts/{session_id}").get_json()
    assert pop["record"]["authenticated"] is True
    assert _checks(chat)[-1] == "released"



def test_leaving_mid_step_drops_what_was_given(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    _give(client, session_id, "Okafor", "Ngozi")
    assert "sealed" in chat.extensions["redis"].hget(f"ct:chat:{session_id}", "identity")
    assert client.delete(f"/api/chat/sessions/{session_id}").status_code in (200, 204)
    assert "sealed" not in (chat.extensions["redis"].hget(f"ct:chat:{session_id}",
                                                          "identity") or "")
    assert _customers(chat) == []


def test_a_record_without_a_memorable_number_is_found_but_never_opened(chat):
    client = chat.test_client()
    session_id, _ = _advice(client)
    answer = _give(client, session_id, *DETAILS, "/identity_decline")
    assert "go on without it" in _words(answer)
    second, _ = _advice(client)
    answer = _give(client, second, *DETAILS, "55556666")
    # Asked and answered like any other, but the number is not taken: whoever knows the four
    # details could otherwise claim the record.
    assert "adviser will go through your record" in _words(answer)
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", second)
    assert _checks(chat) == ["created", "matched"]  # no secret set, none checked
    assert _customers(chat)[0].secret_hash is None
