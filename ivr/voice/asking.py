"""What the phone sends the assistant with each turn, shared by the conversation and the queue."""

from __future__ import annotations

from typing import Any

from ivr.voice.call import Call

# Below this many seconds left of Twilio's wait, asking the assistant risks Twilio hearing nothing.
MIN_ASSISTANT_SECONDS = 0.5


def metadata(call: Call) -> dict[str, Any]:
    """Channel, dialled number, speech confidence; the dedicated line is a fact (000:L107, L131).

    Never `From`.
    """
    metadata: dict[str, Any] = {"channel": "phone", "dialled": call.form.get("To", "")}
    confidence = call.form.get("Confidence")
    if confidence not in (None, ""):
        # The assistant checks a routing fact heard with little confidence ("fifty"/"fifteen").
        metadata["confidence"] = confidence
    if call.state.jobcentre_plus_line:
        metadata["facts"] = {"jobcentre_plus_claimant": True}
    return metadata
