"""Each step of a callback's life on its contact's timeline, in the same transaction as the step.

Event ids are built from the callback id and the step (claim number, attempt number), so a
retried request writes once. A callback whose contact is not recorded (created directly, or
its contact erased) is worked all the same; only the timeline line is skipped.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from models.callbacks import Callback
from models.contacts import EventKind, UnknownContact, record_event


def note(session: Session, row: Callback, kind: EventKind, step: str, at: datetime,
         **detail: Any) -> bool:
    """Record `kind` for the callback `row` on its contact's timeline; False if already there."""
    detail = {"callback_id": row.id, **{k: v for k, v in detail.items() if v is not None}}
    try:
        return record_event(session=session, contact_key=row.contact_key, kind=kind, at=at,
                            event_id=f"callback-{row.id}:{step}", detail=detail)
    except UnknownContact:
        return False
