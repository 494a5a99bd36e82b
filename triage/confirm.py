"""Confirm an uncertain fact only when its readings would send the customer to different places.

A fact can be heard more than one way: a low-confidence "fifty" may have been "fifteen", "sixteen
or seventeen" is two ages, "Newport" is in Wales and in England. Guessing one reading risks the
wrong route; asking costs the customer a turn. `worth_confirming` asks the routing rules: a check
is worth one short question only when some readings route the customer differently, now or
once the need (if still unknown) is known (DOMAIN.md "the routing rules").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .facts import NEEDS, Facts
from .rules import decide
from .tables import PRIME_CONTRACTOR_ADVICE, PRIME_CONTRACTOR_FACE_TO_FACE

# Where the area decides who takes the customer; elsewhere the region changes nothing.
_BY_AREA = frozenset({PRIME_CONTRACTOR_ADVICE, PRIME_CONTRACTOR_FACE_TO_FACE})


def route(facts: Mapping[str, Any]) -> tuple[Any, ...]:
    """What the customer would be given: destination, signposts and, where it decides, area."""
    decision = decide(facts)
    area = decision.region if decision.destination in _BY_AREA else None
    return decision.destination, decision.signposts, area, decision.missing


def worth_confirming(facts: Facts | Mapping[str, Any], name: str,
                     readings: Iterable[Any]) -> bool:
    """True when two readings of fact `name` route the customer differently."""
    known = facts.to_dict() if isinstance(facts, Facts) else dict(facts)
    values = list(dict.fromkeys(v for v in readings if v is not None))
    if len(values) < 2:
        return False
    needs = (known["need"],) if known.get("need") or name == "need" else NEEDS
    for need in needs:
        scene = {**known, "need": need} if need else known
        if len({route({**scene, name: value}) for value in values}) > 1:
            return True
    return False
