"""A safeguarding concern raised in a chat: a person at once, and supervisors alerted (003:L211).

Runs before the assistant or the menu sees the turn, and in every state of the chat: while the
assistant or the menu triages, while the customer leaves callback details, in a queue (moved to
the safeguarding queue) and with an adviser (who is already there: the alert is still raised).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr import safeguarding
from ivr.chat import outcomes
from models.contacts import EventKind
from triage import FactsError, decide
from triage.safeguarding import Concern

if TYPE_CHECKING:
    from ivr.chat.conversation import ChatService, Turn

SAFEGUARDING_QUEUE = "safeguarding"


def on_concern(service: ChatService, turn: Turn, concern: Concern, *, channel: str) -> None:
    """Alert supervisors, then put the customer through to a person now."""
    session = turn.session
    where = {"triage": session.mode}.get(session.state, session.state)
    with_adviser = session.adviser_name if session.state == "adviser" else None
    safeguarding.alert(service.store.redis, contact=session.contact_key, channel=channel,
                       concern=concern, where=where, at=turn.now, adviser=with_adviser)
    turn.record(EventKind.STAFF_NOTE, detail={"safeguarding": concern.kind,
                                              "explicit": concern.explicit,
                                              "about": concern.about})
    session.concern = safeguarding.summary(concern)
    if session.state == "adviser":
        return  # a person is already with the customer
    if session.state == "queued":
        if session.queue_id == SAFEGUARDING_QUEUE:
            return
        service.queue.leave(session.queue_id, session.session_id)
    session.state, session.callback = "triage", None
    session.facts = {**session.facts, "safeguarding_concern": True}
    try:
        decision = decide({**session.facts, "channel": channel})
    except FactsError:
        decision = decide({"safeguarding_concern": True, "channel": channel})
    emergency_first(service, turn)
    turn.say(service.config.text("safeguarding"), author="system")
    outcomes.route(service, turn, decision)


def emergency_first(service: ChatService, turn: Turn) -> None:
    """The emergency line before anything else in the safeguarding route (003:L211).

    Childline is for under-19s: shown when the age is under 19 or not known.
    """
    age = turn.session.facts.get("age")
    turn.say(service.config.text("emergency"), author="system")
    if not isinstance(age, int) or age < 19:
        turn.say(service.config.text("childline"), author="system")


def assistant_found(service: ChatService, turn: Turn, *, channel: str) -> None:
    """The assistant's own decision was safeguarding: the emergency line first, supervisors
    alerted all the same."""
    safeguarding.alert(service.store.redis, contact=turn.session.contact_key, channel=channel,
                       concern=safeguarding.ASSISTANT_CONCERN, where="assistant", at=turn.now)
    turn.session.concern = turn.session.concern or safeguarding.summary(
        safeguarding.ASSISTANT_CONCERN)
    emergency_first(service, turn)
