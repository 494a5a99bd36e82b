"""The triage form: its next question is always the first fact triage still misses."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from bot.actions.checks import answer_check, new_check
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
    declined = set(tracker.get_slot("declined") or [])
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
