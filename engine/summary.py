"""The triage summary, written once: the record's (every channel) and the adviser's one sentence."""

from __future__ import annotations

from typing import Any

from triage.offending import without_offender_facts

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


def stored_summary(*, channel: str, facts: dict[str, Any] | None,
                   decision: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """What the person picking the contact up sees: the facts and the decision, never offending.

    One shape for every channel, so the worklist, the screen pop and the prime contractor read
    the same fields wherever the customer came from; `extra` adds channel-only context (a form's
    window, an enquiry id).
    """
    summary: dict[str, Any] = {"channel": channel, "facts": dict(facts or {})}
    if decision:
        summary["decision"] = dict(decision)
    summary.update(extra)
    return without_offender_facts(summary)


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
