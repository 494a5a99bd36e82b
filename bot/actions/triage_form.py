"""The triage form: its next question is always the first fact triage still misses."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.checks import NO, YES, answer_check, new_check
from bot.actions.facts import FACT_SLOTS, clean_fact, facts_from
from bot.components.spoken import answer_age
from triage import FactsError, decide
from triage.postcodes import lookup, normalise
from triage.questions import matters


class ValidateTriageForm(FormValidationAction):
    """Cleans the facts given this turn and asks triage which one to ask for next."""

    def name(self) -> str:
        """The validation action Rasa calls for `triage_form`."""
        return "validate_triage_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The first fact triage still misses that the customer has not declined, or none."""
        return next_question(tracker, domain_slots)

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        """Cleans every fact set since the customer last spoke, not only the one asked for.

        Customers volunteer facts out of order ("I'm 19 and on Universal Credit"); triage needs
        each of them in its proper type. Only facts set this turn are returned, so a turn that
        gave no fact still lets the form hand over to a digression rule.
        """
        events: list[EventType] = []
        given = tracker.slots_to_validate()
        cleaned_now: dict[str, Any] = {}
        for name, value in given.items():
            if name in FACT_SLOTS:
                cleaned_now.update(validated(name, value, tracker))
        requested = tracker.get_slot("requested_slot")
        text = (tracker.latest_message or {}).get("text") or ""
        if requested == "age" and given.get("age") is None:
            # The answer to "How old are you?" is read as an age ("fifty nine mate", "36 thx").
            age = answer_age(text)
            if age is not None:
                cleaned_now["age"] = age
        if requested == "jobcentre_plus_claimant" and given.get(requested) is None:
            # "No, I work at Costa", "yes well no, I stopped claiming in March": the answer's
            # own yes or no, whatever else is said with it.
            claimant = claimant_answer(text)
            if claimant is not None:
                cleaned_now[requested] = claimant
        check = tracker.get_slot("check")
        if requested == "confirmed" and check:
            intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
            cleaned_now.update(answer_check(check, text, intent, cleaned_now))
        else:
            _set(tracker, cleaned_now, events)
            pending = new_check(tracker, cleaned_now)
            cleaned_now = {"check": pending, pending["fact"]: pending["value"]} if pending else {}
        _set(tracker, cleaned_now, events)
        return events


# A fact asked this many times and still missing is asked no more: the rules go on without it
# (a person, or information). So no question is asked until the turns run out.
MOST_ASKS = 3
_STOPPED = re.compile(r"\b(?:used to|stopped|not any ?more|no longer|came off|not now|finished)\b",
                      re.I)


def claimant_answer(text: str) -> bool | None:
    """Yes or no to "are you claiming through Jobcentre Plus?", read from the answer's words."""
    if _STOPPED.search(text):
        return False
    if NO.search(text):
        return False
    if YES.search(text):
        return True
    return None


def asked_too_often(tracker: Tracker) -> set[str]:
    """The facts already asked MOST_ASKS times (in any words) in this conversation."""
    counts: dict[str, int] = {}
    for event in tracker.events:
        if event.get("event") != "bot":
            continue
        action = str((event.get("metadata") or {}).get("utter_action") or "")
        if action.startswith("utter_ask_"):
            fact = action[len("utter_ask_"):].removesuffix("_again")
            counts[fact] = counts.get(fact, 0) + 1
    return {fact for fact, count in counts.items() if count >= MOST_ASKS}


def _set(tracker: Tracker, updates: dict[str, Any], events: list[EventType]) -> None:
    """Set each slot on the tracker (so later steps see it) and as an event."""
    for slot, value in updates.items():
        tracker.slots[slot] = value
        events.append(SlotSet(slot, value))


def next_question(tracker: Tracker, askable: list[str]) -> list[str]:
    """[the fact to ask next] while triage is incomplete, else [] (which ends the form)."""
    if tracker.get_slot("check") and "confirmed" in askable:
        return ["confirmed"]  # an uncertain fact that changes the route is checked first
    try:
        decision = decide(facts_from(tracker))
    except FactsError:
        return []  # facts are cleaned before this; a schema error ends the form for an adviser
    if decision.destination != "incomplete":
        return []
    declined = set(tracker.get_slot("declined") or []) | asked_too_often(tracker)
    facts = facts_from(tracker)
    # Ask only what can change the route: a question no answer of which moves the customer.
    wanted = [name for name in decision.missing if name in askable and name not in declined
              and matters(facts, name)]
    return wanted[:1]


def validated(name: str, value: Any, tracker: Tracker) -> dict[str, Any]:
    """Slot updates for fact `name` just given as `value` (None clears an unusable answer)."""
    if name == "postcode":
        return _validated_postcode(value, tracker)
    cleaned = clean_fact(name, value)
    updates: dict[str, Any] = {name: cleaned}
    if name == "months_out_of_work" and cleaned is not None and tracker.get_slot("in_work") is None:
        updates["in_work"] = False  # someone out of work for a while is not in work
    return updates


def _validated_postcode(value: Any, tracker: Tracker) -> dict[str, Any]:
    """The postcode as triage normalises it, and the nation it lies in when that is known."""
    postcode = normalise(value) if isinstance(value, str) else None
    updates: dict[str, Any] = {"postcode": postcode}
    area = lookup(postcode) if postcode else None
    if area is not None and tracker.get_slot("nation") is None:
        updates["nation"] = area.nation
    return updates
