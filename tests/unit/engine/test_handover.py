"""The assistant's hand-over to a person: one rule, whichever channel the customer is on."""

import pytest

from engine.handover import wants_a_person
from triage.tables import DESTINATIONS


@pytest.mark.parametrize("why", ["customer_request", "could_not_complete"])
def test_a_hand_over_reaches_a_person_where_the_route_would_not(why):
    assert wants_a_person(why, "incomplete")
    assert wants_a_person(why, "adult_information")


@pytest.mark.parametrize("destination", sorted(set(DESTINATIONS) - {"incomplete",
                                                                     "adult_information"}))
def test_a_route_that_already_ends_with_a_person_is_followed(destination):
    # Advice on the phone goes to the prime contractor even when the customer asked for "a
    # person" (001:5.3); safeguarding goes to its own team, never the general queue.
    assert not wants_a_person("customer_request", destination)


def test_no_hand_over_no_person():
    assert not wants_a_person(None, "incomplete")
    assert not wants_a_person("goodbye", "adult_information")


def test_the_timeline_hears_one_decision_shape_and_the_identity_step_comes_before_an_adviser():
    from datetime import UTC, datetime

    from engine.decided import asks_identity_first, triaged_detail
    from routing.plan import plan
    from triage import decide

    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    decision = decide({"age": 45, "need": "advice", "postcode": "M1 1AE", "channel": "phone"})
    planned = plan(decision, "phone", at)
    detail = triaged_detail(planned)
    assert detail["destination"] == "prime_contractor_advice"
    assert (detail["action"], detail["contractor"]) == ("warm_transfer", "north-west")

    class Step:
        def wanted(self, destination, identity):
            return not identity

    assert asks_identity_first(planned, Step(), None)
    assert not asks_identity_first(planned, Step(), {"asked": True})
    assert not asks_identity_first(planned, None, None)
    answered = plan(decide({"age": 45, "need": "information", "channel": "phone"}), "phone", at)
    assert not asks_identity_first(answered, Step(), None)  # information now: no adviser
