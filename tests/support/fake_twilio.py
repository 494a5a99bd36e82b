"""A stand-in for ivr.voice.twilio_rest.TwilioRest with the same methods, recording each request.

For unit-level tests of the call answering; the Twilio emulator (devtools/emulator) replaces it
where a whole call is played through Twilio's REST API and webhooks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from ivr.voice.twilio_rest import TwilioError


@dataclass
class FakeTwilio:
    """Calls, Queues and Queue Members as recorded requests; `fail_calls` makes calls refuse."""

    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    queues: dict[str, str] = field(default_factory=dict)  # friendly name -> QU sid
    fail_calls: bool = False
    gone: set[str] = field(default_factory=set)  # callers no longer in a queue

    def create_call(self, **form: Any) -> dict[str, Any]:
        self.requests.append(("create_call", form))
        if self.fail_calls:
            raise TwilioError(400, 21217, "phone number not reachable")
        return {"sid": "CA" + uuid.uuid4().hex, "status": "queued", "to": form["to"]}

    def update_call(self, call_sid: str, **form: Any) -> dict[str, Any]:
        self.requests.append(("update_call", {"call_sid": call_sid, **form}))
        return {"sid": call_sid}

    def queue_sid(self, friendly_name: str) -> str | None:
        return self.queues.setdefault(friendly_name, "QU" + uuid.uuid4().hex)

    def dequeue_member(self, queue_sid: str, call_sid: str, *, url: str,
                       method: str = "POST") -> dict[str, Any]:
        self.requests.append(("dequeue_member", {"queue_sid": queue_sid, "call_sid": call_sid,
                                                 "url": url}))
        if call_sid in self.gone:
            raise TwilioError(404, 20404, "member not found")
        return {"call_sid": call_sid, "queue_sid": queue_sid}

    def made(self, name: str) -> list[dict[str, Any]]:
        """The recorded requests of one method, oldest first."""
        return [form for method, form in self.requests if method == name]
