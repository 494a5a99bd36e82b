"""Warm transfers from the contractor's side, through the Twilio emulator with real Redis and
PostgreSQL: while the contractor's line rings, its signed-in advisers see the screen pop; Accept
in the console bridges the caller to that adviser's own phone; the whisper's 1 and the console's
Accept racing have exactly one winner; a failed transfer's callback is pinned to the top of the
contractor's worklist; another contractor's advisers see nothing of it.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from config import clock
from models.callbacks import Callback
from models.db import session_scope
from routing.callbacks import create_callback
from tests.support.console import api_headers, signed_in
from tests.support.emulator import live_voice_app
from tests.support.twilio import WEEKDAY_MORNING, events, kinds, set_facts

NORTH_WEST_LINE = "+441614960002"  # config/contractors.yaml: the North West's transfer number
NW_ADVISER_PHONE = "+441614960101"
LONDON_ADVISER_PHONE = "+442079460101"


@pytest.fixture
def live(settings, redis_client):
    with live_voice_app(settings, WEEKDAY_MORNING) as live:
        yield live


def contractor_adviser(app, name, contractor, endpoint):
    client, _ = signed_in(app, name, "contractor_adviser", contractor=contractor,
                          endpoint=endpoint)
    assert client.get("/console/callbacks").status_code == 200
    client.headers = api_headers(client)
    return client


def eventually(check, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(0.05)
    raise AssertionError("not in time")


def incoming(client):
    answer = client.get("/console/transfers/incoming.json")
    assert answer.status_code == 200
    return answer.get_json()["transfers"]


def advice_call(live):
    """A 45-year-old in Manchester asks for advice: warm-transferred to the North West."""
    call = live.emulator.phone(from_="+441134960123")
    call.settle()
    set_facts(live.app, call.sid, postcode="M1 1AE")
    call.press("45")
    heard = call.press("2")
    assert any("putting you through to the North West prime contractor" in t for t in heard)
    return call


def test_the_contractors_advisers_see_the_pop_while_the_line_rings_and_accept_bridges(live):
    nw = contractor_adviser(live.app, "nw1", "north-west", NW_ADVISER_PHONE)
    london = contractor_adviser(live.app, "ldn1", "london", LONDON_ADVISER_PHONE)
    call = advice_call(live)
    line = live.emulator.ringing(NORTH_WEST_LINE)
    [pop] = eventually(lambda: incoming(nw))
    assert pop["call"] == call.sid and pop["facts"]["age"] == 45
    assert pop["destination"] == "prime_contractor_advice" and pop["reasons"]
    assert "aged 45" in pop["summary"] and pop["ringing_seconds"] >= 0
    assert any(line["from"] == "customer" for line in pop["transcript"]) or pop["transcript"] == []
    # Tenancy: London's adviser sees nothing, and cannot take or decline it.
    assert incoming(london) == []
    urls = [(method, rule.rule.replace("<call_sid>", call.sid))
            for rule in live.app.url_map.iter_rules() if rule.endpoint.startswith("transfers.")
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    assert len(urls) == 3
    for method, url in urls:
        refused = london.open(url, method=method, headers=london.headers)
        body = refused.get_data(as_text=True)
        assert refused.status_code in (200, 404) and call.sid not in body, (method, url)
        assert "45" not in body and "M1" not in body and "north-west" not in body
    assert incoming(nw)  # still ringing for the North West: London's tries changed nothing
    taken = nw.post(f"/console/transfers/{call.sid}/accept", headers=nw.headers)
    assert taken.status_code == 202, taken.get_json()
    line.wait_for("canceled")  # the contractor's line stops ringing
    phone = live.emulator.ringing(NW_ADVISER_PHONE)
    heard = " ".join(phone.answer())
    assert "warm transfer from the National Careers Service" in heard
    call.wait_for("bridged")
    assert call.info()["peer_sid"] == phone.sid
    assert any("is taking your call" in t for t in call.heard)
    assert incoming(nw) == []  # the pop has gone for every adviser
    again = nw.post(f"/console/transfers/{call.sid}/accept", headers=nw.headers)
    assert again.status_code == 409  # already taken
    call.hang_up()
    story = dict(events(live.app, call.sid))
    assert story["transferred"] == {"contractor": "north-west", "by": "console", "adviser": "nw1"}
    assert "transfer_failed" not in story and "abandoned" not in story


@pytest.mark.parametrize("first", ["keypad", "console", "together"])
def test_the_whisper_1_and_the_console_accept_have_exactly_one_winner(live, first):
    nw = contractor_adviser(live.app, "nw1", "north-west", NW_ADVISER_PHONE)
    call = advice_call(live)
    line = live.emulator.ringing(NORTH_WEST_LINE)
    eventually(lambda: incoming(nw))
    assert "Press 1" in " ".join(line.answer())  # the line's adviser hears the whisper
    results = {}

    def console():
        results["console"] = nw.post(f"/console/transfers/{call.sid}/accept",
                                     headers=nw.headers).status_code

    def keypad():
        results["keypad"] = line.press("1")

    order = {"keypad": [keypad, console], "console": [console, keypad]}.get(first)
    if order:
        for step in order:
            step()
    else:
        threads = [threading.Thread(target=f) for f in (keypad, console)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    console_won = results["console"] == 202
    assert results["console"] in (202, 409)
    if console_won:
        phone = live.emulator.ringing(NW_ADVISER_PHONE)
        phone.answer()
        call.wait_for("bridged")
        assert call.info()["peer_sid"] == phone.sid
    else:
        call.wait_for("bridged")
        assert call.info()["peer_sid"] == line.sid
    if first == "keypad":
        assert not console_won
    if first == "console":
        assert console_won
    call.hang_up()
    assert kinds(live.app, call.sid).count("transferred") == 1
    [how] = [d for k, d in events(live.app, call.sid) if k == "transferred"]
    assert how["by"] == ("console" if console_won else "phone")
    assert "transfer_failed" not in kinds(live.app, call.sid)


def _open_callbacks(app, contractor="north-west"):
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback).where(Callback.contractor_id == contractor)))


@pytest.mark.parametrize("how", ["no-answer", "busy", "console-decline",
                                 "console-accept-unanswered"])
def test_a_failed_warm_transfer_is_pinned_to_the_top_of_the_worklist(live, how):
    nw = contractor_adviser(live.app, "nw1", "north-west", NW_ADVISER_PHONE)
    london = contractor_adviser(live.app, "ldn1", "london", LONDON_ADVISER_PHONE)
    # An older callback, due long before the new one would be, is already on the list.
    with session_scope(live.app.extensions["engine"]) as session:
        older = create_callback(session=session, contact_key="CAolder", reason="Phone call: advice",
                                source="cold_transfer", contractor_id="north-west",
                                phone="01134960999", due=clock.now() - timedelta(hours=1))
    if how.startswith("console"):
        live.emulator.endpoint(NW_ADVISER_PHONE, "no-answer")  # their own phone, if rung
    else:
        live.emulator.endpoint(NORTH_WEST_LINE, how)
    call = advice_call(live)
    if how.startswith("console"):
        eventually(lambda: incoming(nw))
        what = "decline" if how == "console-decline" else "accept"
        answer = nw.post(f"/console/transfers/{call.sid}/{what}", headers=nw.headers)
        assert answer.get_json()["state"] == {"decline": "declined", "accept": "connecting"}[what]
    call.wait_heard("Sorry, no one at the North West prime contractor")
    call.settle()
    call.press("1")  # call me back on this number
    call.wait_for("completed")
    assert incoming(nw) == []
    failed = dict(events(live.app, call.sid))["transfer_failed"]
    assert failed["status"] == {"console-decline": "declined", "console-accept-unanswered":
                                "console adviser no-answer"}.get(how, how)
    listed = nw.get("/console/callbacks/list.json").get_json()["callbacks"]
    assert [c["id"] for c in listed][1:] == [older.id]
    top = listed[0]
    assert top["pinned"] is True and top["source"] == "cold_transfer"
    page = nw.get("/console/callbacks").get_data(as_text=True)
    assert page.index("Warm transfer missed") < page.index(f"Callback {older.id}<")
    # Tenancy: London's list, JSON and the callback's own page know nothing of it.
    assert london.get("/console/callbacks/list.json").get_json()["callbacks"] == []
    assert london.get(f"/console/callbacks/{top['id']}").status_code == 404


def test_another_contractors_live_stream_never_hears_of_the_transfer(live):
    redis = live.app.extensions["redis"]
    call = advice_call(live)
    live.emulator.ringing(NORTH_WEST_LINE)
    nw_stream = "ct:callbacks:events:contractor:north-west"
    eventually(lambda: redis.xlen(nw_stream))
    assert not redis.exists("ct:callbacks:events:contractor:london")
    for _id, fields in redis.xrange(nw_stream):
        assert call.sid not in str(fields) and fields["event"] == "transfer"
    call.hang_up()
    # The caller hung up while it rang: the offer is gone for the contractor's advisers.
    eventually(lambda: not redis.zcard("ct:transfers:north-west"))
    assert "abandoned" in kinds(live.app, call.sid)
