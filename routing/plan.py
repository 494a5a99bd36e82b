"""plan(): turn a triage decision into what happens now — answer, queue, warm or cold transfer.

Pure given a Directory and the set of entity ids under an emergency closure (read from
routing.closures.EmergencyClosures by the caller), so it is cheap enough to call on every turn.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, Protocol

from routing import hours
from routing.directory import CONFIG_DIR, Directory, Entity, load_directory

CHANNELS = frozenset({"phone", "webchat", "webform", "email"})
DIGITAL_CHANNELS = frozenset({"webchat", "webform", "email"})
# Destinations served inside the contact centre, and the queue each one waits in.
QUEUE_FOR_DESTINATION = {
    "young_people_service": "young_people",
    "adult_digital_advice": "adult_digital_advice",
    "complaints_and_feedback": "complaints",
    "language_line": "language_lines",
    "safeguarding": "safeguarding",
}
PRIME_CONTRACTOR_DESTINATIONS = frozenset(
    {"prime_contractor_advice", "prime_contractor_face_to_face"}
)
SIGNPOST_DESTINATIONS = frozenset({"outside_england", "not_eligible"})
# Given to a customer with a safeguarding concern when no person can take them now (003:L211).
EMERGENCY_SIGNPOSTS = ("samaritans_116123", "999")


class DecisionLike(Protocol):
    """What plan() reads from a triage Decision."""

    destination: str
    signposts: tuple[str, ...]
    region: str | None

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Plan:
    """What to do with the customer now, and why."""

    decision: DecisionLike
    action: str  # self_serve | enqueue | warm_transfer | cold_transfer | signpost | ask
    queue: str | None = None
    contractor: str | None = None
    callback_due: datetime | None = None
    callback_queue: str | None = None
    opens_at: datetime | None = None
    adviser_queue: str | None = None
    emergency: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    route_reasons: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """The Routing contract's JSON shape, with optional fields only when they apply."""
        result: dict[str, Any] = {"decision": self.decision.to_dict(), "action": self.action}
        for name in ("queue", "contractor", "callback_queue", "adviser_queue"):
            if getattr(self, name):
                result[name] = getattr(self, name)
        for name in ("callback_due", "opens_at"):
            if getattr(self, name):
                result[name] = getattr(self, name).isoformat()
        if self.emergency:
            result["emergency"] = list(self.emergency)
        if self.missing:
            result["missing"] = list(self.missing)
        result["route_reasons"] = list(self.route_reasons)
        return result


@lru_cache(maxsize=4)
def default_directory(config_dir: str = str(CONFIG_DIR)) -> Directory:
    """The directory from config/, loaded once per process."""
    return load_directory(config_dir)


def plan(decision: DecisionLike, channel: str, at: datetime, *, directory: Directory | None = None,
         closed: Collection[str] = (), language: str | None = None) -> Plan:
    """Decide what happens now for `decision` arriving on `channel` at aware time `at`.

    `closed` holds the ids under an emergency closure; `language` (the customer's language from the
    facts) picks which language line's hours apply to a "language_line" decision.
    """
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (expected {', '.join(sorted(CHANNELS))})")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("at must be timezone-aware")
    directory = directory or default_directory()
    destination = decision.destination
    if destination == "incomplete":
        return Plan(decision, "ask", route_reasons=("ask for what triage still needs",))
    if destination == "adult_information":
        # Information at the first point of contact (001:5.5); an adviser stays one request away.
        return Plan(decision, "self_serve", adviser_queue="adult_information",
                    route_reasons=("001:5.5",))
    if destination in SIGNPOST_DESTINATIONS:
        return Plan(decision, "signpost", route_reasons=("000:L68",))
    if destination in QUEUE_FOR_DESTINATION:
        return _contact_centre_route(decision, at, directory, closed, language)
    if destination in PRIME_CONTRACTOR_DESTINATIONS:
        return _prime_contractor_route(decision, channel, at, directory, closed)
    raise ValueError(f"unknown destination {destination!r}")


def _contact_centre_route(decision: DecisionLike, at: datetime, directory: Directory,
                          closed: Collection[str], language: str | None) -> Plan:
    queue = QUEUE_FOR_DESTINATION[decision.destination]
    staffed_by = _staffed_by(decision.destination, directory, language)
    open_now = all(hours.is_open(e, at, closed=closed) for e in staffed_by)
    if open_now and queue not in closed:
        return Plan(decision, "enqueue", queue=queue, route_reasons=("001:6.2",))
    # Out of hours: a tracked callback instead of a queue (000:L19), due by the end of the next
    # period the team is open, which keeps within the seed's 24 hours (000:L21, L47).
    hours_of = staffed_by[-1]
    due = hours.end_of_next_period(hours_of, at)
    opens_at = hours.next_opening(hours_of, at)
    if decision.destination == "safeguarding":
        # Never left waiting for a callback alone: emergency numbers now, a person follows up.
        return Plan(decision, "signpost", callback_queue=queue, callback_due=due, opens_at=opens_at,
                    emergency=EMERGENCY_SIGNPOSTS, route_reasons=("003:L211", "000:L127"))
    return Plan(decision, "cold_transfer", callback_queue=queue, callback_due=due,
                opens_at=opens_at, route_reasons=("000:L19",))


def _staffed_by(destination: str, directory: Directory, language: str | None) -> tuple[Entity, ...]:
    """Who must be open to take the customer; the last one's hours set the callback time."""
    centre = directory.contact_centre
    if destination == "language_line":
        line = directory.language_line(language)
        # An unknown or missing language falls back to the contact centre's own hours.
        return (centre, line) if line else (centre,)
    return (centre,)


def _prime_contractor_route(decision: DecisionLike, channel: str, at: datetime,
                            directory: Directory, closed: Collection[str]) -> Plan:
    region = getattr(decision, "region", None)
    if region is None:
        # The area comes from the postcode (001:5.1); without it nobody can be chosen.
        return Plan(decision, "ask", missing=("postcode",), route_reasons=("001:5.1",))
    contractor = directory.contractors.get(region)
    if contractor is None:
        raise ValueError(f"unknown prime contractor area {region!r}")
    digital_face_to_face = (decision.destination == "prime_contractor_face_to_face"
                            and channel in DIGITAL_CHANNELS)
    both_open = (hours.is_open(directory.contact_centre, at, closed=closed)
                 and hours.is_open(contractor, at, closed=closed))
    if both_open and not digital_face_to_face:
        return Plan(decision, "warm_transfer", contractor=region, route_reasons=("001:6.1",))
    reasons = ("001:5.6",) if digital_face_to_face else ("001:6.1",)
    # Follow up on the next working day (000:L9, L81): due when the contractor's next opening
    # period that starts after the contact ends (Friday 18:00 -> Monday 17:00).
    return Plan(decision, "cold_transfer", contractor=region,
                callback_due=hours.end_of_next_period(contractor, at),
                opens_at=hours.next_opening(contractor, at, closed=closed),
                route_reasons=(*reasons, "000:L9", "000:L81"))
