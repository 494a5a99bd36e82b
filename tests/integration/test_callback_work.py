"""Working a callback (SQLite and PostgreSQL): open claims, leases, outcomes, retries, timeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.contacts import open_contact, timeline
from routing import callback_dials as dials
from routing import callback_work as work
from routing import callbacks as cb
from routing.callback_config import load_rules

NOW = datetime(2026, 12, 28, 9, 30, tzinfo=UTC)
RULES = load_rules().model_copy(update={"lease_seconds": 120, "heartbeat_seconds": 30,
                                        "dial_lease_seconds": 600, "retry_after_minutes": (30, 90)})


def make(session, key="CA-w1", *, phone="+447700900123", email=None, **extra):
    open_contact(session=session, key=key, channel="phone" if phone else "webchat", at=NOW)
    session.commit()
    return cb.create_callback(session=session, contact_key=key, due=NOW + timedelta(hours=8),
                              reason="career change advice", source="cold_transfer",
                              contractor_id="north-west", phone=phone, email=email, now=NOW,
                              **extra)


def story(session, key="CA-w1"):
    return [(e.kind, (e.detail or {}).get("stage") or (e.detail or {}).get("outcome"))
            for e in timeline(session=session, contact_key=key) if e.kind.startswith("callback")]


def test_opening_claims_and_someone_elses_claim_is_shown_not_stolen(engine):
    with Session(engine) as session:
        made = make(session)
        anna = work.open_callback(session=session, callback_id=made.id, staff_id="anna",
                                  rules=RULES, now=NOW)
        assert anna.mine and anna.held_by is None and anna.callback.claimed_by == "anna"
        ben = work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                 rules=RULES, now=NOW + timedelta(seconds=119))
        assert not ben.mine and ben.held_by == "anna"
        # Anna's page keeps the claim alive; Ben still cannot have it.
        work.heartbeat(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                       now=NOW + timedelta(seconds=100))
        assert work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                  rules=RULES, now=NOW + timedelta(seconds=200)).held_by == "anna"
        # Anna's browser closed without a word: the lease lapses and Ben gets it.
        lapsed = NOW + timedelta(seconds=221)
        ben = work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                 rules=RULES, now=lapsed)
        assert ben.mine and ben.callback.claim_count == 2
        with pytest.raises(cb.CallbackConflict):
            work.heartbeat(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                           now=lapsed)
        # Reopening your own claim renews it without counting a new claim.
        again = work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                   rules=RULES, now=lapsed + timedelta(seconds=10))
        assert again.mine and again.callback.claim_count == 2
        assert story(session) == [("callback_claimed", None), ("callback_claimed", None)]


def test_leaving_gives_it_back_and_the_timeline_says_so(engine):
    with Session(engine) as session:
        made = make(session)
        work.open_callback(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                           now=NOW)
        assert work.leave(session=session, callback_id=made.id, staff_id="anna", now=NOW)
        assert not work.leave(session=session, callback_id=made.id, staff_id="anna", now=NOW)
        assert work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                  rules=RULES, now=NOW).mine
        assert [k for k, _ in story(session)] == [
            "callback_claimed", "callback_released", "callback_claimed"]


def test_reached_needs_an_outcome_code_and_completes(engine):
    with Session(engine) as session:
        made = make(session)
        work.open_callback(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                           now=NOW)
        with pytest.raises(cb.CallbackError, match="outcome code"):
            work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                outcome="reached", outcome_code=None, rules=RULES, now=NOW)
        with pytest.raises(cb.CallbackError, match="outcome code"):
            work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                outcome="reached", outcome_code="made_up", rules=RULES, now=NOW)
        done = work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                   outcome="reached", outcome_code="appointment_booked",
                                   rules=RULES, now=NOW)
        assert done.status == "completed"
        assert [(a.outcome, a.outcome_code) for a in done.attempts] == [
            ("reached", "appointment_booked")]
        assert story(session) == [("callback_claimed", None), ("callback_attempted", "reached"),
                                  ("callback_completed", None)]


def test_retries_are_spaced_by_configuration_and_the_third_fails_it(engine):
    with Session(engine) as session:
        made = make(session)
        at = NOW
        for number, outcome in ((1, "busy"), (2, "no_answer")):
            work.open_callback(session=session, callback_id=made.id, staff_id="anna",
                               rules=RULES, now=at)
            after = work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                        outcome=outcome, outcome_code=None, rules=RULES, now=at)
            spacing = timedelta(minutes=RULES.retry_after_minutes[number - 1])
            assert after.status == "pending" and after.available_at == at + spacing
            early = work.open_callback(session=session, callback_id=made.id, staff_id="anna",
                                       rules=RULES, now=at + spacing - timedelta(seconds=1))
            assert not early.mine and early.waiting_until == at + spacing
            at += spacing
        work.open_callback(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                           now=at)
        final = work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                    outcome="voicemail", outcome_code=None, rules=RULES, now=at)
        assert (final.status, final.attempt_count) == ("failed", 3)
        assert story(session)[-1] == ("callback_failed", None)


def test_email_only_callbacks_are_worked_by_marking_the_outcome(engine):
    with Session(engine) as session:
        made = make(session, "chat-1", phone=None, email="customer@example.org")
        work.open_callback(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                           now=NOW)
        with pytest.raises(cb.CallbackError, match="outcome must be one of reached, wrong"):
            work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                outcome="busy", outcome_code=None, rules=RULES, now=NOW)
        with pytest.raises(cb.CallbackError, match="email"):
            dials.start_dial(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                             now=NOW)
        done = work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                   outcome="reached", outcome_code="information_given",
                                   rules=RULES, now=NOW)
        assert done.status == "completed"


# ---- click-to-call: outcomes from Twilio's own callbacks ---------------------------------------

def _dial(session, made, staff="anna", at=NOW):
    work.open_callback(session=session, callback_id=made.id, staff_id=staff, rules=RULES, now=at)
    return dials.start_dial(session=session, callback_id=made.id, staff_id=staff, rules=RULES,
                            now=at)


def test_a_dial_holds_the_claim_for_the_call_and_only_the_holder_may_dial(engine):
    with Session(engine) as session:
        made = make(session)
        with pytest.raises(cb.CallbackConflict):
            dials.start_dial(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                             now=NOW)
        dial = _dial(session, made)
        held = cb.get_callback(session=session, callback_id=made.id)
        assert held.lease_expires_at == NOW + timedelta(seconds=RULES.dial_lease_seconds)
        with pytest.raises(cb.CallbackConflict, match="already under way"):
            dials.start_dial(session=session, callback_id=made.id, staff_id="anna", rules=RULES,
                             now=NOW)
        # The heartbeat does not shorten a claim a call is holding, nor does leaving release it.
        work.heartbeat(session=session, callback_id=made.id, staff_id="anna", rules=RULES, now=NOW)
        assert cb.get_callback(session=session, callback_id=made.id).lease_expires_at == \
            held.lease_expires_at
        assert not work.leave(session=session, callback_id=made.id, staff_id="anna", now=NOW)
        assert dial.state == "ringing_adviser" and len(dial.token) == 32


@pytest.mark.parametrize("status, outcome", [("busy", "busy"), ("no-answer", "no_answer"),
                                             ("failed", "failed")])
def test_customer_busy_no_answer_or_failed_is_one_attempt_however_often_twilio_says_it(
        engine, status, outcome):
    with Session(engine) as session:
        made = make(session)
        dial = _dial(session, made)
        dials.adviser_answered(session=session, dial_id=dial.id, call_sid="CA-adv", now=NOW)
        dials.customer_leg_status(session=session, dial_id=dial.id, call_status="ringing",
                                  call_sid="CA-cust", now=NOW, rules=RULES)
        for _ in range(2):  # the leg's status callback and the Dial action, then a retry
            dials.customer_leg_status(session=session, dial_id=dial.id, call_status=status,
                                      call_sid="CA-cust", now=NOW, rules=RULES)
            dials.dial_action(session=session, dial_id=dial.id, dial_call_status=status, now=NOW,
                              rules=RULES)
        after = cb.get_callback(session=session, callback_id=made.id)
        assert [a.outcome for a in after.attempts] == [outcome]
        assert after.status == "pending"
        assert after.available_at == NOW + timedelta(minutes=RULES.retry_after_minutes[0])
        stages = [s for k, s in story(session) if k == "callback_dialled"]
        assert stages == ["ringing_adviser", "dialling_customer", "customer_ringing", "ended"]


def test_a_machine_answering_is_a_voicemail_attempt(engine):
    with Session(engine) as session:
        made = make(session)
        dial = _dial(session, made)
        dials.adviser_answered(session=session, dial_id=dial.id, call_sid="CA-adv", now=NOW)
        dials.customer_leg_status(session=session, dial_id=dial.id, call_status="in-progress",
                                  call_sid="CA-cust", now=NOW, rules=RULES)
        dials.machine_detected(session=session, dial_id=dial.id, answered_by="machine_end_beep",
                               now=NOW, rules=RULES)
        dials.dial_action(session=session, dial_id=dial.id, dial_call_status="completed",
                          now=NOW, rules=RULES)
        after = cb.get_callback(session=session, callback_id=made.id)
        assert [a.outcome for a in after.attempts] == ["voicemail"]
        assert after.status == "pending"


def test_a_person_answering_waits_for_the_adviser_to_record_reached(engine):
    with Session(engine) as session:
        made = make(session)
        dial = _dial(session, made)
        dials.adviser_answered(session=session, dial_id=dial.id, call_sid="CA-adv", now=NOW)
        with pytest.raises(cb.CallbackConflict, match="not been answered"):
            work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                outcome="reached", outcome_code="advice_given", rules=RULES,
                                now=NOW)
        dials.customer_leg_status(session=session, dial_id=dial.id, call_status="in-progress",
                                  call_sid="CA-cust", now=NOW, rules=RULES)
        dials.machine_detected(session=session, dial_id=dial.id, answered_by="human", now=NOW,
                               rules=RULES)
        dials.dial_action(session=session, dial_id=dial.id, dial_call_status="completed",
                          now=NOW, rules=RULES)
        assert cb.get_callback(session=session, callback_id=made.id).attempt_count == 0
        done = work.record_outcome(session=session, callback_id=made.id, staff_id="anna",
                                   outcome="reached", outcome_code="advice_given", rules=RULES,
                                   now=NOW)
        assert done.status == "completed" and done.attempt_count == 1
        ended = dials.latest_dial(session=session, callback_id=made.id)
        assert (ended.state, ended.result, ended.answered_by) == ("ended", "person", "human")


@pytest.mark.parametrize("how", ["adviser_not_answering", "adviser_hangs_up_while_ringing",
                                 "dial_canceled"])
def test_no_attempt_is_used_when_the_adviser_never_reached_the_customer(engine, how):
    with Session(engine) as session:
        made = make(session)
        dial = _dial(session, made)
        if how == "adviser_not_answering":
            dials.adviser_leg_status(session=session, dial_id=dial.id, call_status="no-answer",
                                     now=NOW, rules=RULES)
            expected = "adviser_unavailable"
        else:
            dials.adviser_answered(session=session, dial_id=dial.id, call_sid="CA-adv", now=NOW)
            dials.customer_leg_status(session=session, dial_id=dial.id, call_status="ringing",
                                      call_sid="CA-cust", now=NOW, rules=RULES)
            if how == "dial_canceled":
                dials.customer_leg_status(session=session, dial_id=dial.id,
                                          call_status="canceled", call_sid="CA-cust", now=NOW,
                                          rules=RULES)
            dials.adviser_leg_status(session=session, dial_id=dial.id, call_status="completed",
                                     now=NOW, rules=RULES)
            expected = "adviser_hung_up"
        dials.dial_action(session=session, dial_id=dial.id, dial_call_status="canceled",
                          now=NOW, rules=RULES)
        after = cb.get_callback(session=session, callback_id=made.id)
        assert after.attempt_count == 0 and after.status == "claimed"
        ended = dials.latest_dial(session=session, callback_id=made.id)
        assert (ended.state, ended.result) == ("ended", expected)
        # The adviser may try again at once.
        assert dials.start_dial(session=session, callback_id=made.id, staff_id="anna",
                                rules=RULES, now=NOW).state == "ringing_adviser"


def test_an_outcome_after_the_claim_went_to_someone_else_is_not_counted(engine):
    with Session(engine) as session:
        made = make(session)
        dial = _dial(session, made)
        dials.adviser_answered(session=session, dial_id=dial.id, call_sid="CA-adv", now=NOW)
        later = NOW + timedelta(seconds=RULES.dial_lease_seconds + 1)
        assert work.open_callback(session=session, callback_id=made.id, staff_id="ben",
                                  rules=RULES, now=later).mine
        dials.dial_action(session=session, dial_id=dial.id, dial_call_status="busy", now=later,
                          rules=RULES)
        after = cb.get_callback(session=session, callback_id=made.id)
        assert (after.attempt_count, after.claimed_by) == (0, "ben")
        assert dials.latest_dial(session=session, callback_id=made.id).result == "busy_uncounted"


def test_advisers_clicking_one_callback_at_once_one_gets_it_and_one_call_starts(engine,
                                                                                database_url):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from models.db import make_engine

    with Session(engine) as session:
        made = make(session)
    pooled = make_engine(database_url, pool_size=8)
    start = threading.Barrier(8)

    def click(staff):
        start.wait()
        with Session(pooled) as session:
            return work.open_callback(session=session, callback_id=made.id, staff_id=staff,
                                      rules=RULES, now=NOW).mine

    with ThreadPoolExecutor(8) as pool:
        mine = list(pool.map(click, [f"adviser-{n}" for n in range(8)]))
    assert mine.count(True) == 1
    with Session(engine) as session:
        holder = cb.get_callback(session=session, callback_id=made.id).claimed_by
    two = threading.Barrier(2)

    def call(_):
        two.wait()
        with Session(pooled) as session:
            try:
                return dials.start_dial(session=session, callback_id=made.id, staff_id=holder,
                                        rules=RULES, now=NOW).id
            except cb.CallbackConflict:
                return None

    with ThreadPoolExecutor(2) as pool:
        started = [d for d in pool.map(call, range(2)) if d is not None]
    pooled.dispose()
    assert len(started) == 1
