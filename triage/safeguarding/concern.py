"""What the safeguarding screen reports: a concern's kind, how it was said and about whom."""

from __future__ import annotations

from dataclasses import dataclass

SELF_HARM = "self_harm"
ABUSE = "abuse"
DANGER = "danger"
KINDS = (SELF_HARM, ABUSE, DANGER)
SELF = "self"
OTHER = "other"


@dataclass(frozen=True, slots=True)
class Concern:
    """A safeguarding concern found in a turn: its kind, whether said outright, and about whom."""

    kind: str  # self_harm | abuse | danger
    explicit: bool
    rule: str  # what fired: a rule's name or "model" (never the customer's words)
    about: str = SELF  # self: the customer is at risk; other: someone they tell us about

    def to_dict(self) -> dict[str, object]:
        """The contract's shape for a concern (`python -m triage screen`)."""
        return {"concern": True, "kind": self.kind, "explicit": self.explicit,
                "about": self.about, "rule": self.rule}


NO_CONCERN: dict[str, object] = {"concern": False, "kind": None, "explicit": False,
                                 "about": None, "rule": None}
