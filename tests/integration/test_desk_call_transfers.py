"""Transfers and callbacks an adviser starts on a live call (issue 27 item 3), through the Twilio
emulator with real Redis and the app's database: a cold transfer books the prime contractor's
callback with the triage summary and tells the caller; a callback after research is the
adviser's own, due within 24 hours and on their worklist; each sets the wrap-up outcome, is on
the contact's timeline, in the figures and in the audit log; two processes racing the same
transfer have one winner. Each runs on SQLite and on the real PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from config import clock
from models.callbacks import Callback
from models.staff import AuditEntry
from routing.figure_definitions import load_definitions
from routing.figures_live import dashboard_json, snapshot
from tests.support.browser import LONDON, moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.emulator import eventually, live_voice_app
from tests.support.twilio import events, set_facts

TUESDAY_MORNING = datetime(2026, 11, 24, 10, 0, tzinfo=LONDON)
CALLER = "+441134960123"


@pytest.fixture
def live(settings, redis_client, database_url, engine):
    """The app behind the emulator, on SQLite and on the real PostgreSQL in turn."""
    clock = moving_clock(TUESDAY_MORNING)
    on = settings.model_copy(update={"database_url": database_url})
    with live_voice_app(on, voice_clock=clock, chat_clock=clock, callback_clock=clock) as live:
        yield live


def adviser(app, name, queues=("adult_information",)):
    client, _ = signed_in(app, name, "adviser", queues=list(queues), endpoint=f"client:{name}")
    assert client.get("/console/desk").status_code == 200
    client.headers = api_headers(client)
    assert client.post("/console/api/presence", json={"mode": "available"},
                       headers=client.headers).status_code == 200
    return client


def desk(client):
    return client.get("/console/api/desk").get_json()


def on_a_call(live, name="sam"):
    """An adult who asks for advice without a postcode is queued and answered by `name`."""
    client = adviser(live.app, name)
    customer = live.emulator.phone(from_=CALLER)
    customer.settle()
    customer.press("45")
    customer.press("2")  # advice; a postcode cannot be keyed in, so an adviser takes it
    eventually(lambda: customer.info()["queue_sid"])
    ringing = live.emulator.ringing(f"client:{name}")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    ringing.wait_for("conference")
    # The adviser learns where they live (set once no webhook of theirs is rewriting the state).
    set_facts(live.app, customer.sid, postcode="M1 1AE")
    return client, customer, ringing


def post(client, member, what, body=None):
    return client.post(f"/console/api/calls/{member}/{what}", json=body or {},
                       headers=client.headers)


def callbacks(app):
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)))


def snap(app):
    return snapshot(redis_client=app.extensions["redis"], engine=app.extensions["engine"],
                    now=clock.now(), definitions=load_definitions(),
                    queue_ids=app.extensions["voice"].directory.queues)


def figures(app):
    return dashboard_json(snap(app))


def audited(app, action):
    with Session(app.extensions["engine"]) as session:
        return [a.target for a in session.exec(select(AuditEntry).where(
            AuditEntry.action == action))]


def test_cold_transfer_books_the_contractors_callback_and_tells_the_caller(live):
    sam, customer, ringing = on_a_call(live)
    options = sam.get(f"/console/api/calls/{customer.sid}/transfer-options").get_json()
    assert options["own"] == "north-west"
    assert options["contractors"][0]["id"] == "north-west" and options["contractors"][0]["warm"]
    assert len(options["contractors"]) == 9 and options["research_hours"] == 24

    answer = post(sam, customer.sid, "cold-transfer", {"contractor": "north-west"})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert body["outcome"] == "referred_to_prime_contractor" and body["told"]
    [stored] = callbacks(live.app)
    assert stored.contractor_id == "north-west" and stored.source == "cold_transfer"
    assert stored.phone == CALLER and stored.summary["facts"]["age"] == 45
    assert stored.summary["decision"]["destination"]
    # The next working day, within 24 hours of the call (000:L9, L81).
    # (The test's clock runs on from 10:00 while the call is set up: a minute's leeway.)
    assert timedelta(0) < stored.due_at - TUESDAY_MORNING <= timedelta(hours=24, minutes=1)
    heard = customer.wait_heard("will call you back")
    assert any("North West prime contractor" in line for line in heard)
    customer.wait_for("completed")
    ringing.wait_for("completed")
    wrap = eventually(lambda: desk(sam)["wrap_ups"])
    assert wrap[0]["member"] == customer.sid
    assert wrap[0]["outcome"] == "referred_to_prime_contractor"
    done = sam.post(f"/console/api/contacts/{customer.sid}/wrap-up", json={},
                    headers=sam.headers)
    assert done.status_code == 200
    timeline = events(live.app, customer.sid)
    created = [d for k, d in timeline if k == "callback_created"]
    assert created and created[0]["source"] == "cold_transfer" and created[0]["by"] == "adviser"
    assert [d["outcome"] for k, d in timeline if k == "wrapped_up"] == [
        "referred_to_prime_contractor"]
    assert figures(live.app)["transfers"]["north-west"] == {"warm": 0, "failed_warm": 0,
                                                            "cold": 1}
    assert audited(live.app, "call_cold_transferred") == [customer.sid]


def test_a_research_callback_is_the_advisers_own_due_within_a_day_and_on_their_list(live):
    sam, customer, _ringing = on_a_call(live)
    answer = post(sam, customer.sid, "research-callback", {"hours": 4})
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["outcome"] == "callback_arranged"
    [stored] = callbacks(live.app)
    assert stored.owner_adviser == "sam" and stored.source == "research"
    assert stored.queue_id == "adult_information" and stored.phone == CALLER
    assert timedelta(hours=3, minutes=59) < stored.due_at - TUESDAY_MORNING <= timedelta(
        hours=4, minutes=5)
    # The call goes on: the adviser and customer are still talking.
    assert customer.info()["waiting"] == "conference"
    listed = sam.get("/console/callbacks/list.json").get_json()["callbacks"]
    assert [c["id"] for c in listed] == [stored.id]
    assert listed[0]["owner_adviser"] == "sam" and listed[0]["source"] == "research"
    # Another adviser of the same queue neither sees it nor can open it.
    kim, _ = signed_in(live.app, "kim", "adviser", queues=["adult_information"],
                       endpoint="client:kim")
    assert kim.get("/console/callbacks/list.json").get_json()["callbacks"] == []
    assert kim.get(f"/console/callbacks/{stored.id}").status_code == 404
    assert [d["source"] for k, d in events(live.app, customer.sid)
            if k == "callback_created"] == ["research"]
    assert audited(live.app, "call_research_callback") == [customer.sid]
    assert snap(live.app).sum("callback_created", "adult_information", "research") == 1
    # Past 24 hours is refused with a reason; so is a second action on the same call.
    assert post(sam, customer.sid, "research-callback", {"hours": 25}).status_code == 400
    again = post(sam, customer.sid, "cold-transfer", {"contractor": "london"})
    assert again.status_code == 409 and "research callback" in again.get_json()["error"]
    customer.hang_up()
    wrap = eventually(lambda: desk(sam)["wrap_ups"])
    assert wrap[0]["outcome"] == "callback_arranged"


def test_the_actions_are_the_advisers_own_and_need_the_csrf_token(live):
    sam, customer, _ringing = on_a_call(live)
    kim = adviser(live.app, "kim")
    assert post(kim, customer.sid, "cold-transfer", {"contractor": "london"}).status_code == 403
    bare = sam.post(f"/console/api/calls/{customer.sid}/cold-transfer",
                    json={"contractor": "london"})
    assert bare.status_code == 400  # no CSRF token
    assert post(sam, customer.sid, "cold-transfer", {"contractor": "wales"}).status_code == 400
    assert callbacks(live.app) == []


def test_two_app_processes_racing_the_same_transfer_have_one_winner(live):
    sam, customer, _ringing = on_a_call(live)
    twin = create_app(live.app.config["SETTINGS"], voice_clock=moving_clock(TUESDAY_MORNING),
                      chat_clock=moving_clock(TUESDAY_MORNING))
    other = twin.test_client()
    for cookie in sam._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    other.headers = sam.headers
    answers = []
    start = threading.Barrier(2)

    def race(client):
        start.wait()
        answers.append(post(client, customer.sid, "cold-transfer", {"contractor": "north-west"}))

    threads = [threading.Thread(target=race, args=(c,)) for c in (sam, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(a.status_code for a in answers)
    assert codes == [200, 409], [a.get_json() for a in answers]
    assert len(callbacks(live.app)) == 1
    assert len([k for k, _ in events(live.app, customer.sid) if k == "callback_created"]) == 1


NORTH_WEST_LINE = "+441614960002"  # config/contractors.yaml: the North West's transfer number


def test_a_warm_transfer_holds_the_caller_whispers_the_summary_and_leaves_them_together(live):
    sam, customer, adviser_leg = on_a_call(live)
    started = post(sam, customer.sid, "warm-transfer", {"contractor": "north-west"})
    assert started.status_code == 200, started.get_json()
    assert started.get_json()["state"] == "dialling"
    eventually(lambda: customer.info()["hold"])
    customer.wait_heard("while your adviser speaks to the North West prime contractor")
    line = live.emulator.ringing(NORTH_WEST_LINE)
    # Nothing to complete before the contractor answers.
    early = post(sam, customer.sid, "warm-transfer/complete")
    assert early.status_code == 409 and "not answered" in early.get_json()["error"]
    line.answer()
    line.wait_for("conference")
    heard = line.wait_heard("A warm transfer from a National Careers Service adviser")
    assert any("aged 45" in said for said in heard)
    # The adviser talks to the contractor first; the held customer hears none of it.
    adviser_leg.say("I have a customer who wants advice on a career change")
    line.wait_heard("career change")
    assert not any("career change" in said for said in customer.heard)
    done = post(sam, customer.sid, "warm-transfer/complete")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["outcome"] == "referred_to_prime_contractor"
    adviser_leg.wait_for("completed")
    assert not customer.info()["hold"]
    assert customer.info()["conference"] == line.info()["conference"] is not None
    line.say("Hello, how can I help?")
    customer.wait_heard("how can I help")
    wrap = eventually(lambda: desk(sam)["wrap_ups"])
    assert wrap[0]["outcome"] == "referred_to_prime_contractor"
    kinds = [k for k, _ in events(live.app, customer.sid)]
    assert "transfer_attempted" in kinds and "transferred" in kinds
    assert figures(live.app)["transfers"]["north-west"] == {"warm": 1, "failed_warm": 0,
                                                            "cold": 0}
    assert audited(live.app, "call_warm_transferred") == [customer.sid]
    customer.hang_up()
    line.wait_for("completed")


def test_a_warm_transfer_not_answered_brings_the_caller_back_and_a_cold_one_can_follow(live):
    sam, customer, _adviser_leg = on_a_call(live)
    live.emulator.endpoint(NORTH_WEST_LINE, "busy")
    assert post(sam, customer.sid, "warm-transfer",
                {"contractor": "north-west"}).status_code == 200
    eventually(lambda: [d for k, d in events(live.app, customer.sid) if k == "transfer_failed"])
    eventually(lambda: not customer.info()["hold"])
    assert figures(live.app)["transfers"]["north-west"]["failed_warm"] == 1
    cold = post(sam, customer.sid, "cold-transfer", {"contractor": "north-west"})
    assert cold.status_code == 200, cold.get_json()


def test_the_adviser_may_call_a_warm_transfer_off(live):
    sam, customer, _adviser_leg = on_a_call(live)
    assert post(sam, customer.sid, "warm-transfer", {"contractor": "london"}).status_code == 200
    line = live.emulator.ringing("+442079460007")
    line.answer()
    line.wait_for("conference")
    off = post(sam, customer.sid, "warm-transfer/cancel")
    assert off.status_code == 200, off.get_json()
    line.wait_for("completed")
    eventually(lambda: not customer.info()["hold"])
    assert customer.info()["waiting"] == "conference"
    assert [d["status"] for k, d in events(live.app, customer.sid)
            if k == "transfer_failed"] == ["called off by the adviser"]


def test_hold_and_mute_are_the_participants_state_in_the_emulator(live):
    sam, customer, adviser_leg = on_a_call(live)
    assert post(sam, customer.sid, "hold", {"on": True}).status_code == 200
    eventually(lambda: customer.info()["hold"])
    customer.wait_heard("Your adviser will be back with you shortly")
    adviser_leg.say("Just checking the course dates")
    assert not any("course dates" in said for said in customer.heard)
    assert post(sam, customer.sid, "hold", {"on": False}).status_code == 200
    eventually(lambda: not customer.info()["hold"])
    assert post(sam, customer.sid, "mute", {"on": True}).status_code == 200
    eventually(lambda: adviser_leg.info()["muted"])
    adviser_leg.say("Muttering to a colleague")
    customer.say("Are you still there?")
    adviser_leg.wait_heard("still there")
    assert not any("Muttering" in said for said in customer.heard)
    assert post(sam, customer.sid, "mute", {"on": False}).status_code == 200
    eventually(lambda: not adviser_leg.info()["muted"])
    adviser_leg.say("Yes, I am here")
    customer.wait_heard("I am here")
    assert post(sam, customer.sid, "hold", {"on": "yes"}).status_code == 400
    assert set(audited(live.app, "call_hold_on") + audited(live.app, "call_mute_on")) == {
        customer.sid}
    # The Participant resource says the same (Twilio's shape, through the REST API).
    rest = live.emulator.rest()
    room = rest.conference_sid(customer.info()["conference"])
    assert rest.update_participant(room, customer.sid, hold=True)["hold"] is True


@pytest.fixture
def evening(settings, redis_client, database_url, engine):
    clock = moving_clock(datetime(2026, 11, 24, 18, 30, tzinfo=LONDON))  # centre open, NW closed
    on = settings.model_copy(update={"database_url": database_url})
    with live_voice_app(on, voice_clock=clock, chat_clock=clock, callback_clock=clock) as live:
        yield live


def test_a_closed_contractor_is_refused_warm_and_offered_cold(evening):
    sam, customer, _adviser_leg = on_a_call(evening)
    options = sam.get(f"/console/api/calls/{customer.sid}/transfer-options").get_json()
    assert not any(c["warm"] for c in options["contractors"])
    refused = post(sam, customer.sid, "warm-transfer", {"contractor": "north-west"})
    assert refused.status_code == 409
    body = refused.get_json()
    assert body["offer_cold"] and "closed" in body["error"] and "cold transfer" in body["error"]
    assert not customer.info()["hold"]
    assert evening.emulator.calls(to=NORTH_WEST_LINE) == []
    cold = post(sam, customer.sid, "cold-transfer", {"contractor": "north-west"})
    assert cold.status_code == 200, cold.get_json()
    [stored] = callbacks(evening.app)
    # By the end of its next working day's hours, within 24 hours (000:L9, L81).
    local = stored.due_at.astimezone(LONDON)
    assert (local.date().isoformat(), local.hour) == ("2026-11-25", 17)


def test_a_call_passed_to_another_queue_keeps_its_place_and_reaches_its_adviser(live):
    sam, customer, adviser_leg = on_a_call(live)
    kim = adviser(live.app, "kim", queues=("young_people",))
    assert post(sam, customer.sid, "queue-transfer", {"queue": "adult_information"}
                ).status_code == 409  # the queue it is in already
    moved = post(sam, customer.sid, "queue-transfer", {"queue": "young_people"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["queue"] == "young_people"
    customer.wait_heard("passing you to a colleague")
    adviser_leg.wait_for("completed")
    assert desk(sam)["contacts"] == []
    ringing = live.emulator.ringing("client:kim")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    assert customer.info()["conference"] == ringing.info()["conference"]
    assert [c["member"] for c in desk(kim)["contacts"]] == [customer.sid]
    assert [(d["from"], d["to"]) for k, d in events(live.app, customer.sid)
            if k == "queue_changed"] == [("adult_information", "young_people")]
    assert audited(live.app, "call_queue_transferred") == [customer.sid]
    customer.hang_up()


def test_a_call_passed_to_a_named_colleague_rings_them_and_they_take_it(live):
    sam, customer, adviser_leg = on_a_call(live)
    kim = adviser(live.app, "kim", queues=("young_people",))
    options = sam.get(f"/console/api/calls/{customer.sid}/transfer-options").get_json()
    [colleague] = options["colleagues"]
    assert colleague["name"] == "kim"
    passed = post(sam, customer.sid, "colleague-transfer", {"colleague": colleague["id"]})
    assert passed.status_code == 200, passed.get_json()
    ringing = live.emulator.ringing("client:kim")
    adviser_leg.wait_for("completed")
    assert desk(sam)["contacts"] == [] and desk(sam)["wrap_ups"] == []
    heard = " ".join(ringing.answer())
    assert "adult, 45, advice" in heard
    ringing.press("1")
    customer.wait_for("conference")
    assert customer.info()["conference"] == ringing.info()["conference"]
    assert [c["member"] for c in desk(kim)["contacts"]] == [customer.sid]
    assert audited(live.app, "call_colleague_transferred") == [customer.sid]
    # Kim is busy now: nobody can pass her another call.
    assert post(sam, customer.sid, "colleague-transfer",
                {"colleague": colleague["id"]}).status_code in (403, 404)
    customer.hang_up()
    assert eventually(lambda: desk(kim)["wrap_ups"])[0]["member"] == customer.sid


def test_a_caller_who_hangs_up_while_the_contractor_rings_ends_that_leg_too(live):
    sam, customer, _adviser_leg = on_a_call(live)
    assert post(sam, customer.sid, "warm-transfer",
                {"contractor": "north-west"}).status_code == 200
    line = live.emulator.ringing(NORTH_WEST_LINE)
    customer.hang_up()
    line.wait_for("canceled")  # it stops ringing (Twilio: a ringing call ended is canceled)
    assert [d["status"] for k, d in events(live.app, customer.sid)
            if k == "transfer_failed"] == ["customer hung up"]
