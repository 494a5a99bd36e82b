"""The end of a call, heard by its status callback or found by the worker's reconcile round.

Either way the caller is out of the queue, their adviser (if any) freed as the desk's rules say,
the abandonment counted once (the `abandoned` event's id is the same whoever records it, and an
ended call is never ended again) and the timeline closed.
"""

from __future__ import annotations

import logging

from flask import current_app

from ivr import connections
from ivr.voice import survey
from ivr.voice.adviser_leg import caller_gone
from ivr.voice.call import Services
from ivr.voice.state import CALLBACK, ENDED, IDENTITY, QUEUE, TRANSFER, CallState
from ivr.voice.timeline import Timeline

log = logging.getLogger(__name__)
NOT_ABANDONED = frozenset({"answered", "transferred", "callback", "self_served", "signposted"})


def close_call(state: CallState, timeline: Timeline, *, status: str | None,
               duration: str | None, queue: str | None = None) -> None:
    """The call has ended: free its adviser, record an abandonment if unserved, close it."""
    caller_gone(state.call_sid)
    # Hung up during the satisfaction survey: what was answered is kept, the rest skipped.
    survey.hung_up(state, current_app.extensions["voice"].clock())
    if state.outcome not in NOT_ABANDONED and not state.transfer_accepted:
        where = {QUEUE: "queue", TRANSFER: "transfer", IDENTITY: "identity"}.get(
            state.phase, "assistant")
        detail = {"where": where, **({"queue": queue} if queue else {})}
        timeline.record("abandoned", event_id="abandoned", detail=detail)
        state.outcome = "abandoned"
    if state.phase == CALLBACK and state.outcome != "callback":
        state.plan = {k: v for k, v in (state.plan or {}).items() if k != "callback"}
    if state.identity:
        state.identity = {k: v for k, v in state.identity.items() if k != "sealed"}
    connections.forget_conversation(state.call_sid)
    timeline.close(detail={"outcome": state.outcome, "status": status, "duration": duration})
    state.phase = ENDED


def end_unseen_call(call_sid: str, status: str, queue: str) -> None:
    """The reconcile round's port: Twilio says the call ended but we never heard (its status
    callback was lost). `queue` is the queue it was just taken out of ('' if none)."""
    svc: Services = current_app.extensions["voice"]
    token, state = svc.store.claim(call_sid)
    try:
        if state is None or state.phase == ENDED:
            caller_gone(call_sid)  # nothing left to record; an adviser may still hold it
            state = None
            return
        timeline = Timeline(svc.engine, state.contact_key)
        if queue:
            timeline.record("left_queue", event_id="left_queue", detail={
                "queue": queue, "reason": "call_ended", "status": status})
        close_call(state, timeline, status=status, duration=None,
                   queue=queue or (state.plan or {}).get("queue"))
        log.info("an unseen end of a call was reconciled (%s)", status)
    finally:
        svc.store.release(call_sid, token, state)


def call_status(call_sid: str) -> str | None:
    """The reconcile round's port: Twilio's status of a call, or None when it cannot say."""
    try:
        return connections.get_twilio().fetch_call(call_sid).get("status")
    except Exception as error:  # noqa: BLE001 - unreachable, unknown: the call is left alone
        log.warning("could not fetch a call's status: %s", type(error).__name__)
        return None
