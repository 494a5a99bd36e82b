"""The triage summary a record keeps (a callback, a queued contact, an enquiry): written once."""

from __future__ import annotations

from typing import Any

from triage.offending import without_offender_facts


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
