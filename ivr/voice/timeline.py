"""Writes each step of a call to the contact's timeline (models.contacts), keyed by the CallSid.

Writes are collected during a webhook and committed in one transaction (`flush`) before its
answer is returned, so what the customer hears is already on the record, in order, at the cost of
one commit per webhook (consecutive events go in as one statement). A failed write is logged (its
type only) and `flush` says so: the webhook then apologises and queues the caller for a person
(ivr.voice.views), never leaving them in silence. Event ids come from the CallSid and the step,
so a webhook Twilio retries records once.
Callbacks are not written this way: a callback is stored before the customer is told about it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from config import clock
from engine import figures
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
        self.committed: list[NewEvent] = []  # events written so far, for the figure counters

    def flush(self) -> bool:
        """Commit the writes collected so far in one transaction."""
        pending, self._pending = self._pending, []
        if not pending:
            return True
        written = self._commit(lambda session: self._apply(session, pending))
        if written:
            self._counted([event for _, events in pending for event in events])
        return written

    def _apply(self, session, pending: list) -> None:
        """The collected writes in order; consecutive event batches as one (two round trips)."""
        batch: list[NewEvent] = []
        for action, events in pending:
            if action is None:
                batch += events
                continue
            if batch:
                record_events(session=session, contact_key=self.key, events=batch)
                batch = []
            action(session)
        if batch:
            record_events(session=session, contact_key=self.key, events=batch)

    def open(self, *, dialled: str | None, line: str | None = None) -> bool:
        """Open the contact with its `started` event (idempotent); `line` is the configured
        name of the number dialled, which only the figure counters see."""
        at = now()
        return self._write(lambda s: open_contact(session=s, key=self.key, channel="phone",
                                                  at=at, dialled=dialled, fetch=False,
                                                  event_id=f"{self.key}:started"),
                           [NewEvent(kind="started", at=at, event_id=f"{self.key}:started",
                                     detail={"line": line} if line else None)])

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
        return self._write(None, batch)

    def close(self, *, detail: dict[str, Any] | None = None) -> bool:
        """Record the end of the call (the first end time stands)."""
        at = now()
        return self._write(lambda s: close_contact(session=s, key=self.key, at=at, fetch=False,
                                                   event_id=f"{self.key}:ended", detail=detail),
                           [NewEvent(kind="ended", at=at, event_id=f"{self.key}:ended",
                                     detail=detail)])

    def _write(self, action, events: Sequence[NewEvent] = ()) -> bool:
        """Collect (deferred) or commit `action`; None means "record `events`"."""
        if self._deferred:
            self._pending.append((action, list(events)))
            return True
        written = self._commit(lambda session: self._apply(session, [(action, list(events))]))
        if written:
            self._counted(list(events))
        return written

    def _counted(self, events: list[NewEvent]) -> None:
        """Hand events just committed to the figure counters (every timeline is a phone call's)."""
        self.committed += events
        figures.observe("phone", self.key, events)

    def _commit(self, action) -> bool:
        try:
            with session_scope(self._engine) as session:
                action(session)
            return True
        except Exception as error:  # the call must go on; the log says what failed, not who
            log.error("timeline write failed for a call: %s", type(error).__name__)
            return False
