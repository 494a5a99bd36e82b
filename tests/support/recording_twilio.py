"""A stand-in for TwilioRest for unit-level tests of the REST side: records calls, answers like
Twilio's Calls API, or refuses when told to. Integration tests use the project's emulator."""

from __future__ import annotations

import itertools
from typing import Any

from ivr.voice.twilio_rest import TwilioError


class FakeTwilio:
    """Records `create_call` requests; `refuse` makes the next one fail as Twilio would."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.refuse: TwilioError | None = None
        self._sids = (f"CA{n:032x}" for n in itertools.count(1))

    def create_call(self, **request: Any) -> dict[str, Any]:
        """Like TwilioRest.create_call: the new call's resource, or TwilioError."""
        if self.refuse is not None:
            error, self.refuse = self.refuse, None
            raise error
        self.calls.append(request)
        return {"sid": next(self._sids), "status": "queued", "to": request["to"]}
