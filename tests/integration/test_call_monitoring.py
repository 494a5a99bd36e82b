"""Supervisors on an adviser's live phone call from the adviser board, through the Twilio
emulator with real Redis and the app's database (SQLite and the real PostgreSQL): a supervisor
listens (hears both, neither hears them), coaches (the adviser hears, the customer does not),
barges (both hear) and leaves (customer and adviser still talking); the emulator's Participant
resource matches each step; refusals for no phone, no call, an ended call and the wrong role;
every join, switch and leave is audited.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from models.staff import AuditEntry
from tests.integration.test_desk_call_transfers import TUESDAY_MORNING, adviser, on_a_call
from tests.support.browser import moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.emulator import eventually, live_voice_app


@pytest.fixture
def live(settings, redis_client, database_url, engine):
    """The app behind the emulator, on SQLite and on the real PostgreSQL in turn."""
    clock = moving_clock(TUESDAY_MORNING)
    on = settings.model_copy(update={"database_url": database_url})
    with live_voice_app(on, voice_clock=clock, chat_clock=clock, callback_clock=clock) as live:
        yield live


def supervisor(app, name="sue", role="supervisor", endpoint="client:sue"):
    client, _ = signed_in(app, name, role, **({"endpoint": endpoint} if endpoint else {}))
    client.token = api_headers(client, "/console/advisers")["X-CSRFToken"]
    return client


def row(client, name):
    board = client.get("/console/api/advisers").get_json()
    return {a["name"]: a for a in board["advisers"]}[name]


def join(client, adviser_id, mode):
    return client.post(f"/console/advisers/{adviser_id}/monitor",
                       data={"csrf_token": client.token, "mode": mode})


def leave(client, adviser_id):
    return client.post(f"/console/advisers/{adviser_id}/monitor/leave",
                       data={"csrf_token": client.token})


def audited(app, action):
    with Session(app.extensions["engine"]) as session:
        return [(a.actor, a.target, a.detail) for a in session.exec(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]


def participant(live, customer, sid):
    """The supervisor's Participant resource, as Twilio's REST API shows it."""
    rest = live.emulator.rest()
    return rest.fetch_participant(rest.conference_sid(customer.info()["conference"]), sid)


def nobody_heard(text, *legs):
    return not any(text in said for leg in legs for said in leg.heard)


def test_a_supervisor_listens_coaches_barges_and_leaves_the_call_going_on(live):
    sam, customer, adviser_leg = on_a_call(live)
    sue = supervisor(live.app)
    shown = row(sue, "sam")
    assert shown["monitor"]["mode"] is None and not shown["monitor"]["other"]
    assert [m["label"] for m in shown["monitor"]["modes"]] == ["Listen", "Coach", "Barge"]
    sam_id = shown["id"]

    # Listen: joined muted, hearing both; neither hears the supervisor (nor a beep).
    beeps = [said for leg in (customer, adviser_leg) for said in leg.heard if "someone" in said]
    joined = join(sue, sam_id, "listen")
    assert joined.status_code == 303 and "ringing" in joined.headers["Location"]
    assert row(sue, "sam")["monitor"]["mode"] == "listen"
    phone = live.emulator.ringing("client:sue")
    phone.answer()
    phone.wait_for("conference")
    assert phone.info()["conference"] == customer.info()["conference"]
    assert eventually(lambda: row(sue, "sam")["monitor"]["step"] == "joined")
    state = participant(live, customer, phone.sid)
    assert (state["muted"], state["coaching"], state["end_conference_on_exit"]) == (
        True, False, False)
    customer.say("I want to retrain as a nurse")
    phone.wait_heard("retrain as a nurse")
    adviser_leg.say("Nursing degrees have bursaries")
    phone.wait_heard("bursaries")
    phone.say("Listening in quietly")
    customer.say("That sounds good")
    adviser_leg.wait_heard("sounds good")
    assert nobody_heard("Listening in", customer, adviser_leg)

    # Coach: the adviser hears the supervisor, the customer does not.
    coached = join(sue, sam_id, "coach")
    assert coached.status_code == 303 and "coaching" in coached.headers["Location"]
    state = participant(live, customer, phone.sid)
    assert (state["muted"], state["coaching"], state["call_sid_to_coach"]) == (
        False, True, adviser_leg.sid)
    assert phone.info()["coaching"] and phone.info()["call_sid_to_coach"] == adviser_leg.sid
    phone.say("Ask about their maths qualification")
    adviser_leg.wait_heard("maths qualification")
    customer.say("What would I study first")
    phone.wait_heard("study first")  # the coach still hears the customer
    adviser_leg.wait_heard("study first")
    assert nobody_heard("maths qualification", customer)

    # Barge: both hear the supervisor.
    assert join(sue, sam_id, "barge").status_code == 303
    state = participant(live, customer, phone.sid)
    assert (state["muted"], state["coaching"]) == (False, False)
    phone.say("Hello, I am the supervisor")
    customer.wait_heard("I am the supervisor")
    adviser_leg.wait_heard("I am the supervisor")
    assert row(sue, "sam")["monitor"]["mode"] == "barge"

    # Leave: the supervisor's phone leaves; the customer and the adviser talk on.
    left = leave(sue, sam_id)
    assert left.status_code == 303 and "still+talking" in left.headers["Location"]
    phone.wait_for("completed")
    assert customer.info()["conference"] == adviser_leg.info()["conference"] is not None
    customer.say("Are you still there")
    adviser_leg.wait_heard("still there")
    assert [said for leg in (customer, adviser_leg) for said in leg.heard
            if "someone" in said] == beeps  # joining and leaving without a sound
    assert row(sue, "sam")["monitor"] == {**row(sue, "sam")["monitor"], "mode": None,
                                          "other": False}
    assert [(a, t, d["mode"]) for a, t, d in audited(live.app, "call_monitor_joined")] == [
        ("sue", customer.sid, "listen")]
    assert [(d["from"], d["mode"]) for _, t, d in audited(live.app, "call_monitor_switched")
            if t == customer.sid] == [("listen", "coach"), ("coach", "barge")]
    assert [(a, t) for a, t, _ in audited(live.app, "call_monitor_left")] == [
        ("sue", customer.sid)]
    customer.hang_up()


def test_joining_is_refused_with_a_reason(live):
    sam, customer, _adviser_leg = on_a_call(live)
    kim = adviser(live.app, "kim")  # Available, on no call
    sue = supervisor(live.app)
    ids = {a["name"]: a["id"] for a in sue.get("/console/api/advisers").get_json()["advisers"]}
    # Wrong role, no CSRF token, no such mode.
    assert kim.post(f"/console/advisers/{ids['sam']}/monitor", data={"mode": "listen"},
                    headers=kim.headers).status_code == 403
    assert sue.post(f"/console/advisers/{ids['sam']}/monitor",
                    data={"mode": "listen"}).status_code == 400
    assert join(sue, ids["sam"], "shout").status_code == 400
    # An adviser on no call; leaving a call never joined.
    idle = join(sue, ids["kim"], "listen")
    assert idle.status_code == 409 and "kim is not on a phone call" in idle.get_data(as_text=True)
    never = leave(sue, ids["sam"])
    assert never.status_code == 409 and "You have not joined" in never.get_data(as_text=True)
    # A supervisor without a phone (JSON: a JSON reason).
    bare = supervisor(live.app, "zoe", endpoint=None)
    refused = bare.post(f"/console/advisers/{ids['sam']}/monitor", json={"mode": "listen"},
                        headers={"X-CSRFToken": bare.token})
    assert refused.status_code == 409 and "no phone" in refused.get_json()["error"]
    # One supervisor at a time; an admin may join too, once the first has gone.
    assert join(sue, ids["sam"], "listen").status_code == 303
    live.emulator.ringing("client:sue").answer()
    ada = supervisor(live.app, "ada", role="admin", endpoint="client:ada")
    other = join(ada, ids["sam"], "barge")
    assert other.status_code == 409 and "Another supervisor" in other.get_data(as_text=True)
    assert row(ada, "sam")["monitor"]["other"] is True
    assert leave(sue, ids["sam"]).status_code == 303
    assert join(ada, ids["sam"], "coach").status_code == 303
    live.emulator.ringing("client:ada").answer()
    assert leave(ada, ids["sam"]).status_code == 303
    # The call ends: nothing to join.
    customer.hang_up()
    ended = eventually(lambda: (r := join(sue, ids["sam"], "listen")).status_code == 409 and r)
    assert "call" in ended.get_data(as_text=True)
    assert [t for _, t, _ in audited(live.app, "call_monitor_joined")] == [customer.sid] * 2
    assert sam.get("/console/api/desk").status_code == 200


def test_a_supervisor_who_hangs_up_is_forgotten_and_the_call_goes_on(live):
    _sam, customer, adviser_leg = on_a_call(live)
    sue = supervisor(live.app)
    sam_id = row(sue, "sam")["id"]
    # Their phone is busy: they are forgotten, and may try again.
    live.emulator.endpoint("client:sue", "busy")
    assert join(sue, sam_id, "listen").status_code == 303
    assert eventually(lambda: row(sue, "sam")["monitor"]["mode"] is None)
    live.emulator.endpoint("client:sue", "manual")
    assert join(sue, sam_id, "barge").status_code == 303
    phone = live.emulator.ringing("client:sue")
    phone.answer()
    phone.wait_for("conference")
    phone.hang_up()
    assert eventually(lambda: row(sue, "sam")["monitor"]["mode"] is None)
    customer.say("Hello again")
    adviser_leg.wait_heard("Hello again")
    # Joining again dials the supervisor's phone afresh; the customer's hanging up ends it.
    assert join(sue, sam_id, "listen").status_code == 303
    again = live.emulator.ringing("client:sue", exclude=(phone.sid,))
    again.answer()
    again.wait_for("conference")
    customer.hang_up()
    again.wait_for("completed")


def test_a_supervisor_is_on_one_call_at_a_time(live):
    _sam, first, _sam_leg = on_a_call(live, "sam")
    _kim, second, _kim_leg = on_a_call(live, "kim")
    sue = supervisor(live.app)
    ids = {a["name"]: a["id"] for a in sue.get("/console/api/advisers").get_json()["advisers"]}
    assert join(sue, ids["sam"], "listen").status_code == 303
    live.emulator.ringing("client:sue").answer()
    busy = join(sue, ids["kim"], "listen")
    assert busy.status_code == 409 and "already on another adviser" in busy.get_data(as_text=True)
    assert row(sue, "kim")["monitor"]["mode"] is None
    assert leave(sue, ids["kim"]).status_code == 409  # not on kim's call
    assert leave(sue, ids["sam"]).status_code == 303
    assert join(sue, ids["kim"], "coach").status_code == 303
    phone = live.emulator.ringing("client:sue")
    phone.answer()
    phone.wait_for("conference")
    assert phone.info()["conference"] == second.info()["conference"]
    assert phone.info()["call_sid_to_coach"] == _kim_leg.sid
    assert [t for _, t, _ in audited(live.app, "call_monitor_joined")] == [first.sid, second.sid]
    first.hang_up()
    second.hang_up()
    phone.wait_for("completed")
    assert eventually(lambda: row(sue, "kim")["monitor"] is None or
                      row(sue, "kim")["monitor"]["mode"] is None)
