"""Click-to-call bookkeeping: a row per call, moved on by Twilio's own callbacks; one attempt each.

The adviser's phone rings first; when they answer, their leg dials the customer. How the try went
comes from Twilio, never from the adviser's say-so, except whether a person who answered was
reached:
    customer busy / no answer / call failed   -> an attempt (busy, no_answer, failed): retry
    answered by a machine (AnsweredBy machine_*, fax)  -> an attempt (voicemail): retry
    answered by a person (human, unknown)      -> the adviser records reached + outcome code
    the adviser's phone not answered, or the adviser hung up before the customer answered
                                               -> no attempt used
Every step moves the row under a row lock, and an attempt is tied to its dial (unique), so a
webhook Twilio retries, or two arriving together, count once. Each step is on the timeline.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.callbacks import Callback, CallbackDial
from models.contacts import EventKind
from routing.callback_config import CallbackRules
from routing.callback_events import note
from routing.callback_sql import lock_for_write
from routing.callbacks import CallbackConflict, CallbackError, record_attempt

log = logging.getLogger(__name__)
# Twilio's final call statuses and DialCallStatus values that are an unsuccessful attempt.
UNSUCCESSFUL = {"busy": "busy", "no-answer": "no_answer", "failed": "failed"}
FINAL = frozenset({"completed", "busy", "no-answer", "failed", "canceled"})
MACHINE = ("machine_", "fax")
NO_ATTEMPT = ("adviser_unavailable", "adviser_hung_up")


def start_dial(*, session: Session, callback_id: int, staff_id: str, rules: CallbackRules,
               now: datetime) -> CallbackDial:
    """A new click-to-call for a callback `staff_id` holds; the claim is held for the call."""
    lock_for_write(session)
    row = session.get(Callback, callback_id, with_for_update=True, populate_existing=True)
    if row is None:
        session.rollback()
        raise CallbackError(f"no callback {callback_id}")
    if row.status != "claimed" or row.claimed_by != staff_id:
        session.rollback()
        raise CallbackConflict(f"callback {callback_id} is not claimed by this person")
    if not row.phone:
        session.rollback()
        raise CallbackError("this callback has no phone number: reply by email")
    if live_dial(session=session, callback_id=callback_id) is not None:
        session.rollback()
        raise CallbackConflict("a call for this callback is already under way")
    row.lease_expires_at = max(row.lease_expires_at or now,
                               now + timedelta(seconds=rules.dial_lease_seconds))
    row.updated_at = now
    dial = CallbackDial(callback_id=callback_id, token=secrets.token_hex(16), staff_id=staff_id,
                        state="ringing_adviser", started_at=now, updated_at=now)
    session.add_all([row, dial])
    session.flush()
    note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:started", now,
         dial_id=dial.id, stage="ringing_adviser", staff_id=staff_id)
    session.commit()
    return dial


def live_dial(*, session: Session, callback_id: int) -> CallbackDial | None:
    """The callback's click-to-call still under way, if any."""
    statement = (select(CallbackDial)
                 .where(CallbackDial.callback_id == callback_id, CallbackDial.state != "ended")
                 .order_by(CallbackDial.id.desc()).limit(1))
    return session.scalars(statement).first()


def latest_dial(*, session: Session, callback_id: int) -> CallbackDial | None:
    """The callback's most recent click-to-call, ended or not."""
    statement = (select(CallbackDial).where(CallbackDial.callback_id == callback_id)
                 .order_by(CallbackDial.id.desc()).limit(1))
    return session.scalars(statement).first()


def dial_by_token(*, session: Session, token: str) -> CallbackDial | None:
    """The click-to-call a webhook URL names."""
    return session.scalars(select(CallbackDial).where(CallbackDial.token == token)).first()


def abandon_dial(*, session: Session, dial_id: int, now: datetime, why: str) -> None:
    """Twilio refused to start the adviser's call: end the dial, no attempt used."""
    dial, row = _locked(session, dial_id)
    _end(session, dial, row, "adviser_unavailable", now, why=why)
    session.commit()


def adviser_answered(*, session: Session, dial_id: int, call_sid: str | None,
                     now: datetime) -> tuple[CallbackDial, Callback] | None:
    """The adviser picked up: their leg now dials the customer. None if the call is no longer
    wanted (the dial ended, or the callback was finished meanwhile)."""
    dial, row = _locked(session, dial_id)
    if dial.state == "ended" or row.status != "claimed" or row.claimed_by != dial.staff_id:
        if dial.state != "ended":
            _end(session, dial, row, "adviser_unavailable", now, why="callback no longer open")
        session.commit()
        return None
    if dial.state == "ringing_adviser":
        dial.state, dial.updated_at = "dialling_customer", now
        dial.adviser_call_sid = dial.adviser_call_sid or call_sid
        session.add(dial)
        note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:dialling", now,
             dial_id=dial.id, stage="dialling_customer")
    session.commit()
    return dial, row


def adviser_leg_status(*, session: Session, dial_id: int, call_status: str, now: datetime,
                       rules: CallbackRules) -> CallbackDial:
    """The adviser's own leg's status: ended before reaching the customer, no attempt used."""
    dial, row = _locked(session, dial_id)
    if call_status in FINAL and dial.state == "ringing_adviser":
        _end(session, dial, row, "adviser_unavailable", now, why=call_status)
    elif call_status in FINAL and dial.state == "dialling_customer":
        # The adviser put the phone down while the customer's phone was still ringing.
        _end(session, dial, row, "adviser_hung_up", now)
    session.commit()
    return dial


