"""What the assistant hands back to the channel: the decision and the facts, as a custom payload."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from bot.actions import clock
from bot.actions.facts import facts_from
from triage import FactsError, decide


def decide_now(tracker: Any, **overrides: Any):
    """(decision, facts) for the conversation so far, with `overrides` applied to the facts."""
    facts = {**facts_from(tracker), **overrides}
    try:
        return decide(facts), facts
    except FactsError:
        # Cleaned facts never break the schema; if they ever do, a person takes over.
        facts = {"channel": facts["channel"]}
        return decide(facts), facts


def send_decision(
    dispatcher: CollectingDispatcher, decision: Any, facts: dict, handover: str | None = None
) -> None:
    """Sends {"triage": {"decision": …, "facts": …}} (and why a person takes over, if one does)."""
    # When it was decided, on the centre's clock (CLOCK_START in development).
    payload: dict = {"triage": {"decision": decision.to_dict(), "facts": facts,
                                "decided_at": clock.now().isoformat()}}
    if handover:
        payload["handover"] = handover
    dispatcher.utter_message(json_message=payload)


def has_response(domain: dict, name: str) -> bool:
    """True when the domain defines response `name`."""
    return name in (domain.get("responses") or {})
