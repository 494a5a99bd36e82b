"""The information given, confirmed in writing (000:L21), through the emulator on PostgreSQL and
Redis: an adviser answers a call, wraps it up as information given with an article chosen, and
the worker's round texts the article's title and link — nothing about the customer (000:L35);
a STOP reply stops the next one; a text Twilio reports undelivered stays pending and is tried
again until it goes; the supervisor's dashboard raises those past their 5 working days.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlmodel import Session, select

from ivr.messaging.confirmations import send_due
from models.confirmations import InformationConfirmation, arrange, claim_due, settle
from models.contacts import timeline
from models.db import make_engine
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.databases import truncate_all
from tests.support.emulator import eventually, live_voice_app, queued_young_person

MOBILE, MOBILE_E164 = "07400 123456", "+447400123456"
NOTE = "Wants to be a nurse, lives with her nan"


@pytest.fixture
def pg_engine(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def live(settings, postgres_url, pg_engine, redis_client):
    on_postgres = settings.model_copy(update={"database_url": postgres_url})
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(on_postgres, voice_clock=clock, chat_clock=clock, figures_clock=clock,
                        engine=pg_engine) as running:
        yield running


def _adviser(app, name="sam"):
    client, _ = signed_in(app, name, "adviser", queues=["young_people"], endpoint=f"client:{name}")
    assert client.get("/console/desk").status_code == 200
    client.headers = {**api_headers(client), "Accept": "application/json"}
    assert client.post("/console/api/presence", json={"mode": "available"},
                       headers=client.headers).status_code == 200
    return client


def _answered_and_ended(live, adviser, name="sam"):
    """A customer queued, answered by `adviser` on the emulator's phone, then hung up."""
    customer = queued_young_person(live)
    ringing = live.emulator.ringing(f"client:{name}")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    customer.hang_up()
    eventually(lambda: adviser.get("/console/api/desk").get_json()["wrap_ups"])
    return customer.sid


def _wrap_up(adviser, member, **confirm):
    return adviser.post(f"/console/api/contacts/{member}/wrap-up", headers=adviser.headers,
                        json={"outcome": "information_given", "note": NOTE, "confirm": {
                            "articles": ["courses"], "by": "sms", "to": MOBILE, "agreed": True,
                            **confirm}})


def _texts(live):
    return requests.get(f"{live.emulator.url}/_emulator/messages", timeout=5).json()["messages"]


def _events(live, key):
    with Session(live.app.extensions["engine"]) as session:
        return [(e.kind, e.detail) for e in timeline(session=session, contact_key=key)]


def _round(live, at=WEEKDAY_MORNING + timedelta(minutes=1)):
    with live.app.app_context():
        return send_due(at)


def _confirmation(live, key):
    with Session(live.app.extensions["engine"]) as session:
        return session.exec(select(InformationConfirmation).where(
            InformationConfirmation.contact_key == key)).one()


def test_a_wrap_up_confirms_the_article_by_text_and_a_stop_stops_the_next(live):
    sam = _adviser(live.app)
    first = _answered_and_ended(live, sam)
    # Nothing is arranged without the customer's agreement, or for an article staff only read.
    refused = _wrap_up(sam, first, agreed=False)
    assert refused.status_code == 400 and "agreed" in refused.get_json()["error"]
    staff_only = _wrap_up(sam, first, articles=["prime-contractors-and-transfers"])
    assert staff_only.status_code == 400
    assert sam.get(f"/console/api/contacts/{first}/information-given").get_json() == {
        "articles": []}
    done = _wrap_up(sam, first)
    assert done.status_code == 200, done.get_data(as_text=True)
    arranged = done.get_json()["confirmation"]
    # Due by the end of the fifth working day: Tuesday 24 November -> Tuesday 1 December.
    assert arranged["articles"] == ["courses"] and arranged["due_at"].startswith("2026-12-02")

    assert _round(live) == 1
    [text] = eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    assert text["to"] == MOBILE_E164
    assert "Finding a course (course search): https://nationalcareers.service.gov.uk/find-a-course"\
        in text["body"] and "STOP" in text["body"]
    # Only the title and the link: not the note, the summary or the outcome.
    for words in ("nurse", "nan", "filter by subject", "information_given", "Information given"):
        assert words not in text["body"]
    eventually(lambda: "message_delivered" in dict(_events(live, first)))
    steps = [(k, d) for k, d in _events(live, first) if k.startswith(("message", "confirmation"))]
    assert [k for k, _ in steps] == ["confirmation_arranged", "message_queued", "message_sent",
                                     "message_delivered"]
    assert steps[0][1]["articles"] == ["courses"] and steps[0][1]["channel"] == "sms"
    assert steps[1][1]["sid"] == text["sid"]
    for _, detail in steps:  # the timeline never holds the number
        assert "123456" not in str(detail)
    assert {d.get("purpose") for _, d in steps[1:]} == {"information"}
    assert _round(live, WEEKDAY_MORNING + timedelta(hours=2)) == 0  # sent once
    assert _confirmation(live, first).status == "sent"

    # The customer replies STOP; the next confirmation to that number is not sent.
    answer = requests.post(f"{live.emulator.url}/_emulator/messages/inbound", timeout=10,
                           json={"from": MOBILE_E164, "body": "STOP"}).json()
    assert answer["app_status"] == 200
    second = _answered_and_ended(live, sam)
    assert _wrap_up(sam, second).status_code == 200
    assert _round(live) == 0
    assert len(_texts(live)) == 1
    not_sent = dict(_events(live, second))["message_not_sent"]
    assert not_sent["reason"] == "opted_out" and not_sent["purpose"] == "information"
    assert _confirmation(live, second).status == "not_sent"


