"""What triage knows about a customer: the facts of the Triage contract, validated."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

NEEDS = ("information", "advice", "face_to_face", "complaint", "feedback")
CHANNELS = ("phone", "webchat", "webform", "email")
# The four nations of the contract, then the Crown dependencies, which have their own careers
# services too (000:L68 by analogy): an addition to the contract's values, never a removal.
NATIONS = ("england", "wales", "scotland", "northern_ireland", "isle_of_man", "jersey", "guernsey")

# Why: a human age outside this range is a data-entry error, not a fact to route on.
MAX_AGE = 120
# Levels of the Regulated Qualifications Framework: 0 = no qualification, then 1 to 8.
MAX_QUALIFICATION_LEVEL = 8
# Why: nobody has been out of work for longer than a working life; larger is an error.
MAX_MONTHS_OUT_OF_WORK = 12 * MAX_AGE


class FactsError(ValueError):
    """Facts that break the schema: an unknown field, a wrong type or an impossible value."""


@dataclass(frozen=True)
class Facts:
    """The customer's facts; None means not yet known (channel defaults to the phone)."""

    age: int | None = None
    jobcentre_plus_claimant: bool | None = None
    in_custody: bool | None = None
    need: str | None = None
    channel: str = "phone"
    postcode: str | None = None
    nation: str | None = None
    language: str | None = None
    qualification_level: int | None = None
    in_work: bool | None = None
    months_out_of_work: int | None = None
    facing_redundancy: bool | None = None
    learning_difficulty_or_disability: bool | None = None
    # A past conviction the customer volunteered: read only to offer face to face (001:3.4) and
    # never recorded but as the neutral indicator (001:20.2-20.4).
    ex_offender: bool | None = None
    in_education_or_training: bool | None = None
    safeguarding_concern: bool | None = None
    anonymous: bool | None = None

    def __post_init__(self) -> None:
        # Why here and not only in from_dict: Facts built directly must obey the schema too.
        for name, check in _CHECKS.items():
            value = getattr(self, name)
            if value is not None:
                check(name, value)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Facts:
        """Validate a mapping of facts (JSON null = unknown) and build Facts from it."""
        if not isinstance(data, Mapping):
            raise FactsError("facts must be a JSON object")
        known = dict(_DEFAULTS)
        for name, value in data.items():
            check = _CHECKS.get(name)
            if check is None:
                raise FactsError(f"unknown fact {_printable(name)}")
            if value is not None:
                check(name, value)
                known[name] = value
        # Why not cls(**known): each value is checked once above, and this runs once per
        # customer turn, so skipping the frozen __init__ and its second check halves its cost.
        facts = object.__new__(cls)
        facts.__dict__.update(known)
        return facts

    def to_dict(self) -> dict[str, Any]:
        """The known facts only (None left out), ready for JSON."""
        return {
            name: getattr(self, name) for name in FACT_FIELDS if getattr(self, name) is not None
        }


FACT_FIELDS: tuple[str, ...] = tuple(field.name for field in fields(Facts))
_DEFAULTS: dict[str, Any] = {field.name: field.default for field in fields(Facts)}


def _printable(name: object) -> str:
    """A short, safe rendering of a field name for a one-line error."""
    text = repr(name)
    return text if len(text) <= 40 else text[:37] + "..."


def _type_name(value: object) -> str:
    """The JSON name of a value's type, so errors never echo the value itself."""
    return {
        bool: "boolean",
        int: "integer",
        float: "number",
        str: "string",
        list: "array",
        dict: "object",
    }.get(type(value), type(value).__name__)


def _boolean(name: str, value: Any) -> None:
    if type(value) is not bool:
        raise FactsError(f"{name} must be true or false, not a {_type_name(value)}")


def _whole_number(low: int, high: int) -> Callable[[str, Any], None]:
    # Why `type(...) is int`: JSON true/false arrive as bool, a subclass of int.
    def check(name: str, value: Any) -> None:
        if type(value) is not int:
            raise FactsError(f"{name} must be a whole number, not a {_type_name(value)}")
        if not low <= value <= high:
            raise FactsError(f"{name} must be from {low} to {high}")

    return check


def _one_of(options: tuple[str, ...]) -> Callable[[str, Any], None]:
    def check(name: str, value: Any) -> None:
        if type(value) is not str or value not in options:
            raise FactsError(f"{name} must be one of: {', '.join(options)}")

    return check


def _text(name: str, value: Any) -> None:
    if type(value) is not str:
        raise FactsError(f"{name} must be a string, not a {_type_name(value)}")


_CHECKS: dict[str, Callable[[str, Any], None]] = {
    "age": _whole_number(0, MAX_AGE),
    "jobcentre_plus_claimant": _boolean,
    "in_custody": _boolean,
    "need": _one_of(NEEDS),
    "channel": _one_of(CHANNELS),
    "postcode": _text,
    "nation": _one_of(NATIONS),
    "language": _text,
    "qualification_level": _whole_number(0, MAX_QUALIFICATION_LEVEL),
    "in_work": _boolean,
    "months_out_of_work": _whole_number(0, MAX_MONTHS_OUT_OF_WORK),
    "facing_redundancy": _boolean,
    "learning_difficulty_or_disability": _boolean,
    "ex_offender": _boolean,
    "in_education_or_training": _boolean,
    "safeguarding_concern": _boolean,
    "anonymous": _boolean,
}
assert tuple(_CHECKS) == FACT_FIELDS, "every fact needs exactly one check, in field order"
