"""Which callbacks are owed a written confirmation or reminder now, each claimed exactly once.

A claim is one UPDATE … RETURNING that sets the message's time only where it is still unset, as
the callback watch marks its alerts (routing/callback_watch.py): several workers, or a request
and a worker, may ask at the same moment and each message is handed to exactly one of them. The
claim commits before the message is sent: a send that fails is recorded as failed on the
timeline, never sent twice (a customer told twice is worse than a failure a supervisor sees).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session

from models.callbacks import OPEN_STATUSES, Callback, CallbackPublic

REMINDER_BATCH = 100  # per round; the next round takes the rest


def claim_confirmation(*, session: Session, callback_id: int,
                       now: datetime) -> CallbackPublic | None:
    """The callback if its confirmation is owed and now ours to send, else None."""
    table = Callback.__table__
    condition = sa.and_(table.c.id == callback_id, table.c.notify.is_not(None),
                        table.c.confirmed_at.is_(None), table.c.status.in_(OPEN_STATUSES))
    return _claim(session, condition, confirmed_at=now)


def agree_to_texts(*, session: Session, callback_id: int) -> bool:
    """The customer agreed to texts after booking (the webchat asks then): an open callback with
    a phone number and no other agreement becomes `notify = "sms"`; False if it could not."""
    table = Callback.__table__
    changed = session.execute(sa.update(table).where(
        table.c.id == callback_id, table.c.notify.is_(None), table.c.phone.is_not(None),
        table.c.status.in_(OPEN_STATUSES)).values(notify="sms")).rowcount
    session.commit()
    return bool(changed)


def claim_confirmations(*, session: Session, now: datetime) -> list[CallbackPublic]:
    """Open callbacks whose confirmation is owed and now ours: those booked where no request
    could send it at once (the national mailbox), or whose request stopped before it did."""
    table = Callback.__table__
    owed = sa.and_(table.c.notify.is_not(None), table.c.confirmed_at.is_(None),
                   table.c.status.in_(OPEN_STATUSES))
    ids = list(session.scalars(sa.select(table.c.id).where(owed)
                               .order_by(table.c.created_at, table.c.id).limit(REMINDER_BATCH)))
    if not ids:
        session.commit()
        return []
    return _claims(session, sa.and_(table.c.id.in_(ids), owed), confirmed_at=now)


def claim_reminders(*, session: Session, now: datetime,
                    minutes_before: int) -> list[CallbackPublic]:
    """Open callbacks due within `minutes_before` whose reminder is now ours, reminder owed or not.

    Every one is marked, so none is looked at again; `reminder_owed` says which to send.
    """
    table = Callback.__table__
    due_soon = sa.and_(table.c.notify.is_not(None), table.c.reminded_at.is_(None),
                       table.c.status.in_(OPEN_STATUSES), table.c.due_at > now,
                       table.c.due_at <= now + timedelta(minutes=minutes_before))
    batch = sa.select(table.c.id).where(due_soon).order_by(table.c.due_at, table.c.id) \
        .limit(REMINDER_BATCH)
    ids = list(session.scalars(batch))
    if not ids:
        session.commit()
        return []
    return _claims(session, sa.and_(table.c.id.in_(ids), due_soon), reminded_at=now)


def reminder_owed(callback: CallbackPublic, minutes_before: int) -> bool:
    """Whether a claimed reminder should go: only for a callback booked before its reminder
    time (one promised within the hour has just been confirmed; a second text would repeat it)."""
    return callback.created_at <= callback.due_at - timedelta(minutes=minutes_before)


def _claim(session: Session, condition, **values) -> CallbackPublic | None:
    claimed = _claims(session, condition, **values)
    return claimed[0] if claimed else None


def _claims(session: Session, condition, **values) -> list[CallbackPublic]:
    table = Callback.__table__
    rows = session.execute(sa.update(table).where(condition).values(**values)
                           .returning(*table.c)).mappings().all()
    session.commit()
    return [CallbackPublic(**row) for row in rows]
