"""An adviser working one callback: open (claim), keep it (heartbeat), leave, record the outcome.

The rules (lease, retry spacing, outcome codes) come from config/callbacks.yaml. The data
functions are routing.callbacks and routing.callback_dials; this is the one place that says how
a person's actions map onto them, for the console and anything else that works callbacks.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from models.callbacks import CallbackDial, CallbackPublic
from routing import callback_dials, callbacks
from routing.callback_config import CallbackRules
from routing.callbacks import CallbackConflict, CallbackError

# What an adviser may record themselves. Busy, no answer and voicemail are for a call made some
# other way (a desk phone); a click-to-call's own outcome comes from Twilio.
PHONE_OUTCOMES = ("reached", "wrong_number", "no_answer", "busy", "voicemail")
EMAIL_OUTCOMES = ("reached", "wrong_number")  # replied; or the address does not work


@dataclass(frozen=True)
class Opened:
    """A callback as one adviser sees it on opening: claimed by them, or why not."""

    callback: CallbackPublic
    mine: bool
    held_by: str | None  # someone else's live claim: shown, never taken before it lapses
    waiting_until: datetime | None  # a retry not yet due (the spacing is configuration)
    dial: CallbackDial | None


def open_callback(*, session: Session, callback_id: int, staff_id: str, rules: CallbackRules,
                  now: datetime) -> Opened:
    """Claim the callback on opening when it is free; say who holds it when it is not."""
    got = callbacks.claim_callback(session=session, callback_id=callback_id, staff_id=staff_id,
                                   lease_seconds=rules.lease_seconds, now=now)
    mine = got.status == "claimed" and got.claimed_by == staff_id
    held = got.claimed_by if got.status == "claimed" and not mine else None
    waiting = got.available_at if got.status == "pending" and got.available_at > now else None
    dial = callback_dials.latest_dial(session=session, callback_id=callback_id)
    session.commit()
    return Opened(got, mine, held, waiting, dial)


def heartbeat(*, session: Session, callback_id: int, staff_id: str, rules: CallbackRules,
              now: datetime) -> CallbackPublic:
    """The open page renews its claim; CallbackConflict once it has lapsed and gone to another."""
    current = callbacks.get_callback(session=session, callback_id=callback_id)
    if current is None:
        raise CallbackError(f"no callback {callback_id}")
    until = now.timestamp() + rules.lease_seconds
    if current.lease_expires_at and current.lease_expires_at.timestamp() > until:
        return current  # a call in progress holds it longer already
    return callbacks.extend_lease(session=session, callback_id=callback_id, staff_id=staff_id,
                                  lease_seconds=rules.lease_seconds, now=now)


def leave(*, session: Session, callback_id: int, staff_id: str, now: datetime) -> bool:
    """The adviser left the page: give the callback back unless a call is under way."""
    if callback_dials.live_dial(session=session, callback_id=callback_id) is not None:
        return False
    try:
        callbacks.release(session=session, callback_id=callback_id, staff_id=staff_id, now=now)
    except CallbackConflict:
        return False  # finished, or no longer theirs: nothing to give back
    return True


def record_outcome(*, session: Session, callback_id: int, staff_id: str, outcome: str,
                   outcome_code: str | None, rules: CallbackRules,
                   now: datetime, codes: Collection[str] | None = None) -> CallbackPublic:
    """Record what the adviser says happened; "reached" needs one of the configured codes
    (`codes`: another list's, as the follow-up programme's progression outcomes)."""
    current = callbacks.get_callback(session=session, callback_id=callback_id)
    if current is None:
        raise CallbackError(f"no callback {callback_id}")
    allowed = PHONE_OUTCOMES if current.phone else EMAIL_OUTCOMES
    if outcome not in allowed:
        raise CallbackError(f"outcome must be one of {', '.join(allowed)}")
    if outcome == "reached" and outcome_code not in (rules.outcome_labels if codes is None
                                                     else codes):
        raise CallbackError("choose what the call achieved (outcome code)")
    dial = callback_dials.latest_dial(session=session, callback_id=callback_id)
    tied = None
    if dial is not None and dial.result is None:
        if dial.state in ("ringing_adviser", "dialling_customer"):
            raise CallbackConflict("the call has not been answered yet: wait for it to finish")
        tied = dial.id  # a person answered this call: the attempt is this call's, once
    result = callbacks.record_attempt(
        session=session, callback_id=callback_id, staff_id=staff_id, outcome=outcome,
        outcome_code=outcome_code if outcome == "reached" else None, dial_id=tied, now=now,
        retry_after_seconds=rules.retry_after_seconds(current.attempt_count + 1))
    callback_dials.settle_reached(session=session, dial=dial if tied else None, now=now)
    return result
