"""Handing the customer to a person: at once for safeguarding, and whenever they ask."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.payload import decide_now, send_decision

END_FORM: list[EventType] = [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionSafeguarding(Action):
    """A mention of suicide or self-harm: escalate to a person immediately (003:L211)."""

    def name(self) -> str:
        """The action the safety rules run."""
        return "action_safeguarding"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Says a person is coming, sends the safeguarding decision, and ends any form."""
        decision, facts = decide_now(tracker, safeguarding_concern=True)
        dispatcher.utter_message(response="utter_route_safeguarding")
        send_decision(dispatcher, decision, facts, handover="safeguarding")
        return [SlotSet("safeguarding_concern", True),
                SlotSet("destination", decision.destination)] + END_FORM


class ActionHandover(Action):
    """The customer asked for a person: pass them on with what is known so far."""

    def name(self) -> str:
        """The action the rules run when a customer asks for a person."""
        return "action_handover"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Says an adviser is coming and sends the decision so far, so nobody asks twice."""
        decision, facts = decide_now(tracker)
        dispatcher.utter_message(response="utter_handover")
        send_decision(dispatcher, decision, facts, handover="customer_request")
        return [SlotSet("destination", decision.destination)] + END_FORM
