"""Carrying out routing's plan on the phone: answer, queue, warm or cold transfer, signpost.

Every route that needs a person also offers a way on when no one can take the call now: a
callback or the website (000:L19).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine import decided
from ivr.identity import get_identity_step
from ivr.voice import callback, identity, queueing, transfer
from ivr.voice.call import Call
from ivr.voice.state import KEYPAD
from routing import hours
from routing import plan as make_plan
from triage import FactsError, decide

LANGUAGE_LINES = "language_lines"


@dataclass(frozen=True)
class DecisionView:
    """A decision received as a dict (when its facts cannot be re-checked), shaped for plan()."""

    destination: str
    signposts: tuple[str, ...] = ()
    region: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The decision as received."""
        return dict(self.raw)


def decision_for(facts: dict[str, Any], given: dict[str, Any] | None = None):
    """Triage's decision for `facts` on the phone, or `given` when the facts do not validate."""
    try:
        return decide({**facts, "channel": "phone"})
    except FactsError:
        given = given or {"destination": "incomplete"}
        return DecisionView(given.get("destination", "incomplete"),
                            tuple(given.get("signposts") or ()), given.get("region"), given)


def carry_out(call: Call, decision, lead: list, *, identity_step: bool = True) -> str:
    """Record the decision, ask routing what to do now, and do it."""
    state = call.state
    plan = _plan(call, decision)
    state.decision, state.plan = decision.to_dict(), plan.to_dict()
    call.timeline.record("triaged", event_id=call.event_id("triaged"),
                         detail=decided.triaged_detail(plan))
    step = get_identity_step() if identity_step else None
    if decided.asks_identity_first(plan, step, state.identity):
        return identity.start(call, step, lead)  # after the decision; the plan is carried out after
    return ACTIONS[plan.action](call, plan, lead)


def resume(call: Call, lead: list[str]) -> str:
    """Carry out the decided route after the identity step, planned again for this moment."""
    decision = decision_for(call.state.facts, call.state.decision)
    plan = _plan(call, decision)
    call.state.plan = plan.to_dict()
    return ACTIONS[plan.action](call, plan, lead)


def _plan(call: Call, decision):
    services = call.services
    return make_plan(decision, "phone", call.at, directory=services.directory,
                     closed=services.closed_ids(), language=call.state.facts.get("language"))


def _self_serve(call: Call, plan, lead: list[str]) -> str:
    signposts = _signposts(call, plan.decision.signposts)
    if call.state.phase == KEYPAD:
        # Without the assistant the keypad cannot answer the question itself: the website can,
        # and an adviser stays one key away (001:5.5).
        texts = [*lead, *signposts, call.prompt("anything_else_keypad")]
        return call.keys(texts, "self_serve_next", repeatable=texts[-1:])
    call.state.outcome = "self_served"
    if call.state.choices:
        # The assistant asked its own follow-up ("an adviser as well?"): let the customer answer.
        return call.listen(lead)
    return call.listen([*lead, call.prompt("anything_else")],
                       repeatable=[call.prompt("anything_else")])


def _enqueue(call: Call, plan, lead: list[str]) -> str:
    if plan.queue == "safeguarding":
        # The emergency line first (003:L211); the assistant has already said a person is coming,
        # the keypad path says it here.
        return queueing.enqueue(call, plan.queue,
                                [*call.emergency_first(), *(lead or [call.prompt("safeguarding")])])
    if plan.queue == LANGUAGE_LINES and lead:
        # Greeted in the customer's language already: no English line after it.
        return queueing.enqueue(call, plan.queue, lead)
    return queueing.enqueue(call, plan.queue, [*lead, call.prompt("to_adviser")])


def _warm(call: Call, plan, lead: list[str]) -> str:
    return transfer.warm(call, plan.contractor, lead)


def _cold(call: Call, plan, lead: list[str]) -> str:
    if plan.contractor:
        name = call.services.directory.contractors[plan.contractor].name
        texts = [*lead, call.prompt("contractor_closed", contractor=name)]
        owner = {"contractor_id": plan.contractor}
        source = "cold_transfer"
    else:
        texts = [*lead, call.prompt("out_of_hours")]
        owner = {"queue_id": plan.callback_queue}
        source = "out_of_hours"
    return callback.begin(call, owner=owner, due=plan.callback_due, source=source, lead=texts)


def _signpost(call: Call, plan, lead: list[str]) -> str:
    if plan.emergency:
        # Safeguarding with nobody to answer: the emergency numbers first, then a person follows
        # up as soon as the team is open (003:L211).
        texts = [*call.emergency_first(), *lead, call.prompt("safeguarding_closed")]
        return callback.begin(call, owner={"queue_id": plan.callback_queue}, due=plan.callback_due,
                              source="out_of_hours", lead=texts)
    destination = plan.decision.destination
    words = [call.prompt(destination)] if destination in call.config.prompts else []
    call.state.outcome = "signposted"
    return call.finish([*lead, *words, *_signposts(call, plan.decision.signposts)])


def _ask(call: Call, plan, lead: list[str]) -> str:
    if call.state.phase == KEYPAD or "postcode" in plan.missing:
        # A postcode cannot be keyed in: an adviser takes it from here, with the summary so far.
        return to_adviser(call, [*lead, call.prompt("no_postcode_keypad")])
    return call.listen(lead or [call.prompt("first_question")])


ACTIONS = {
    "self_serve": _self_serve, "enqueue": _enqueue, "warm_transfer": _warm,
    "cold_transfer": _cold, "signpost": _signpost, "ask": _ask,
}


def to_adviser(call: Call, lead: list[str], *, queue: str | None = None) -> str:
    """Put the customer through to a contact-centre adviser, or offer a callback when closed."""
    services, state = call.services, call.state
    queue = queue or (state.plan or {}).get("queue") or services.config.adviser_queue
    closed = services.closed_ids()
    entity = services.directory.queues.get(queue) or services.directory.contact_centre
    if hours.is_open(services.directory.contact_centre, call.at, closed=closed) and \
            hours.is_open(entity, call.at, closed=closed):
        return queueing.enqueue(call, queue, [*lead, call.prompt("to_adviser")])
    texts = [*lead, call.prompt("out_of_hours"), call.prompt("out_of_hours_offer")]
    return call.keys(texts, "out_of_hours_offer", repeatable=texts[-1:])


def _signposts(call: Call, ids) -> list[str]:
    return [call.config.signposts[i].format(website=call.config.website)
            for i in ids if i in call.config.signposts]


def on_self_serve_next(call: Call, digits: str) -> str:
    """After a keypad answer: any key but 0 ends the call politely (0 is handled before)."""
    call.state.outcome = call.state.outcome or "self_served"
    return call.finish([])


def on_out_of_hours_offer(call: Call, digits: str) -> str:
    """1 books a callback from the contact centre; anything else ends with the website."""
    if digits == "1":
        return callback.from_contact_centre(call, [], source="out_of_hours")
    return call.finish([call.config.signposts["website"].format(website=call.config.website)])


def on_error_offer(call: Call, digits: str) -> str:
    """After an apology: 1 books a callback; anything else ends with the website."""
    if digits == "1":
        return callback.from_contact_centre(call, [], source="customer_request")
    return on_out_of_hours_offer(call, digits)


HANDLERS = {
    "self_serve_next": on_self_serve_next,
    "out_of_hours_offer": on_out_of_hours_offer,
    "error_offer": on_error_offer,
}
