"""The identity step on chat: the shared engine's questions typed, with No thanks at each one.

The customer's answers never reach the assistant, the records or the display transcript: the
conversation records and shows a placeholder instead (`masked`), and the safeguarding screen
reads the words first, as on every turn (003:L211).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ivr.chat import outcomes
from ivr.identity import Prompt, masked
from models.contacts import EventKind
from triage import FactsError, decide

if TYPE_CHECKING:
    from ivr.chat.conversation import ChatService, Turn

log = logging.getLogger(__name__)
CHANNEL = "chat"
DECLINE = "/identity_decline"
LEFT = "customer_left"  # the step's outcome when the customer said goodbye at a question

__all__ = ["DECLINE", "answer", "ask_again", "heard", "is_talk", "masked", "shown", "start",
           "stop"]


def start(service: ChatService, turn: Turn) -> None:
    """Begin the step after the routing decision (the route is already on the turn)."""
    state, prompt = service.identity.begin(CHANNEL)
    turn.session.identity, turn.session.state = state, "identity"
    turn.record(EventKind.IDENTITY, detail={"asked": prompt.question})
    _ask(service, turn, prompt)


def shown(service: ChatService, session, text: str) -> str:
    """What is recorded and shown for an answer in the step: a placeholder, never the words."""
    if text == DECLINE:
        return service.identity.config.say(CHANNEL, "decline_button")
    return masked((session.identity or {}).get("ask"))


def answer(service: ChatService, turn: Turn, text: str) -> None:
    """One answer; then the next question, or on with the decided route."""
    session = turn.session
    try:
        prompt = service.identity.answer(session.identity or {}, CHANNEL, said=text,
                                         contact_key=session.contact_key, at=turn.now)
    except Exception as error:  # the records cannot be reached: serve the customer regardless
        log.error("identity step failed on a chat: %s", type(error).__name__)
        session.identity = {"done": "failed"}
        prompt = Prompt([service.identity.config.say(CHANNEL, "without")], outcome="failed",
                        detail={"outcome": "failed"})
    turn.record(EventKind.IDENTITY, detail=prompt.detail)
    if prompt.question is not None:
        _ask(service, turn, prompt)
        return
    session.state = "triage"
    for line in prompt.texts:
        turn.say(line, author="system")
    if prompt.outcome == LEFT:  # the customer said goodbye: the chat ends politely
        session.state, turn.close = "ended", True
        turn.status = ("ended", {"by": "customer"})
        return
    _resume(service, turn)


def heard(service: ChatService, session, text: str, at) -> tuple[bool, str | None]:
    """(talk, placeholder) for words typed at an identity question: talk ("sorry, I'm 17
    actually") is the customer's words, shown as typed; an answer only as a placeholder."""
    if session.state != "identity":
        return False, None
    if is_talk(service, session, text, at):
        return True, None
    return False, shown(service, session, text)


def is_talk(service: ChatService, session, text: str, at) -> bool:
    """True when words typed at an identity question are talk, not its answer (see the step)."""
    return text != DECLINE and not text.startswith("/") and \
        service.identity.is_talk(session.identity or {}, text, at)


def ask_again(service: ChatService, turn: Turn) -> None:
    """The question the step is at, once more (after talk that was not its answer)."""
    _ask(service, turn, service.identity.again(turn.session.identity or {}, CHANNEL))


def stop(session, outcome: str) -> None:
    """End the step unfinished: the details given so far go, unread (as on a decline)."""
    session.identity = {"done": outcome}
    session.state = "triage"


def _ask(service: ChatService, turn: Turn, prompt: Prompt) -> None:
    button = [{"title": service.identity.config.say(CHANNEL, "decline_button"),
               "payload": DECLINE}]
    for index, line in enumerate(prompt.texts):
        turn.say(line, button if index == len(prompt.texts) - 1 else None, author="system")


def _resume(service: ChatService, turn: Turn) -> None:
    session = turn.session
    try:
        decision = decide({**session.facts, "channel": "webchat"})
    except FactsError:
        outcomes.enqueue(service, turn, session.offer_queue or "adult_information")
        return
    outcomes.carry_out(service, turn, decision)
