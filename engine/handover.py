"""When the assistant hands a customer over to a person: one rule for the phone and the chat."""

from __future__ import annotations

from triage.tables import ADULT_INFORMATION, INCOMPLETE

# The assistant's hand-over reasons that ask for a person: the customer asked for one, or the
# assistant could not finish ("I don't know my postcode").
HANDOVERS = frozenset({"customer_request", "could_not_complete"})
# Routes that would not otherwise put the customer in front of a person: an unfinished triage and
# information answered now. Every other route already ends with a person (a queue, a warm or
# cold transfer, the safeguarding team) or with the service the rules name for them (another
# nation's careers service), and is followed as decided (001:5.3).
NO_PERSON_ON_ROUTE = frozenset({INCOMPLETE, ADULT_INFORMATION})


def wants_a_person(handover: str | None, destination: str) -> bool:
    """Whether a hand-over sends the customer to a contact-centre adviser instead of the route."""
    return handover in HANDOVERS and destination in NO_PERSON_ON_ROUTE