def test_an_undelivered_text_stays_pending_and_is_tried_again_until_it_goes(live):
    sam = _adviser(live.app)
    member = _answered_and_ended(live, sam)
    requests.put(f"{live.emulator.url}/_emulator/messages/recipients/{MOBILE_E164}",
                 json={"outcome": "undelivered"}, timeout=5).raise_for_status()
    assert _wrap_up(sam, member, by="sms").status_code == 200
    assert _round(live) == 1
    eventually(lambda: _confirmation(live, member).status == "pending")
    failed = dict(_events(live, member))["message_failed"]
    assert failed["error_code"] == "30003" and "123456" not in str(failed)
    row = _confirmation(live, member)
    assert row.attempts == 1 and row.next_attempt_at > WEEKDAY_MORNING

    # Not before its retry time; then, the number reachable again, it goes.
    assert _round(live, row.next_attempt_at - timedelta(seconds=1)) == 0
    requests.put(f"{live.emulator.url}/_emulator/messages/recipients/{MOBILE_E164}",
                 json={"outcome": "delivered"}, timeout=5).raise_for_status()
    assert _round(live, row.next_attempt_at) == 1
    eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    assert _confirmation(live, member).status == "sent"
    assert _confirmation(live, member).attempts == 2


def test_the_dashboard_raises_confirmations_past_their_working_days(live):
    sam = _adviser(live.app)
    member = _answered_and_ended(live, sam)
    requests.put(f"{live.emulator.url}/_emulator/messages/recipients/{MOBILE_E164}",
                 json={"outcome": "failed"}, timeout=5).raise_for_status()
    assert _wrap_up(sam, member).status_code == 200
    supervisor, _ = signed_in(live.app, "sue", "supervisor")
    body = supervisor.get("/console/api/dashboard").get_json()
    assert body["confirmations"] == {"pending": 1, "overdue": 0}
    assert not [a for a in body["alerts"] if a["figure"] == "confirmations_overdue"]
    with Session(live.app.extensions["engine"]) as session:
        row = session.exec(select(InformationConfirmation)).one()
        row.due_at = WEEKDAY_MORNING - timedelta(minutes=1)  # as if five working days had gone
        session.add(row)
        session.commit()
    body = supervisor.get("/console/api/dashboard").get_json()
    assert body["confirmations"] == {"pending": 1, "overdue": 1}
    assert {"figure": "confirmations_overdue", "value": 1, "target": 0} in body["alerts"]


def test_each_attempt_is_claimed_once_and_a_lapsed_lease_is_taken_again(pg_engine):
    at = WEEKDAY_MORNING
    with Session(pg_engine) as session:
        ids = {arrange(session=session, contact_key=f"CA{n}", articles=["courses"], notify="sms",
                       to=MOBILE_E164, at=at, due_at=at + timedelta(days=7)).id
               for n in range(3)}
    with Session(pg_engine) as one, Session(pg_engine) as two:
        first = claim_due(session=one, now=at, lease_seconds=120)
        second = claim_due(session=two, now=at, lease_seconds=120)
    assert {r.id for r in first} == ids and second == []  # never two senders at once
    with Session(pg_engine) as session:
        # The first is settled; the others' sender stopped mid-send: their lease lapses.
        assert settle(session=session, confirmation_id=first[0].id, attempt=1, status="sent",
                      sent_at=at)
        assert claim_due(session=session, now=at + timedelta(seconds=119), lease_seconds=120) == []
        again = claim_due(session=session, now=at + timedelta(seconds=120), lease_seconds=120)
        assert {r.id for r in again} == ids - {first[0].id}
        assert {r.attempts for r in again} == {2}
        # The stopped sender's late answer no longer counts: the second attempt owns it.
        assert not settle(session=session, confirmation_id=again[0].id, attempt=1,
                          status="not_sent", reason="opted_out")
