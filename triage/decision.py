"""The outcome of triage: where the customer goes, and why."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .tables import INCOMPLETE


@dataclass(frozen=True, slots=True)
class Decision:
    """One triage decision, in the shape of the Triage contract plus the area and plain notes."""

    destination: str
    missing: tuple[str, ...] = ()
    priority_groups: tuple[str, ...] = ()
    offer_face_to_face: bool = False
    reasons: tuple[str, ...] = ()
    signposts: tuple[str, ...] = ()
    # Extra to the contract, which consumers may ignore: the prime contractor area id when the
    # postcode gives one, and the decision in plain words for the adviser's triage summary.
    region: str | None = None
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; "missing" appears only with "incomplete", as the contract says."""
        result: dict[str, Any] = {"destination": self.destination}
        if self.destination == INCOMPLETE:
            result["missing"] = list(self.missing)
        result["priority_groups"] = list(self.priority_groups)
        result["offer_face_to_face"] = self.offer_face_to_face
        result["reasons"] = list(self.reasons)
        result["signposts"] = list(self.signposts)
        result["region"] = self.region
        result["notes"] = list(self.notes)
        return result
