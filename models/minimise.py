"""Live state as Redis may hold it: only what a rule needs (001:29.1), offending never named.

Call and chat state keep the facts triage works on between turns. A postcode is kept only as its
outward code ("M1 1AE" -> "M1"): the area, and so the prime contractor, needs no more (001:5.1).
A fact whose name is a restricted word ("in_custody", 001 Appendix A) is stored under the
neutral name "non_community" (001:20.3) and given back its name when the state is read.
"""

from __future__ import annotations

import re
from typing import Any

_ALIASES = {"in_custody": "non_community", "ex_offender": "non_community_declared"}
_NAMES = {stored: name for name, stored in _ALIASES.items()}
_INWARD = re.compile(r"\d[A-Z]{2}$")


def outward_code(postcode: str) -> str:
    """The outward code of a full postcode ("LS1 4AP" -> "LS1"); an outward code as it is."""
    compact = "".join(postcode.split()).upper()
    if len(compact) >= 5 and _INWARD.search(compact):
        return compact[:-3]
    return compact


def for_storage(value: Any) -> Any:
    """`value` (state as JSON-ready data) with postcodes cut to outward codes, facts renamed."""
    if isinstance(value, dict):
        return {
            _ALIASES.get(k, k): outward_code(v) if k == "postcode" and isinstance(v, str)
            else for_storage(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [for_storage(v) for v in value]
    return value


def from_storage(value: Any) -> Any:
    """State read back: renamed facts get their names again."""
    if isinstance(value, dict):
        return {_NAMES.get(k, k): from_storage(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_storage(v) for v in value]
    return value
