"""The identity step on the phone: the shared engine's questions spoken, answers by voice or keys.

Names and the postcode are said; the date of birth may be said or keyed (DDMMYYYY, then #), and
after one it could not use the caller is asked to key it; the memorable number is keyed. The
safeguarding screen hears every answer first (003:L211). The timeline gets what happened
(`identity` events: asked, given, unusable, outcome), never what was said.
"""

from __future__ import annotations

import logging

from ivr.identity import IdentityStep, Prompt, get_identity_step
from ivr.voice import safeguarding as voice_safeguarding
from ivr.voice import twiml
from ivr.voice.call import Call
from ivr.voice.state import IDENTITY

log = logging.getLogger(__name__)
CHANNEL = "phone"
LEFT = "customer_left"  # the step's outcome when the customer said goodbye at a question


def start(call: Call, step: IdentityStep, lead: list[str]) -> str:
    """Begin the step after the routing decision; the plan waits in the call's state."""
    state, prompt = step.begin(CHANNEL)
    call.state.identity = state
    call.timeline.record("identity", event_id=call.event_id("identity"),
                         detail={"asked": prompt.question})
    return _ask(call, prompt, lead)


def answer(call: Call) -> str:
    """One answer to the step's question; then the next question, or on with the route."""
    from ivr.voice import routes

    said = call.form.get("SpeechResult", "").strip()
    keyed = call.form.get("Digits", "").strip()
    if said:
        handed_over = voice_safeguarding.screen_turn(call, said, where="identity")
        if handed_over is not None:
            call.state.identity = {"done": "safeguarding"}  # the details given so far go
            return handed_over
    step = get_identity_step()
    if step is None:  # an app without the step (it cannot have started): on with the route
        return routes.resume(call, [])
    if said and step.is_talk(call.state.identity or {}, said, call.at):
        return _talk(call, step, said)
    try:
        prompt = step.answer(call.state.identity or {}, CHANNEL, said=said, keyed=keyed,
                             contact_key=call.state.contact_key, at=call.at)
    except Exception as error:  # the records cannot be reached: put the caller through anyway
        log.error("identity step failed on a call: %s", type(error).__name__)
        call.state.identity = {"done": "failed"}
        prompt = Prompt([step.config.say(CHANNEL, "without")], outcome="failed",
                        detail={"outcome": "failed"})
    call.timeline.record("identity", event_id=call.event_id("identity"), detail=prompt.detail)
    if prompt.question is not None:
        return _ask(call, prompt, [])
    if prompt.outcome == LEFT:
        return twiml.hangup(prompt.texts, call.config.speech)  # the caller said goodbye
    return routes.resume(call, prompt.texts)


def _talk(call: Call, step: IdentityStep, said: str) -> str:
    """Talk at a question ("oh wait, I'm seventeen"): the decision re-taken, as in the queue.

    A new route that still wants an adviser goes on with the same question; any other ends the
    step and is carried out now. Nothing changed: the question once more."""
    from ivr.voice import requeue, routes

    lead: list[str] = []
    decision = requeue.retaken(call, said)
    if decision is not None:
        lead = decision[1]
        if not step.wanted(decision[0].destination):
            call.state.identity = {"done": "rerouted"}  # the details given so far go
            return routes.resume(call, lead)
    return _ask(call, step.again(call.state.identity or {}, CHANNEL), lead)


def _ask(call: Call, prompt: Prompt, lead: list[str]) -> str:
    texts = [*lead, *prompt.texts]
    call.state.phase = IDENTITY
    if prompt.digits:
        return call.gather("identity", texts, lambda action: twiml.keypad(
            texts, action, call.config.speech, num_digits=None), repeatable=prompt.texts)
    return call.gather("identity", texts, lambda action: twiml.conversation(
        texts, action, call.config.speech), repeatable=prompt.texts)
