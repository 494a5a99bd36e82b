"""Termination of service (001:7.4): erase a customer and everything linked to them, everywhere.

Linked means: their contacts and those contacts' events (transcripts), the callbacks made for those
contacts (with their attempts), their follow-ups and any refusal of follow-up, the written
confirmations owed to them, the live call and chat state in Redis, queue entries, callback leases,
and the assistant's tracker and lock in Rasa's Redis database. The erasure itself is recorded in
`erasure_record` with counts only, so an auditor can see it happened without learning who it was.
A later contact from the same person makes a new customer record (001:7.4).

Redis is cleared before the caller commits the database deletions: if the commit then fails, the
database still holds the customer and the erasure can simply be run again.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import redis as redis_lib
import sqlalchemy as sa
from sqlmodel import Session, select

from models import keys
from models.callbacks import Callback, CallbackAttempt
from models.confirmations import InformationConfirmation
from models.follow_ups import FollowUp, FollowUpOptOut, callback_key
from models.identity import forget_checks
from models.records import Contact, ContactEvent, Customer, ErasureRecord
from models.safeguarding_cases import ERASED_CONTACT, SafeguardingCase
from models.satisfaction import SatisfactionResponse
from models.survey_invitations import SurveyInvitation
from models.timestamps import require_utc
from models.written_records import erase_written

TERMINATION_OF_SERVICE = "termination_of_service"
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
_CHAT_PREFIX = "webchat-"


@dataclass(frozen=True)
class ContactIds:
    """Every identifier one contact goes by: its contact key, chat session ids, their digest."""

    contact: str
    sessions: tuple[str, ...] = ()
    digest: str | None = None

    def values(self, name: str) -> list[str]:
        """The identifiers a key pattern's `{name}` may stand for."""
        if name == "contact":
            return [self.contact]
        if name == "session":
            return list(self.sessions)
        if name == "digest":
            return [self.digest] if self.digest else []
        return []


def contact_ids(given: str, redis: redis_lib.Redis) -> ContactIds:
    """Resolve what an operator gave (a CallSid, a chat session id or a contact key)."""
    if _SESSION_ID.match(given):
        return ContactIds(keys.chat_contact_key(given), (given,), keys.session_digest(given))
    if given.startswith(_CHAT_PREFIX):
        return ContactIds(given, tuple(_live_sessions(redis, given)), given[len(_CHAT_PREFIX):])
    return ContactIds(given)


def _live_sessions(redis: redis_lib.Redis, contact_key: str) -> list[str]:
    """Session ids of live chats whose state names `contact_key` (the session id is not stored
    with the contact, so a chat contact key leads to its live keys only through them)."""
    prefix = keys.CHAT_SESSION.format(session_id="")
    found = []
    for name in redis.scan_iter(match=prefix + "*", count=1000):
        if redis.type(name) == "hash" and redis.hget(name, "contact_key") == contact_key:
            found.append(name[len(prefix):])
    return found


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
    counts = _erase(session, [contact_ids(k, redis) for k in contact_keys], redis, tracker_redis)
    counts["identity_checks"] = forget_checks(session=session, customer_id=customer_id,
                                              contact_keys=contact_keys)
    # Declining follow-up goes with the record: a later contact is a new customer (001:7.4).
    session.execute(sa.delete(FollowUpOptOut).where(FollowUpOptOut.customer_id == customer_id))
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
    """Erase contacts that belong to no customer record (an anonymous customer's request).

    Each may be given as its contact key, a CallSid, or the session id the chat API returned.
    """
    ids = [contact_ids(k, redis) for k in dict.fromkeys(contact_keys)]
    counts = _erase(session, ids, redis, tracker_redis)
    counts["identity_checks"] = forget_checks(session=session, customer_id=None,
                                              contact_keys=[i.contact for i in ids])
    counts["customers"] = 0
    return _receipt(session, counts, at)


