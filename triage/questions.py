"""Ask only what can change the route: which unknown facts could still move the customer.

A question is worth asking only when some answer to it would give a different destination or
prime contractor area than another answer would (DOMAIN.md "the routing rules"). `worth_asking`
filters triage's `missing` by that test, so a channel never asks a question that changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .facts import NEEDS, Facts
from .rules import decide

# Answers tried for each fact: one of each kind that the rules tell apart.
_POSTCODES = ("M1 1AE", "LS1 4AP", "SW1A 1AA", "CF10 1AA", "EH1 1YZ", "BT7 1NN", "IM1 1AA")
CANDIDATES: dict[str, tuple[Any, ...]] = {
    "age": (10, 15, 18, 30),
    "need": NEEDS,
    "postcode": _POSTCODES,
    "nation": ("england", "wales", "scotland", "northern_ireland", "jersey"),
    "jobcentre_plus_claimant": (True, False),
    "in_custody": (True, False),
    "ex_offender": (True, False),
    "qualification_level": (0, 3),
    "in_work": (True, False),
    "months_out_of_work": (0, 24),
    "facing_redundancy": (True, False),
    "learning_difficulty_or_disability": (True, False),
    "in_education_or_training": (True, False),
}


def _route(facts: dict[str, Any]) -> tuple[str, str | None, bool]:
    decision = decide(facts)
    return decision.destination, decision.region, decision.offer_face_to_face


def matters(facts: Facts | Mapping[str, Any], name: str) -> bool:
    """True when some answer to fact `name` would route the customer differently."""
    known = facts.to_dict() if isinstance(facts, Facts) else dict(facts)
    if known.get(name) is not None or name not in CANDIDATES:
        return False
    routes = {_route({**known, name: value}) for value in CANDIDATES[name]}
    return len(routes) > 1


def worth_asking(facts: Facts | Mapping[str, Any]) -> tuple[str, ...]:
    """Triage's missing facts, most useful first, keeping only those that can change the route."""
    decision = decide(facts)
    return tuple(name for name in decision.missing if matters(facts, name))
