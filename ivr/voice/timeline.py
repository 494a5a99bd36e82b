"""Writes each step of a call to the contact's timeline (models.contacts), keyed by the CallSid.

Writes are collected during a webhook and committed in one transaction (`flush`) before its
answer is returned, so what the customer hears is already on the record, in order, at the cost of
one commit per webhook. A failed write is logged (its type only) and the call carries on: a caller
is never left in silence because the database is slow. Event ids come from the CallSid and the
step, so a webhook Twilio retries records once.
Callbacks are not written this way: a callback is stored before the customer is told about it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from config import clock
from models.contacts import NewEvent, close_contact, open_contact, record_events
from models.db import session_scope

log = logging.getLogger(__name__)


def now() -> datetime:
    """The current time in UTC (the centre's clock: real, or CLOCK_START and on)."""
    return clock.now()


class Timeline:
    """The timeline of one call."""

    def __init__(self, engine: Engine, contact_key: str, *, deferred: bool = False) -> None:
        self._engine = engine
        self.key = contact_key
        self._deferred = deferred
        self._pending: list = []

    def flush(self) -> bool:
        """Commit the writes collected so far in one transaction."""
        pending, self._pending = self._pending, []
        if not pending:
            return True
        return self._commit(lambda session: [action(session) for action in pending])

    def open(self, *, dialled: str | None) -> bool:
        """Open the contact with its `started` event (idempotent)."""
        return self._write(lambda s: open_contact(session=s, key=self.key, channel="phone",
                                                  at=now(), dialled=dialled,
                                                  event_id=f"{self.key}:started"))

    def record(self, kind: str, *, event_id: str, detail: dict[str, Any] | None = None,
               text: str | None = None) -> bool:
        """Append one event; `event_id` makes retries harmless."""
        return self.record_many([(kind, event_id, detail, text)])

    def record_many(self, events: Sequence[tuple[str, str, dict[str, Any] | None, str | None]]
                    ) -> bool:
        """Append several events in one transaction: (kind, event_id, detail, text)."""
        at = now()
        batch = [NewEvent(kind=kind, at=at, event_id=f"{self.key}:{event_id}", detail=detail,
                          text=text) for kind, event_id, detail, text in events]
        return self._write(lambda s: record_events(session=s, contact_key=self.key, events=batch))

    def close(self, *, detail: dict[str, Any] | None = None) -> bool:
        """Record the end of the call (the first end time stands)."""
        return self._write(lambda s: close_contact(session=s, key=self.key, at=now(),
                                                   event_id=f"{self.key}:ended", detail=detail))

    def _write(self, action) -> bool:
        if self._deferred:
            self._pending.append(action)
            return True
        return self._commit(action)

    def _commit(self, action) -> bool:
        try:
            with session_scope(self._engine) as session:
                action(session)
            return True
        except Exception as error:  # the call must go on; the log says what failed, not who
            log.error("timeline write failed for a call: %s", type(error).__name__)
            return False
