"""Warm transfer: tell the customer, ring the contractor's internal number, whisper the summary.

The adviser who answers hears the triage summary in one sentence and presses 1 to accept
(001:6.1; the receiving adviser gets the summary so nobody asks twice, 004:L1208). No answer,
busy, failed or declined becomes a cold transfer and the customer is told (000:L81).
"""

from __future__ import annotations

from datetime import timedelta

from ivr.voice import callback, twiml
from ivr.voice.call import Call
from ivr.voice.spoken import summary_sentence
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
        ring_seconds=call.config.transfer_ring_seconds, speech=call.config.speech)


def whisper(call: Call) -> str:
    """Played to the adviser who answers (the state is the customer's call)."""
    state = call.state
    contractor_id = (state.plan or {}).get("contractor")
    area = call.services.directory.contractors[contractor_id].name if contractor_id else None
    summary = summary_sentence(state.facts, state.decision, _area(area))
    return twiml.whisper(call.prompt("whisper", summary=summary),
                         action=call.url("transfer/accept", call=state.call_sid),
                         accept_seconds=call.config.whisper_accept_seconds,
                         declined=call.prompt("whisper_declined"), speech=call.config.speech)


def accept(call: Call) -> str:
    """The adviser's key after the whisper: 1 connects the customer; anything else declines."""
    if call.form.get("Digits") == "1":
        call.state.transfer_accepted = True
        call.timeline.record("transferred", event_id="transferred",
                             detail={"contractor": (call.state.plan or {}).get("contractor")})
        return twiml.connect()
    return twiml.hangup([call.prompt("whisper_declined")], call.config.speech)


def done(call: Call) -> str:
    """The Dial action: connected, the customer hung up, or a cold transfer instead."""
    state, form = call.state, call.form
    contractor_id = (state.plan or {}).get("contractor")
    status = form.get("DialCallStatus", "")
    if state.transfer_accepted:
        state.outcome = "transferred"
        return twiml.hangup([], call.config.speech)
    if form.get("CallStatus") in CUSTOMER_GONE or status == "canceled":
        state.outcome = "abandoned"
        call.timeline.record("abandoned", event_id="abandoned",
                             detail={"where": "transfer", "contractor": contractor_id})
        return twiml.hangup([], call.config.speech)
    call.timeline.record("transfer_failed", event_id=call.event_id("transfer_failed"),
                         detail={"contractor": contractor_id, "status": status or "declined"})
    contractor = call.services.directory.contractors[contractor_id]
    # Followed up on the next working day (000:L81): by the end of its next opening period.
    due = hours.end_of_next_period(contractor, call.at) or call.at + timedelta(hours=24)
    lead = [call.prompt("transfer_failed", contractor=_spoken_name(contractor.name))]
    return callback.begin(call, owner={"contractor_id": contractor_id}, due=due,
                          source="cold_transfer", lead=lead)


def _spoken_name(name: str) -> str:
    """'the North West prime contractor' reads better with its article."""
    return name if name.lower().startswith("the ") else f"the {name}"


def _area(name: str | None) -> str | None:
    return name.removesuffix(" prime contractor") if name else None