def customer_leg_status(*, session: Session, dial_id: int, call_status: str,
                        call_sid: str | None, now: datetime, rules: CallbackRules) -> CallbackDial:
    """A status callback of the customer's leg (the `<Number statusCallback>`)."""
    dial, row = _locked(session, dial_id)
    dial.customer_call_sid = dial.customer_call_sid or call_sid
    if call_status in ("in-progress", "answered") and dial.state == "dialling_customer":
        dial.state, dial.updated_at = "answered", now
        session.add(dial)
        note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:answered", now,
             dial_id=dial.id, stage="answered")
    elif call_status == "ringing" and dial.state == "dialling_customer":
        note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:ringing", now,
             dial_id=dial.id, stage="customer_ringing")
    elif call_status in FINAL:
        return _settle(session, dial, row, call_status, now, rules)
    session.commit()
    return dial


def dial_action(*, session: Session, dial_id: int, dial_call_status: str, now: datetime,
                rules: CallbackRules) -> CallbackDial:
    """The `<Dial action>`: DialCallStatus says how the customer's leg ended."""
    dial, row = _locked(session, dial_id)
    return _settle(session, dial, row, dial_call_status, now, rules)


def machine_detected(*, session: Session, dial_id: int, answered_by: str, now: datetime,
                     rules: CallbackRules) -> CallbackDial:
    """The `<Number amdStatusCallback>`: a machine is a voicemail attempt; a person waits for
    the adviser to record reached."""
    dial, row = _locked(session, dial_id)
    dial.answered_by, dial.updated_at = answered_by[:32], now
    session.add(dial)
    if answered_by.startswith(MACHINE) and dial.result is None:
        outcome = "voicemail" if answered_by.startswith("machine_") else "failed"
        return _count(session, dial, row, outcome, now, rules)
    session.commit()
    return dial


def settle_reached(*, session: Session, dial: CallbackDial | None, now: datetime) -> None:
    """After the adviser recorded an outcome for a person who answered: the dial is over."""
    if dial is None or dial.result is not None:
        return
    locked, row = _locked(session, dial.id)
    locked.state, locked.result, locked.updated_at = "ended", "person", now
    session.add(locked)
    session.commit()


def _settle(session: Session, dial: CallbackDial, row: Callback, status: str, now: datetime,
            rules: CallbackRules) -> CallbackDial:
    """The customer's leg ended with `status` (CallStatus or DialCallStatus)."""
    if dial.result is not None or dial.state == "ended":
        session.commit()
        return dial
    if status in UNSUCCESSFUL:
        return _count(session, dial, row, UNSUCCESSFUL[status], now, rules)
    if status == "canceled":
        # The adviser hung up before the customer answered: no attempt used.
        _end(session, dial, row, "adviser_hung_up", now)
    elif status == "completed" and (dial.answered_by or "").startswith(MACHINE):
        return _count(session, dial, row, "voicemail", now, rules)
    else:
        # A person answered and the call is over: the adviser records reached (or not).
        dial.state, dial.updated_at = "ended", now
        session.add(dial)
        note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:ended", now,
             dial_id=dial.id, stage="ended", answered_by=dial.answered_by or "human")
    session.commit()
    return dial


def _count(session: Session, dial: CallbackDial, row: Callback, outcome: str, now: datetime,
           rules: CallbackRules) -> CallbackDial:
    """End the dial and record its attempt in one transaction (once per dial)."""
    dial.state, dial.result, dial.updated_at = "ended", outcome, now
    session.add(dial)
    note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:ended", now,
         dial_id=dial.id, stage="ended", result=outcome, answered_by=dial.answered_by)
    dial_id, staff_id, number = dial.id, dial.staff_id, row.attempt_count + 1
    try:
        record_attempt(session=session, callback_id=row.id, staff_id=staff_id, outcome=outcome,
                       now=now, retry_after_seconds=rules.retry_after_seconds(number),
                       dial_id=dial_id)
    except CallbackConflict:
        # The claim lapsed during the call and someone else holds it: the call is on the
        # timeline, but the attempt is theirs to count.
        log.warning("click-to-call outcome after the claim lapsed; not counted")
        locked, row = _locked(session, dial_id)
        _end(session, locked, row, f"{outcome}_uncounted", now, why="claim lapsed")
        session.commit()
        return locked
    return session.get(CallbackDial, dial_id, populate_existing=True)


def _end(session: Session, dial: CallbackDial, row: Callback, result: str, now: datetime,
         why: str | None = None) -> None:
    dial.state, dial.result, dial.updated_at = "ended", result, now
    session.add(dial)
    note(session, row, EventKind.CALLBACK_DIALLED, f"dial-{dial.id}:ended", now,
         dial_id=dial.id, stage="ended", result=result, attempt_used=False, why=why)


def _locked(session: Session, dial_id: int) -> tuple[CallbackDial, Callback]:
    lock_for_write(session)
    dial = session.get(CallbackDial, dial_id, with_for_update=True, populate_existing=True)
    if dial is None:
        session.rollback()
        raise CallbackError(f"no call {dial_id}")
    row = session.get(Callback, dial.callback_id, with_for_update=True, populate_existing=True)
    return dial, row