def _erase(
    session: Session,
    ids: list[ContactIds],
    redis: redis_lib.Redis,
    tracker_redis: redis_lib.Redis,
) -> dict[str, int]:
    contact_keys = [i.contact for i in ids]
    callback_ids = _callback_ids(session, contact_keys)
    counts = {
        "redis_keys": erase_redis(redis, ids, callback_ids, store="live"),
        "trackers": erase_redis(tracker_redis, ids, callback_ids, store="tracker"),
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
        "follow_ups": _delete(session, sa.delete(FollowUp).where(
            FollowUp.contact_key.in_(contact_keys))),
        "events": _delete(
            session, sa.delete(ContactEvent).where(ContactEvent.contact_id.in_(contact_ids))
        ),
        "contacts": _delete(session, sa.delete(Contact).where(Contact.id.in_(contact_ids))),
        # A confirmation still owed holds where to send it: it goes too (001:7.4).
        "information_confirmations": _delete(session, sa.delete(InformationConfirmation).where(
            InformationConfirmation.contact_key.in_(contact_keys))),
        # A 31-day survey invitation holds where to send it and its link: it goes too.
        "survey_invitations": _delete(session, sa.delete(SurveyInvitation).where(
            SurveyInvitation.contact_key.in_(contact_keys))),
        # The survey's answers go with the contact they were about (001:7.4).
        "satisfaction_responses": _delete(session, sa.delete(SatisfactionResponse).where(
            SatisfactionResponse.contact_key.in_(contact_keys))),
    }
    # A safeguarding case keeps what supervisors did (the duty of care outlives the contact) but
    # no longer says whose contact it was.
    counts["safeguarding_cases"] = session.execute(
        sa.update(SafeguardingCase).where(SafeguardingCase.contact_key.in_(contact_keys))
        .values(contact_key=ERASED_CONTACT)).rowcount or 0
    return counts | erase_written(session=session, contact_keys=contact_keys)


def erase_redis(
    redis: redis_lib.Redis, ids: list[ContactIds], callback_ids: list[int], *, store: str
) -> int:
    """Delete every registered key naming the contacts (models.keys.per_contact) in one store,
    and remove them from the shared collections registered as holding contacts."""
    doomed: set[str] = set()
    contacts = [v for i in ids for v in (i.contact, *i.sessions)]
    members = contacts + [str(c) for c in callback_ids]
    collections: set[str] = set()
    for entry in (p for p in keys.CONTACT_PATTERNS if p.store == store):
        if entry.holds_contacts:
            collections |= set(_matching(redis, entry.pattern))
            continue
        for value in _fill(entry.pattern, ids, callback_ids):
            doomed |= set(_matching(redis, value)) if "*" in value else {value}
    if store == "live":
        # Any other key of ours whose name holds the contact key (a key not yet registered).
        for i in ids:
            doomed |= set(_matching(redis, f"{keys.PREFIX}*{_glob_escape(i.contact)}*"))
    removed = redis.delete(*doomed) if doomed else 0
    if members:
        for collection in collections - doomed:
            removed += _remove_members(redis, collection, members, contacts)
    return removed


def _fill(pattern: str, ids: list[ContactIds], callback_ids: list[int]) -> list[str]:
    """The pattern with its identifier filled in for each contact (glob-escaped if it globs)."""
    name = next(n for n in keys.IDENTIFIERS if f"{{{n}}}" in pattern)
    values = [str(c) for c in callback_ids] if name == "callback" else [
        v for i in ids for v in i.values(name)]
    escape = _glob_escape if "*" in pattern else str
    return [pattern.replace(f"{{{name}}}", escape(v)) for v in values]


def _matching(redis: redis_lib.Redis, pattern: str) -> list[str]:
    if "*" not in pattern:
        return [pattern] if redis.exists(pattern) else []
    return list(redis.scan_iter(match=pattern, count=1000))


def _remove_members(redis: redis_lib.Redis, collection: str, members: list[str],
                    contacts: list[str]) -> int:
    kind = redis.type(collection)
    if kind == "zset":
        return redis.zrem(collection, *members)
    if kind == "set":
        return redis.srem(collection, *members)
    if kind == "list":
        return sum(redis.lrem(collection, 0, member) for member in members)
    if kind == "hash":
        return redis.hdel(collection, *members)
    if kind == "stream":
        # Entries are matched on contact keys only: a callback id ("1") would also match flag
        # fields such as an alert's explicit="1" and erase other customers' entries.
        wanted = set(contacts)
        doomed = [entry_id for entry_id, fields in redis.xrange(collection)
                  if wanted & set(fields.values())]
        return redis.xdel(collection, *doomed) if doomed else 0
    return 0


def _callback_ids(session: Session, contact_keys: list[str]) -> list[int]:
    if not contact_keys:
        return []
    # A follow-up's callback is keyed by the follow-up, which names the contact it follows.
    follow_ups = [callback_key(i) for i in session.exec(
        select(FollowUp.id).where(FollowUp.contact_key.in_(contact_keys)))]
    return list(session.exec(select(Callback.id).where(
        Callback.contact_key.in_(contact_keys + follow_ups))))


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
