"""Words for the ear: waits, digits, the whisper summary (due times: engine.when)."""

from __future__ import annotations

from typing import Any

NEED_WORDS = {
    "information": "information about careers, courses or funding",
    "advice": "careers advice",
    "face_to_face": "a face to face appointment",
    "complaint": "to make a complaint",
    "feedback": "to give feedback",
}
DESTINATION_WORDS = {
    "prime_contractor_advice": "careers advice",
    "prime_contractor_face_to_face": "a face to face appointment",
}


def minutes(seconds: float) -> str:
    """A wait in plain words: 'less than a minute', '1 minute', '4 minutes'."""
    whole = round(max(seconds, 0) / 60)
    if whole < 1:
        return "less than a minute"
    return "1 minute" if whole == 1 else f"{whole} minutes"


def digits(number: str, count: int = 3) -> str:
    """The last `count` digits of a number, spaced so they are read one by one."""
    tail = [c for c in number if c.isdigit()][-count:]
    return " ".join(tail)


def summary_sentence(facts: dict[str, Any], decision: dict[str, Any] | None,
                     area_name: str | None = None) -> str:
    """The triage summary in one sentence for the adviser who answers a transfer.

    Custody is deliberately left out: offending is never passed on (001:20.2).
    """
    parts = []
    age = facts.get("age")
    parts.append(f"aged {age}" if isinstance(age, int) else "age not given")
    destination = (decision or {}).get("destination")
    need = DESTINATION_WORDS.get(destination) or NEED_WORDS.get(facts.get("need"), "help")
    parts.append(f"wants {need}")
    if facts.get("jobcentre_plus_claimant"):
        parts.append("is a Jobcentre Plus customer")
    if (decision or {}).get("offer_face_to_face"):
        parts.append("is in a priority group for face to face support")
    if area_name:
        parts.append(f"lives in the {area_name} area")
    return "The customer is " + ", ".join(parts) + "."
