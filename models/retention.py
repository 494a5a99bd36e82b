"""Retention: transcripts and contact details older than the retention period are purged (001:29.1).

What goes, for each contact that started more than `retention_days` before `now`:
- the text of its events (the transcript and staff notes);
- its link to a customer record, and its neutral indicator;
- the phone number, email address, reason and summary of its finished callbacks;
- its written confirmations of information already sent or ended (the timeline keeps their steps);
- its assistant tracker and lock in Rasa's Redis database, when that connection is given;
- its live Redis keys (every pattern registered in models.keys), when that connection is given;
and every customer record with no contact inside the period and no follow-up programme still
running (models.follow_ups), and the details of finished follow-up callbacks; and, when a log
directory is given, every log line (and log file) older than the period.

What stays: each contact's channel, number dialled and times, and its events' kinds, times and
details (which carry no personal data), so the figures built from them still add up.
A contact that started exactly at the cut-off is kept: only what is strictly older is due.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis as redis_lib
import sqlalchemy as sa
from sqlmodel import Session, select

from models import keys
from models.callbacks import OPEN_STATUSES, Callback
from models.confirmations import OPEN as OPEN_CONFIRMATIONS
from models.confirmations import InformationConfirmation
from models.erasure import ContactIds, erase_redis
from models.follow_ups import programme_running
from models.records import Contact, ContactEvent, Customer
from models.service_state import set_state
from models.timestamps import require_utc
from models.written_records import purge_written

PURGED = "[purged]"
LAST_RUN_STATE = "retention.last_run"
_CHUNK = 500  # ids per statement: keeps IN lists and transactions small


def purge_expired(
    *,
    session: Session,
    now: datetime,
    retention_days: int,
    tracker_redis: redis_lib.Redis | None = None,
    redis: redis_lib.Redis | None = None,
    log_dir: Path | None = None,
) -> dict[str, int]:
    """Purge everything older than the retention period; counts of what was purged, by kind."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    now = require_utc(now)
    cutoff = now - timedelta(days=retention_days)
    counts = dict.fromkeys(("contacts", "transcripts", "callbacks", "confirmations", "written",
                            "customers", "trackers"), 0)
    if redis is not None:
        counts["redis_keys"] = 0
    due = session.execute(
        sa.select(Contact.id, Contact.key)
        .where(Contact.started_at < cutoff, Contact.purged_at.is_(None))
        .order_by(Contact.id)
    ).all()
    for start in range(0, len(due), _CHUNK):
        chunk = due[start : start + _CHUNK]
        for name, count in _purge_contacts(session, chunk, now, tracker_redis).items():
            counts[name] += count
        if redis is not None:
            ids = [ContactIds(row[1]) for row in chunk]
            counts["redis_keys"] += erase_redis(redis, ids, [], store="live")
    # A follow-up's callback names no contact (models.follow_ups): its details go by its own age.
    counts["callbacks"] += _rowcount(
        session,
        sa.update(Callback)
        .where(Callback.source == "follow_up", Callback.status.not_in(OPEN_STATUSES),
               Callback.finished_at < cutoff, Callback.reason != PURGED)
        .values(phone=None, email=None, reason=PURGED, summary={}),
    )
    # The record stays while its follow-up programme runs (three months, 000:L110).
    counts["customers"] = _rowcount(
        session,
        sa.delete(Customer).where(Customer.last_contact_at < cutoff, ~_has_recent_contact(cutoff),
                                  ~programme_running(Customer.id)),
    )
    if log_dir is not None:
        counts["log_lines"] = purge_logs(log_dir, cutoff)
    set_state(session=session, name=LAST_RUN_STATE, value=now.isoformat())
    return counts


_LOG_TIME = re.compile(r"^\[?(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})")


def purge_logs(directory: Path, cutoff: datetime) -> int:
    """Drop log lines stamped before `cutoff` (UTC) from every *.log file under `directory`;
    a whole file last written before it goes. Returns the number of lines removed.

    A line without a time stamp (a traceback, a continuation) shares the fate of the stamped line
    above it. Files are rewritten in place, so a process appending to one carries on at its end.
    """
    removed = 0
    for path in sorted(directory.glob("**/*.log")) if directory.is_dir() else []:
        written = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
        if written < cutoff:
            path.unlink()
            removed += len(lines)
            continue
        kept, keep = [], True
        for line in lines:
            stamp = _LOG_TIME.match(line)
            if stamp:
                at = datetime.fromisoformat(f"{stamp[1]}T{stamp[2]}").replace(tzinfo=UTC)
                keep = at >= cutoff
            if keep:
                kept.append(line)
        if len(kept) < len(lines):
            with path.open("r+", encoding="utf-8") as handle:
                handle.write("".join(kept))
                handle.truncate()
            removed += len(lines) - len(kept)
    return removed


def _purge_contacts(
    session: Session, chunk: list, now: datetime, tracker_redis: redis_lib.Redis | None
) -> dict[str, int]:
    ids = [row[0] for row in chunk]
    contact_keys = [row[1] for row in chunk]
    counts = {
        "transcripts": _rowcount(
            session,
            sa.update(ContactEvent)
            .where(ContactEvent.contact_id.in_(ids), ContactEvent.text.is_not(None))
            .values(text=None),
        ),
        "callbacks": _rowcount(
            session,
            sa.update(Callback)
            .where(
                Callback.contact_key.in_(contact_keys),
                Callback.status.not_in(OPEN_STATUSES),
                Callback.reason != PURGED,
            )
            .values(phone=None, email=None, reason=PURGED, summary={}),
        ),
        "confirmations": _rowcount(
            session,
            sa.delete(InformationConfirmation).where(
                InformationConfirmation.contact_key.in_(contact_keys),
                InformationConfirmation.status.not_in(OPEN_CONFIRMATIONS)),
        ),
        "contacts": _rowcount(
            session,
            sa.update(Contact)
            .where(Contact.id.in_(ids))
            .values(customer_id=None, indicator=None, purged_at=now),
        ),
        "written": purge_written(session=session, contact_keys=contact_keys),
        "trackers": 0,
    }
    if tracker_redis is not None:
        names = [
            keys.key(t, sender_id=k) for k in contact_keys for t in keys.RASA_CONVERSATION_KEYS
        ]
        counts["trackers"] = tracker_redis.delete(*names) if names else 0
    return counts


def _has_recent_contact(cutoff: datetime) -> sa.ColumnElement[bool]:
    recent = select(Contact.id).where(
        Contact.customer_id == Customer.id, Contact.started_at >= cutoff
    )
    return sa.exists(recent)


def _rowcount(session: Session, statement: sa.Executable) -> int:
    return session.execute(statement).rowcount or 0
