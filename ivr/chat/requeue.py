"""A chat waiting for an adviser still listens: a new fact or a correction re-takes the decision.

Every message while queued has passed the safeguarding screen first (ChatService.customer_says);
then it goes to the assistant, which keeps the conversation's facts. When the new decision routes
the customer differently ("sorry, I'm 17 not 71"), the chat moves: to the new queue keeping its
place by time waited (its joining time goes with it), or out of the queue to the new route
(information now, a callback, a signpost). The timeline records a new `triaged` event and
`queue_changed` with the reason, and the stored facts and decision change, so the adviser who
takes the chat sees the route it has now and why. A message that changes nothing leaves the chat
where it is; a goodbye while waiting does not end the chat (the customer leaves by closing it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine import decided, figures
from engine.dispatch import waiting_queue
from ivr.assistant import AssistantReply, parse_reply
from ivr.chat import identity as chat_identity
from ivr.chat import outcomes
from ivr.rasa_client import RasaUnavailable
from models.contacts import EventKind
from triage import Decision, FactsError, decide

if TYPE_CHECKING:
    from ivr.chat.conversation import ChatService, Turn

CHANNEL = "webchat"
REASON = "customer_update"  # why the chat moved: what the customer said while waiting
# Decisions the waiting chat does not act on: not finished, or handled by the screen already.
_NOT_A_ROUTE = ("incomplete", "safeguarding")


def while_queued(service: ChatService, turn: Turn, text: str) -> None:
    """Take what a waiting customer says: move the chat when the decision changes its route."""
    session = turn.session
    if session.mode != "assistant" or service.rasa is None or text.startswith("/"):
        return  # the menu's chats and button payloads have nothing new to decide
    try:
        reply = parse_reply(service.rasa.send(session.contact_key, text, {"channel": CHANNEL}))
    except RasaUnavailable:
        return  # the chat keeps its place; the adviser will read the words
    decision = _decision(reply)
    if decision is None:
        return
    facts = {**(reply.facts or {}), "channel": CHANNEL}
    before = session.decision or {}
    session.facts = facts
    if decision.to_dict() == before:
        return
    session.decision = decision.to_dict()
    planned = outcomes.plan_now(service, turn, decision)
    turn.record(EventKind.TRIAGED, detail={**decided.triaged_detail(planned), "reason": REASON})
    queue = waiting_queue(planned.queue, facts.get("language")) if planned.queue else None
    if planned.action == "enqueue" and queue == session.queue_id:
        turn.route = session.route = {**(session.route or {}), **outcomes.route_view(planned),
                                      "queue": queue}
        turn.say(service.config.text("noted_while_waiting"), author="system")
        return
    if planned.action == "enqueue":
        _move(service, turn, reply, planned, queue)
    else:
        _leave_for(service, turn, reply, decision)


def _decision(reply: AssistantReply) -> Decision | None:
    """The assistant's decision retaken on this channel, or None when there is no route."""
    if not reply.triaged:
        return None
    try:
        decision = decide({**(reply.facts or {}), "channel": CHANNEL})
    except FactsError:
        return None
    return None if decision.destination in _NOT_A_ROUTE else decision


def _move(service: ChatService, turn: Turn, reply: AssistantReply, planned, queue: str) -> None:
    """To the new queue, keeping the time waited; the customer and the timeline are told."""
    session = turn.session
    if service.queue.move(session.queue_id, queue, session.session_id) is None:
        return  # an adviser took the chat meanwhile: they read the words and the new facts
    # Its first queue counts it as redirected (neither answered nor abandoned); the
    # queue_changed event offers it in the new one.
    figures.left_queue(CHANNEL, session.contact_key, queue=session.queue_id, at=turn.now)
    turn.record(EventKind.QUEUE_CHANGED, detail={"from": session.queue_id, "to": queue,
                                                 "reason": REASON})
    session.queue_id = queue
    turn.route = session.route = {**outcomes.route_view(planned), "queue": queue}
    _say_assistant(turn, reply)
    team = service.config.texts["teams"].get(queue.split(":")[0],
                                             service.config.text("default_team"))
    turn.say(service.config.text("rerouted", team=team), author="system")
    turn.status = ("queued", {"queue": queue})


def _leave_for(service: ChatService, turn: Turn, reply: AssistantReply,
               decision: Decision) -> None:
    """Out of the queue to a route that needs no queue: information, a callback, a signpost."""
    session = turn.session
    if not service.queue.leave(session.queue_id, session.session_id):
        return  # already taken by an adviser
    figures.left_queue(CHANNEL, session.contact_key, queue=session.queue_id, at=turn.now)
    turn.record(EventKind.LEFT_QUEUE, detail={"queue": session.queue_id, "reason": REASON})
    session.state, session.queue_id = "triage", ""
    _say_assistant(turn, reply)
    outcomes.carry_out(service, turn, decision)
    turn.status = turn.status or ("triage", {})


def _say_assistant(turn: Turn, reply: AssistantReply) -> None:
    buttons = [b.__dict__ for b in reply.buttons]
    for index, text in enumerate(reply.texts):
        turn.say(text, buttons if index == len(reply.texts) - 1 else None)


def while_identifying(service: ChatService, turn: Turn, text: str) -> None:
    """Talk typed at an identity question ("sorry I'm 17 not 71"): the decision re-taken.

    The words are the customer's, not a detail (IdentityStep.is_talk), so the assistant reads
    them as on any turn. When the route changes, the customer and the timeline are told; a route
    that still wants an adviser goes on with the same question (the route the step ends in is
    the new one), any other ends the step and is carried out now.
    """
    session = turn.session
    reply = None
    if session.mode == "assistant" and service.rasa is not None:
        try:
            reply = parse_reply(service.rasa.send(session.contact_key, text,
                                                  {"channel": CHANNEL}))
        except RasaUnavailable:
            reply = None  # the question is asked again; the adviser will read the words
    decision = _decision(reply) if reply is not None else None
    if decision is None or decision.to_dict() == (session.decision or {}):
        chat_identity.ask_again(service, turn)
        return
    session.facts = {**(reply.facts or {}), "channel": CHANNEL}
    session.decision = decision.to_dict()
    planned = outcomes.plan_now(service, turn, decision)
    turn.record(EventKind.TRIAGED, detail={**decided.triaged_detail(planned), "reason": REASON})
    _say_assistant(turn, reply)
    if service.identity.wanted(decision.destination):
        turn.route = session.route = {**(session.route or {}), **outcomes.route_view(planned)}
        chat_identity.ask_again(service, turn)
        return
    chat_identity.stop(session, "rerouted")
    outcomes.carry_out(service, turn, decision)
