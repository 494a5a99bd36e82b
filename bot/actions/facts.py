"""The facts triage needs, read from the conversation's slots and the channel's metadata."""

from __future__ import annotations

from typing import Any

from triage import FACT_FIELDS
from triage.languages import canonical

CHANNELS = ("phone", "webchat", "webform", "email")
BOOLEAN_FACTS = (
    "jobcentre_plus_claimant", "in_custody", "in_work", "facing_redundancy",
    "learning_difficulty_or_disability", "in_education_or_training", "safeguarding_concern",
    "anonymous", "ex_offender",
)
NEEDS = ("information", "advice", "face_to_face", "complaint", "feedback")
NATIONS = ("england", "wales", "scotland", "northern_ireland", "isle_of_man", "jersey", "guernsey")
# Slots that hold a fact (everything triage knows about except the channel, which is metadata).
FACT_SLOTS = tuple(name for name in FACT_FIELDS if name != "channel")


def metadata_of(tracker: Any) -> dict:
    """The channel's metadata on the latest message, or {}."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def channel_of(tracker: Any) -> str:
    """The customer's channel: the latest metadata, else the `channel` slot, else phone."""
    channel = metadata_of(tracker).get("channel") or tracker.get_slot("channel")
    return channel if channel in CHANNELS else "phone"


def facts_from(tracker: Any) -> dict:
    """Every known fact for triage.decide; unknown facts are left out, not guessed."""
    facts = {"channel": channel_of(tracker)}
    for name in FACT_SLOTS:
        value = clean_fact(name, tracker.get_slot(name))
        if value is not None:
            facts[name] = value
    if facts.get("language") == "English":
        del facts["language"]  # English is the default: no language line needed
    return facts


def clean_fact(name: str, value: Any) -> Any:
    """`value` as the type triage expects for fact `name`, or None when it cannot be one."""
    if value is None:
        return None
    if name in BOOLEAN_FACTS:
        return _as_bool(value)
    if name == "age":
        return _as_int(value, 0, 130)
    if name == "qualification_level":
        return _as_int(value, 0, 8)
    if name == "months_out_of_work":
        return _as_int(value, 0, 12 * 80)
    if name == "need":
        return value if value in NEEDS else None
    if name == "nation":
        return value if value in NATIONS else None
    if name == "language":
        # Any common name, kept as the language line's own ("Panjabi" -> "Punjabi").
        return (canonical(value) or value.strip() or None) if isinstance(value, str) else None
    if name == "postcode":
        return value.strip() or None if isinstance(value, str) else None
    return None


def known_facts_from_metadata(metadata: dict) -> dict:
    """Facts the channel already knows (e.g. the Jobcentre Plus line), cleaned; others dropped."""
    known = metadata.get("facts") or {}
    if not isinstance(known, dict):
        return {}
    cleaned = {name: clean_fact(name, value) for name, value in known.items() if name in FACT_SLOTS}
    return {name: value for name, value in cleaned.items() if value is not None}


def _as_bool(value: Any) -> bool | None:
    """True/False from a bool or its usual spellings."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "yes"):
        return True
    if isinstance(value, str) and value.lower() in ("false", "no"):
        return False
    return None


def _as_int(value: Any, low: int, high: int) -> int | None:
    """An int within [low, high] from an int, a whole float or a digit string."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and low <= value <= high else None
