"""What would say a customer offended, and the one function that takes it out of a record.

Offending is never recorded (001:20.2-20.4): the facts below are read to decide a route and never
stored, and the priority group of 001:3.4 leaves a record only as a neutral indicator.
"""

from __future__ import annotations

from typing import Any

# Facts that would say a customer is, or was, in custody.
OFFENDER_FACTS = frozenset({"in_custody", "ex_offender"})
# Triage's priority group for them (already a neutral name, but still never stored or counted).
OFFENDER_GROUPS = frozenset({"non_community"})


def without_offender_facts(value: Any) -> Any:
    """`value` with every offender fact and group removed, however deeply it is nested."""
    if isinstance(value, dict):
        return {k: without_offender_facts(v) for k, v in value.items() if k not in OFFENDER_FACTS}
    if isinstance(value, list | tuple):
        return [without_offender_facts(v) for v in value
                if not (isinstance(v, str) and v in OFFENDER_GROUPS)]
    return value
