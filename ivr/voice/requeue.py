"""A caller waiting in a queue still listens: a new fact or a correction re-takes the decision.

The queue's wait TwiML gathers speech (ivr/voice/twiml.queue_wait), first for the safeguarding
screen. Words that pass it go to the assistant, which keeps the conversation's facts. When the
new decision routes the caller differently ("sorry, I'm seventeen not seventy one"), the caller
leaves this queue (the Enqueue action then carries out the new route: another queue, keeping the
time waited, or information, a callback, a signpost). The timeline records why it left, and the
new decision, so the adviser who answers sees the route the caller has now.
"""

from __future__ import annotations

from engine import decided
from engine.dispatch import get_dispatcher, waiting_queue
from ivr.assistant import parse_reply
from ivr.rasa_client import RasaUnavailable
from ivr.voice import routes, twiml
from ivr.voice.asking import MIN_ASSISTANT_SECONDS, metadata
from ivr.voice.call import Call

REROUTED = "rerouted"  # the outcome while the Enqueue action has yet to carry out the new route
REASON = "customer_update"
_NOT_A_ROUTE = ("incomplete", "safeguarding")


def heard_while_waiting(call: Call, said: str, queue: str | None) -> str | None:
    """TwiML leaving the queue when what was said changes the route; None to keep waiting."""
    state, rasa = call.state, call.services.rasa
    if rasa is None or not queue or said.startswith("/"):
        return None
    left = call.seconds_left()
    if left < MIN_ASSISTANT_SECONDS:
        return None
    try:
        reply = parse_reply(rasa.send(state.call_sid, said, metadata(call), timeout=left))
    except RasaUnavailable:
        return None
    call.timeline.record_many([
        ("customer_said", call.event_id("customer_said"), None, said),
        ("assistant_said", call.event_id("assistant_said"), None, " ".join(reply.texts)),
    ])
    if not reply.triaged:
        return None
    facts = {**state.facts, **{k: v for k, v in (reply.facts or {}).items() if k != "channel"}}
    decision = routes.decision_for(facts, reply.decision)
    if decision.destination in _NOT_A_ROUTE or decision.to_dict() == state.decision:
        return None
    state.facts = facts
    planned = routes.plan_now(call, decision)
    if planned.action == "enqueue" and \
            waiting_queue(planned.queue, facts.get("language")) == queue:
        state.decision = decision.to_dict()  # the same queue: the adviser sees the new facts
        return None
    dispatcher = get_dispatcher()
    state.rejoin_at = dispatcher.joined_at(queue, state.call_sid)  # the time waited goes along
    dispatcher.leave(queue, state.call_sid)
    call.timeline.record("left_queue", event_id=call.event_id("left_queue"),
                         detail={"queue": queue, "reason": REASON})
    state.outcome = REROUTED
    return twiml.leave_queue([], call.config.speech)


def retaken(call: Call, said: str):
    """(new decision, the assistant's words) when `said` changes the route, else None.

    For talk at an identity question: the words go to the assistant as any turn does, and the
    call's facts and decision change with the route, so the step ends in the new one."""
    state, rasa = call.state, call.services.rasa
    left = call.seconds_left()
    if rasa is None or left < MIN_ASSISTANT_SECONDS:
        return None
    try:
        reply = parse_reply(rasa.send(state.call_sid, said, metadata(call), timeout=left))
    except RasaUnavailable:
        return None
    call.timeline.record_many([
        ("customer_said", call.event_id("customer_said"), None, said),
        ("assistant_said", call.event_id("assistant_said"), None, " ".join(reply.texts)),
    ])
    if not reply.triaged:
        return None
    facts = {**state.facts, **{k: v for k, v in (reply.facts or {}).items() if k != "channel"}}
    decision = routes.decision_for(facts, reply.decision)
    if decision.destination in _NOT_A_ROUTE or decision.to_dict() == state.decision:
        return None
    state.facts, state.decision = facts, decision.to_dict()
    call.timeline.record("triaged", event_id=call.event_id("triaged"), detail={
        **decided.triaged_detail(routes.plan_now(call, decision)), "reason": REASON})
    return decision, reply.texts


def carry_out(call: Call) -> str:
    """The Enqueue action after a re-route: the new decision, carried out now."""
    call.state.outcome = None
    return routes.carry_out(call, routes.decision_for(call.state.facts), [],
                            identity_step=False)
