"""Termination of service (001:7.4): erase a customer and everything linked to them, everywhere.

Linked means: their contacts and those contacts' events (transcripts), the callbacks made for those
contacts (with their attempts), the live call and chat state in Redis, queue entries, callback
leases, and the assistant's tracker and lock in Rasa's Redis database. The erasure itself is
recorded in `erasure_record` with counts only, so an auditor can see it happened without learning
who it was. A later contact from the same person makes a new customer record (001:7.4).

Redis is cleared before the caller commits the database deletions: if the commit then fails, the
database still holds the customer and the erasure can simply be run again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import redis as redis_lib
import sqlalchemy as sa
from sqlmodel import Session, select

from models import keys
from models.callbacks import Callback, CallbackAttempt
from models.records import Contact, ContactEvent, Customer, ErasureRecord
from models.timestamps import require_utc

TERMINATION_OF_SERVICE = "termination_of_service"
_CONTACT_KEY_TEMPLATES = (
    (keys.CALL_STATE, "call_sid"),
    (keys.CHAT_SESSION, "session_id"),
    (keys.CHAT_EVENTS, "session_id"),
)
_TRACKER_TEMPLATES = keys.RASA_CONVERSATION_KEYS


@dataclass(frozen=True)
class ErasureReceipt:
    """What was erased, by count, under a reference that names nobody."""

    reference: str
    counts: dict[str, int]


def erase_customer(
    *,
    session: Session,
    customer_id: int,
    redis: redis_lib.Redis,
    tracker_redis: redis_lib.Redis,
    at: datetime,
) -> ErasureReceipt:
    """Erase the customer and everything linked to them; LookupError if there is none."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    contact_keys = list(session.exec(select(Contact.key).where(Contact.customer_id == customer_id)))
    counts = _erase(session, contact_keys, redis, tracker_redis)
    session.execute(sa.delete(Customer).where(Customer.id == customer_id))
    counts["customers"] = 1
    return _receipt(session, counts, at)


def erase_contacts(
    *,
    session: Session,
    contact_keys: Iterable[str],
    redis: redis_lib.Redis,
    tracker_redis: redis_lib.Redis,
    at: datetime,
) -> ErasureReceipt:
    """Erase contacts that belong to no customer record (an anonymous customer's request)."""
    contact_keys = list(dict.fromkeys(contact_keys))
    counts = _erase(session, contact_keys, redis, tracker_redis)
    counts["customers"] = 0
    return _receipt(session, counts, at)


def _erase(
    session: Session,
    contact_keys: list[str],
    redis: redis_lib.Redis,
    tracker_redis: redis_lib.Redis,
) -> dict[str, int]:
    callback_ids = _callback_ids(session, contact_keys)
    counts = {
        "redis_keys": _erase_live_state(redis, contact_keys, callback_ids),
        "trackers": _erase_trackers(tracker_redis, contact_keys),
    }
    counts |= _erase_rows(session, contact_keys, callback_ids)
    return counts


def _erase_rows(
    session: Session, contact_keys: list[str], callback_ids: list[int]
) -> dict[str, int]:
    contact_ids = list(session.exec(select(Contact.id).where(Contact.key.in_(contact_keys))))
    counts = {
        "callback_attempts": _delete(
            session, sa.delete(CallbackAttempt).where(CallbackAttempt.callback_id.in_(callback_ids))
        ),
        "callbacks": _delete(session, sa.delete(Callback).where(Callback.id.in_(callback_ids))),
        "events": _delete(
            session, sa.delete(ContactEvent).where(ContactEvent.contact_id.in_(contact_ids))
        ),
        "contacts": _delete(session, sa.delete(Contact).where(Contact.id.in_(contact_ids))),
    }
    return counts


def _erase_live_state(
    redis: redis_lib.Redis, contact_keys: list[str], callback_ids: list[int]
) -> int:
    """Delete the live keys of the contacts and their callbacks; drop them from shared sets."""
    doomed: set[str] = set()
    for contact_key in contact_keys:
        doomed |= {
            keys.key(template, **{part: contact_key}) for template, part in _CONTACT_KEY_TEMPLATES
        }
        # Any other key of ours whose name holds the contact key (e.g. a rate limit per session).
        doomed |= set(
            redis.scan_iter(match=f"{keys.PREFIX}*{_glob_escape(contact_key)}*", count=1000)
        )
    doomed |= {keys.key(keys.CALLBACK_LEASE, callback_id=cid) for cid in callback_ids}
    removed = redis.delete(*doomed) if doomed else 0
    members = [*contact_keys, *(str(cid) for cid in callback_ids)]
    if members:
        for collection in _shared_collections(redis):
            removed += _remove_members(redis, collection, members)
    return removed


def _shared_collections(redis: redis_lib.Redis) -> list[str]:
    """Keys whose members may be contact keys or callback ids: the queues and the callback index."""
    queues = redis.scan_iter(match=keys.QUEUE.format(queue_id="*"), count=1000)
    return [keys.CALLBACKS_DUE, keys.CHATS_OPEN, *queues]


def _remove_members(redis: redis_lib.Redis, collection: str, members: list[str]) -> int:
    kind = redis.type(collection)
    if kind == "zset":
        return redis.zrem(collection, *members)
    if kind == "set":
        return redis.srem(collection, *members)
    if kind == "list":
        return sum(redis.lrem(collection, 0, member) for member in members)
    if kind == "hash":
        return redis.hdel(collection, *members)
    return 0


def _erase_trackers(tracker_redis: redis_lib.Redis, contact_keys: list[str]) -> int:
    """The assistant's conversation tracker and lock for each contact (sender id = contact key)."""
    names = [keys.key(t, sender_id=k) for k in contact_keys for t in _TRACKER_TEMPLATES]
    return tracker_redis.delete(*names) if names else 0


def _callback_ids(session: Session, contact_keys: list[str]) -> list[int]:
    if not contact_keys:
        return []
    return list(session.exec(select(Callback.id).where(Callback.contact_key.in_(contact_keys))))


def _delete(session: Session, statement: sa.Delete) -> int:
    return session.execute(statement).rowcount or 0


def _receipt(session: Session, counts: dict[str, int], at: datetime) -> ErasureReceipt:
    reference = uuid.uuid4().hex
    session.add(
        ErasureRecord(
            reference=reference,
            erased_at=require_utc(at),
            reason=TERMINATION_OF_SERVICE,
            counts=counts,
        )
    )
    session.flush()
    return ErasureReceipt(reference=reference, counts=counts)


def _glob_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "*?[]\\" else ch for ch in text)
