"""Numbers that asked for no more texts: held only as a keyed hash, never the number itself.

A reply of STOP (or another opt-out keyword, config/messages.yaml) records the number's HMAC
under the app's key (SECRET_KEY); START takes it out again. The hash lets the sender ask "may I
text this number?" without the service keeping a list of customers' numbers (001:29.1). An
opt-out is not a contact's record: it outlives the erasure of the contacts it came from, as a
suppression list must, and says nothing about who the number belongs to.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from models.timestamps import UTCDateTime

_CONTEXT = b"sms-opt-out:"  # the hash means this and nothing else, whatever else the key signs


class TextOptOut(SQLModel, table=True):
    """One number that asked for no more texts, by its keyed hash."""

    __tablename__ = "text_opt_out"

    number_hash: str = Field(primary_key=True, max_length=64)
    opted_out_at: datetime = Field(sa_type=UTCDateTime)


def number_hash(number: str, key: str) -> str:
    """The keyed hash of an E.164 number under the app's key (hex, 64 characters)."""
    return hmac.new(key.encode(), _CONTEXT + number.strip().encode(), hashlib.sha256).hexdigest()


def opt_out(*, session: Session, number: str, key: str, at: datetime) -> bool:
    """Record that `number` wants no more texts; False if it had already said so."""
    digest = number_hash(number, key)
    if session.get(TextOptOut, digest) is not None:
        return False
    session.add(TextOptOut(number_hash=digest, opted_out_at=at))
    session.flush()
    return True


def opt_in(*, session: Session, number: str, key: str) -> bool:
    """Take `number` off the list (it replied START); False if it was not on it."""
    row = session.get(TextOptOut, number_hash(number, key))
    if row is None:
        return False
    session.delete(row)
    session.flush()
    return True


def opted_out(*, session: Session, number: str, key: str) -> bool:
    """Whether `number` asked for no more texts."""
    return session.get(TextOptOut, number_hash(number, key)) is not None
