"""Warm transfer: tell the customer, ring the contractor's internal number, whisper the summary.

The adviser who answers hears the triage summary in one sentence and presses 1 to accept
(001:6.1; the receiving adviser gets the summary so nobody asks twice, 004:L1208). While the line
rings, the contractor's signed-in advisers see the same call in the console and may take it
there instead (ivr.voice.warm_offer): whoever is first wins, and the other is told. No answer,
busy, failed or declined becomes a cold transfer, the customer is told (000:L81), and the
callback is pinned to the top of the contractor's worklist.
"""

from __future__ import annotations

from datetime import timedelta

from engine.summary import summary_sentence
from ivr.voice import callback, survey, twiml, warm_offer
from ivr.voice.call import Call
from ivr.voice.state import TRANSFER
from routing import hours

CUSTOMER_GONE = frozenset({"completed", "canceled"})


def warm(call: Call, contractor_id: str, lead: list[str]) -> str:
    """Ring the contractor with a whisper; the Dial action reports how it went."""
    state = call.state
    contractor = call.services.directory.contractors[contractor_id]
    state.phase, state.transfer_accepted = TRANSFER, False
    state.plan = {**(state.plan or {}), "contractor": contractor_id}
    call.timeline.record("transfer_attempted", event_id=call.event_id("transfer_attempted"),
                         detail={"contractor": contractor_id})
    state.step += 1
    texts = [*lead, call.prompt("warm_transfer", contractor=_spoken_name(contractor.name))]
    return twiml.dial_contractor(
        texts, contractor.transfer_number, action=call.url("transfer/done"),
        whisper_url=call.url("transfer/whisper", call=state.call_sid),
        status_callback=call.url("transfer/line", call=state.call_sid),
        ring_seconds=call.config.transfer_ring_seconds, speech=call.config.speech)


def whisper(call: Call) -> str:
    """Played to the adviser who answers (the state is the customer's call)."""
    state = call.state
    taker = warm_offer.taken_by(call.services.redis, state.call_sid)
    if taker:
        return _taken_elsewhere(call, taker)
    contractor_id = (state.plan or {}).get("contractor")
    area = call.services.directory.contractors[contractor_id].name if contractor_id else None
    summary = summary_sentence(state.facts, state.decision, _area(area))
    return twiml.whisper(call.prompt("whisper", summary=summary),
                         action=call.url("transfer/accept", call=state.call_sid),
                         accept_seconds=call.config.whisper_accept_seconds,
                         declined=call.prompt("whisper_declined"), speech=call.config.speech)


def accept(call: Call) -> str:
    """The adviser's key after the whisper: 1 connects the customer; anything else declines.

    1 takes the call only if no adviser has taken (or declined) it in the console meanwhile.
    """
    if call.form.get("Digits") != "1":
        return twiml.hangup([call.prompt("whisper_declined")], call.config.speech)
    taker = warm_offer.take(call.services.redis, call.state.call_sid, {"by": "phone"})
    if taker is not None:
        return _taken_elsewhere(call, taker)
    _transferred(call, {"by": "phone"})
    return twiml.connect()


def _taken_elsewhere(call: Call, taker: dict) -> str:
    """The line's adviser was second: an adviser took (or declined) the call in the console."""
    said = "whisper_declined" if taker.get("declined") else "whisper_taken"
    return twiml.hangup([call.prompt(said)], call.config.speech)


def joined(call: Call) -> str:
    """The console adviser who accepted answered their own phone: the caller is bridged."""
    taker = warm_offer.taken_by(call.services.redis, call.state.call_sid) or {}
    _transferred(call, {"by": "console", "adviser": taker.get("adviser")})
    return twiml.say_only([call.prompt("transfer_joined")], call.config.speech)


def _transferred(call: Call, how: dict) -> None:
    call.state.transfer_accepted = True
    call.timeline.record("transferred", event_id="transferred",
                         detail={"contractor": (call.state.plan or {}).get("contractor"), **how})


def done(call: Call) -> str:
    """The Dial action: connected, the customer hung up, taken in the console, or a cold
    transfer instead."""
    state, form = call.state, call.form
    contractor_id = (state.plan or {}).get("contractor")
    status = form.get("DialCallStatus", "")
    redis = call.services.redis
    if state.transfer_accepted:
        state.outcome = "transferred"
        warm_offer.finish(redis, state.call_sid, contractor_id)
        # The contractor's adviser hung up first: a sampled customer is asked how it went.
        return survey.after_contact(call)
    if form.get("CallStatus") in CUSTOMER_GONE:
        return _abandoned(call, contractor_id)
    taker = warm_offer.taken_by(redis, state.call_sid) or {}
    if taker.get("endpoint") and not (state.plan or {}).get("console_dialled"):
        return _dial_console_adviser(call, contractor_id, taker["endpoint"])
    if status == "canceled" and not taker:
        return _abandoned(call, contractor_id)
    if taker.get("declined"):
        status = "declined"
    elif (state.plan or {}).get("console_dialled"):
        status = f"console adviser {status or 'unavailable'}"
    call.timeline.record("transfer_failed", event_id=call.event_id("transfer_failed"),
                         detail={"contractor": contractor_id, "status": status or "declined"})
    warm_offer.finish(redis, state.call_sid, contractor_id)
    contractor = call.services.directory.contractors[contractor_id]
    # Followed up on the next working day (000:L81): by the end of its next opening period.
    due = hours.end_of_next_period(contractor, call.at) or call.at + timedelta(hours=24)
    lead = [call.prompt("transfer_failed", contractor=_spoken_name(contractor.name))]
    # Pinned: the contractor failed this customer a moment ago, so it is the first to call back.
    return callback.begin(call, owner={"contractor_id": contractor_id}, due=due,
                          source="cold_transfer", lead=lead, pinned=True)


def _abandoned(call: Call, contractor_id: str | None) -> str:
    call.state.outcome = "abandoned"
    call.timeline.record("abandoned", event_id="abandoned",
                         detail={"where": "transfer", "contractor": contractor_id})
    warm_offer.finish(call.services.redis, call.state.call_sid, contractor_id)
    return twiml.hangup([], call.config.speech)


def _dial_console_adviser(call: Call, contractor_id: str, endpoint: str) -> str:
    """Taken in the console: ring that adviser's own phone; the caller is bridged when they
    answer (joined), and this Dial's action comes back here to close the transfer."""
    state = call.state
    state.plan = {**(state.plan or {}), "console_dialled": True}
    state.step += 1
    contractor = call.services.directory.contractors[contractor_id]
    texts = [call.prompt("transfer_connecting", contractor=_spoken_name(contractor.name))]
    return twiml.dial_contractor(
        texts, endpoint, action=call.url("transfer/done"),
        whisper_url=call.url("transfer/joined", call=state.call_sid),
        ring_seconds=call.config.transfer_ring_seconds, speech=call.config.speech)


def _spoken_name(name: str) -> str:
    """'the North West prime contractor' reads better with its article."""
    return name if name.lower().startswith("the ") else f"the {name}"


def _area(name: str | None) -> str | None:
    return name.removesuffix(" prime contractor") if name else None
