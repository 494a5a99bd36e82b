"""What the assistant said in one turn, in a shape both channels use."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Button:
    """A quick reply: what to show (and say) and what to send back."""

    title: str
    payload: str


@dataclass(frozen=True)
class AssistantReply:
    """The texts, quick replies and (when triage is complete) the decision and facts of one turn."""

    texts: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    decision: dict[str, Any] | None = None
    facts: dict[str, Any] | None = None
    custom: list[dict[str, Any]] = field(default_factory=list)
    # Why a person takes over, when the assistant hands over: "safeguarding",
    # "customer_request" or "could_not_complete".
    handover: str | None = None

    @property
    def ends_conversation(self) -> bool:
        """True when the assistant said goodbye: the customer is done (the call hangs up)."""
        return any(c.get("end_conversation") for c in self.custom if isinstance(c, dict))

    @property
    def triaged(self) -> bool:
        """True when the assistant returned a complete (or final) triage decision."""
        return self.decision is not None


def parse_reply(messages: list[dict[str, Any]]) -> AssistantReply:
    """Turn Rasa's REST messages into an AssistantReply; unknown shapes are kept in `custom`."""
    texts: list[str] = []
    buttons: list[Button] = []
    decision = facts = handover = None
    custom: list[dict[str, Any]] = []
    for message in messages:
        if text := message.get("text"):
            texts.append(str(text))
        for button in message.get("buttons") or []:
            buttons.append(Button(str(button.get("title", "")), str(button.get("payload", ""))))
        payload = message.get("custom")
        if isinstance(payload, dict) and isinstance(payload.get("triage"), dict):
            # A later decision in the same reply replaces an earlier one: the latest is current.
            decision = payload["triage"].get("decision")
            facts = payload["triage"].get("facts") or {}
            handover = str(payload["handover"]) if payload.get("handover") else handover
        elif payload is not None:
            custom.append(payload)
    return AssistantReply(texts, buttons, decision, facts, custom, handover)
