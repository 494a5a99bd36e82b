"""The keypad path: triage by keys alone, so a call always works (also when the assistant is down).

Age by digits and #, need by a menu, yes/no for what an 18-year-old's route depends on; then
`triage.decide` directly. A postcode cannot be keyed in, so a call that needs one is queued for a
contact-centre adviser with the summary so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from engine import figures
from ivr.voice import routes
from ivr.voice.call import Call
from ivr.voice.state import KEYPAD

MAX_AGE = 120


@dataclass(frozen=True)
class Question:
    """One keypad question: its prompt, whether it takes digits and #, how to read the answer."""

    prompt: str
    parse: Callable[[Call, str], object]
    digits: bool = False


def _age(call: Call, keyed: str) -> int | None:
    return int(keyed) if keyed.isdigit() and 0 < int(keyed) <= MAX_AGE else None


def _need(call: Call, keyed: str) -> str | None:
    return call.config.need_menu.get(keyed)


def _yes_no(call: Call, keyed: str) -> bool | None:
    return {"1": True, "2": False}.get(keyed)


QUESTIONS = {
    "age": Question("age", _age, digits=True),
    "need": Question("need", _need),
    "jobcentre_plus_claimant": Question("jobcentre_plus_claimant", _yes_no),
    "in_custody": Question("in_custody", _yes_no),
}
# The order the keypad asks in, whatever order triage lists what it misses.
ORDER = tuple(QUESTIONS)
INVALID = {"age": "age_invalid", "need": "need_invalid"}


def start(call: Call, lead: list[str]) -> str:
    """Switch the call to the keypad and ask the first thing triage still needs."""
    if call.services.rasa is not None and call.state.phase != KEYPAD:  # a fallback, not a choice
        figures.note("phone", "keypad_fallback", contact_key=call.state.call_sid)
    call.state.phase = KEYPAD
    call.state.silences = call.state.misunderstood = 0
    return ask_next(call, lead)


def ask_next(call: Call, lead: list[str]) -> str:
    """Decide on the facts so far; ask the next keypad question, or carry out the route."""
    decision = routes.decision_for(call.state.facts)
    if decision.destination != "incomplete":
        return routes.carry_out(call, decision, lead)
    askable = [name for name in ORDER if name in decision.missing]
    if not askable:
        call.state.decision = decision.to_dict()
        return routes.to_adviser(call, [*lead, call.prompt("no_postcode_keypad")])
    return ask(call, askable[0], lead)


def ask(call: Call, name: str, lead: list[str]) -> str:
    """Ask keypad question `name`, after `lead`."""
    question = QUESTIONS[name]
    words = call.prompt(question.prompt)
    return call.keys([*lead, words], name, digits=question.digits, repeatable=[words])


def answer(call: Call, keyed: str) -> str:
    """A keypad answer to the triage question being asked."""
    name = call.state.question
    value = QUESTIONS[name].parse(call, keyed)
    if value is None:
        return ask(call, name, [call.prompt(INVALID.get(name, "yes_no_invalid"))])
    call.state.facts[name] = value
    call.state.silences = 0
    call.timeline.record("customer_said", event_id=call.event_id("keyed"),
                         detail={"keypad": name})
    return ask_next(call, [])


HANDLERS = {name: answer for name in QUESTIONS}
