"""A safeguarding concern raised on the phone: through to a person now, supervisors alerted.

Heard in speech of any confidence (low-confidence speech is screened before it is set aside) and
in words spoken at a keypad question, with or without the assistant (003:L211).
"""

from __future__ import annotations

from ivr import safeguarding
from ivr.voice import routes
from ivr.voice.call import Call
from triage.safeguarding import Concern

CHANNEL = "phone"


def screen_turn(call: Call, said: str, *, where: str) -> str | None:
    """TwiML that hands the customer to a person if `said` raises a concern, else None."""
    concern = safeguarding.check(said)
    if concern is None:
        return None
    call.timeline.record("customer_said", event_id=call.event_id("customer_said"), text=said)
    return hand_over(call, concern, where=where)


def hand_over(call: Call, concern: Concern, *, where: str) -> str:
    """Alert supervisors, then route the call as safeguarding (queue, or emergency numbers)."""
    safeguarding.alert(call.services.redis, contact=call.state.call_sid, channel=CHANNEL,
                       concern=concern, where=where, at=call.at)
    call.state.concern = safeguarding.summary(concern)
    call.state.facts["safeguarding_concern"] = True
    decision = routes.decision_for(call.state.facts)
    return routes.carry_out(call, decision,
                            [*call.emergency_first(), call.prompt("safeguarding_heard")])


def assistant_found(call: Call) -> None:
    """The assistant's own decision was safeguarding: supervisors are alerted all the same."""
    safeguarding.alert(call.services.redis, contact=call.state.call_sid, channel=CHANNEL,
                       concern=safeguarding.ASSISTANT_CONCERN, where="assistant", at=call.at)
    call.state.concern = call.state.concern or safeguarding.summary(safeguarding.ASSISTANT_CONCERN)
