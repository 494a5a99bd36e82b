"""The follow-up programme's work: the worker's flagging round, and an adviser starting, completing
or closing a follow-up, and a customer declining it (000:L110 paras 13-14; 000:L14).

The round flags each customer with a record 31 days after their last contact, and the same
contact again two months later (config/follow_up.yaml). It never flags a customer who declined
follow-up (on any channel), whose record was erased (nothing is left to flag), or who is under a
safeguarding hold (an alert case still open on any of their contacts: a person is already
acting for their safety, and a cheerful "how are you getting on" call is not what they need).
Each step is on the last contact's timeline as a `follow_up` event, without words.
A follow-up is worked as a callback (source "follow_up") so the worklist's claim, click-to-call,
e-mail and attempt rules are the callbacks' own.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.callbacks import Callback, CallbackPublic
from models.contacts import EventKind, UnknownContact, record_event
from models.enquiries import WrittenEnquiry
from models.follow_ups import (
    FollowUp,
    FollowUpOptOut,
    callback_key,
    get_follow_up,
    record_decline,
)
from models.records import Contact, ContactEvent
from models.safeguarding_cases import OPEN_STATUSES as OPEN_CASES
from models.safeguarding_cases import SafeguardingCase
from models.statements import insert_ignoring
from routing import callback_work, callbacks
from routing.callback_config import CallbackRules
from routing.follow_up_rules import FollowUpRules, due_at, second_due, service_of

log = logging.getLogger(__name__)
STAGE_WORDS = {1: "one month", 2: "three months"}
DECLINED = "declined"  # the attempt's code when the customer declines on the follow-up itself


class FollowUpError(ValueError):
    """The request cannot be carried out (the message says why)."""


def _latest_contacts() -> Any:
    """Each customer's last contact: key, channel and when it was (ended, else started)."""
    last_at = sa.func.coalesce(Contact.ended_at, Contact.started_at)
    ranked = sa.select(
        Contact.customer_id, Contact.key, Contact.channel, last_at.label("last_at"),
        sa.func.row_number().over(partition_by=Contact.customer_id,
                                  order_by=(last_at.desc(), Contact.id.desc())).label("rank"),
    ).where(Contact.customer_id.is_not(None)).subquery()
    return sa.select(ranked.c.customer_id, ranked.c.key, ranked.c.channel, ranked.c.last_at
                     ).where(ranked.c.rank == 1).subquery()


def _not_excluded(customer_id: Any) -> list[Any]:
    """Declined, or under a safeguarding hold on any of their contacts."""
    held = sa.select(SafeguardingCase.id).join(
        Contact, Contact.key == SafeguardingCase.contact_key).where(
        Contact.customer_id == customer_id, SafeguardingCase.status.in_(OPEN_CASES))
    declined = sa.select(FollowUpOptOut.customer_id).where(
        FollowUpOptOut.customer_id == customer_id)
    return [~sa.exists(held), ~sa.exists(declined)]


def _flagged(stage: int, key: Any) -> Any:
    other = aliased(FollowUp)  # never correlated with an outer follow_up
    return sa.exists(sa.select(other.id).where(other.contact_key == key, other.stage == stage))


def flag_due(*, session: Session, now: datetime, rules: FollowUpRules) -> dict[str, int]:
    """Flag the follow-ups that have fallen due (at most a batch of each stage); counts by what
    happened. Safe with several workers: a (contact, stage) is flagged once."""
    latest = _latest_contacts()
    first = session.execute(
        sa.select(latest).where(latest.c.last_at <= now - timedelta(days=rules.first_after_days),
                                ~_flagged(1, latest.c.key),
                                *_not_excluded(latest.c.customer_id))
        .order_by(latest.c.last_at).limit(rules.batch_size)).all()
    counts = {"flagged": 0, "not_followed": 0, "second": 0,
              "cancelled": _cancel_superseded(session, now)}
    destinations = _destinations(session, [row.key for row in first])
    for row in first:
        service = service_of(destinations.get(row.key), rules)
        made = _flag(session, row, service, 1, due_at(row.last_at, 1, rules), now,
                     next_due=second_due(row.last_at, now, rules) if service else None)
        counts["flagged" if service else "not_followed"] += made
    second = session.execute(
        sa.select(FollowUp)
        .where(FollowUp.stage == 1, FollowUp.next_due_at <= now, ~_flagged(2, FollowUp.contact_key),
               FollowUp.status.in_(("open", "completed", "unreachable")), ~_superseded(),
               *_not_excluded(FollowUp.customer_id))
        .order_by(FollowUp.next_due_at).limit(rules.batch_size)).scalars().all()
    for done in second:
        counts["second"] += _flag(session, done, done.service, 2, done.next_due_at, now,
                                  next_due=None)
    session.commit()
    if counts["flagged"] or counts["second"]:
        log.info("follow-ups flagged: %s", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return counts


def _flag(session: Session, last: Any, service: str | None, stage: int, due: datetime,
          now: datetime, *, next_due: datetime | None) -> int:
    """Flag `stage` for the last contact `last` (a row of the latest contacts, or stage 1)."""
    key = getattr(last, "key", None) or last.contact_key
    row = {"customer_id": last.customer_id, "contact_key": key, "channel": last.channel,
           "last_contact_at": getattr(last, "last_at", None) or last.last_contact_at,
           "service": service, "stage": stage, "due_at": due, "flagged_at": now,
           "next_due_at": next_due, "status": "open" if service else "not_followed"}
    made = session.execute(insert_ignoring(session, FollowUp, row, ["contact_key", "stage"])
                           .returning(FollowUp.__table__.c.id)).first() is not None
    if made and service:
        _note(session, key, f"flagged-{stage}", now, step="flagged", stage=stage)
    return int(made)


def _superseded() -> Any:
    """A follow-up whose customer has been in contact since: a newer contact starts the
    programme again from itself (read on the customer's linked contacts, so a contact that
    retention has since unlinked still counts as theirs through the follow-up)."""
    newer = sa.select(Contact.id).where(
        Contact.customer_id == FollowUp.customer_id,
        sa.func.coalesce(Contact.ended_at, Contact.started_at) > FollowUp.last_contact_at)
    return sa.exists(newer)


def _cancel_superseded(session: Session, now: datetime) -> int:
    result = session.execute(sa.update(FollowUp).where(FollowUp.status == "open", _superseded())
                             .values(status="cancelled", finished_at=now)
                             .execution_options(synchronize_session=False))
    return result.rowcount or 0


def _destinations(session: Session, keys: list[str]) -> dict[str, str]:
    """Each contact's route: the destination of its last `triaged` event."""
    if not keys:
        return {}
    rows = session.execute(
        sa.select(Contact.key, ContactEvent.detail).join(
            ContactEvent, ContactEvent.contact_id == Contact.id)
        .where(Contact.key.in_(keys), ContactEvent.kind == EventKind.TRIAGED.value)
        .order_by(ContactEvent.seq)).all()
    return {key: (detail or {}).get("destination") for key, detail in rows}


def held_address(*, session: Session, follow_up: FollowUp) -> tuple[str | None, str | None]:
    """A phone number or e-mail address the service already holds for the customer (their
    latest callback's, an earlier follow-up's included, or a written enquiry's reply address),
    looked up when it is needed."""
    keys = select(Contact.key).where(Contact.customer_id == follow_up.customer_id)
    earlier = select(FollowUp.callback_id).where(FollowUp.customer_id == follow_up.customer_id,
                                                 FollowUp.callback_id.is_not(None))
    called = session.execute(
        sa.select(Callback.phone, Callback.email).where(
            sa.or_(Callback.contact_key.in_(keys), Callback.id.in_(earlier)),
            sa.or_(Callback.phone.is_not(None), Callback.email.is_not(None)))
        .order_by(Callback.created_at.desc()).limit(1)).first()
    if follow_up.channel in ("webform", "email"):
        written = session.execute(sa.select(WrittenEnquiry.reply_to).where(
            WrittenEnquiry.contact_key.in_(keys), WrittenEnquiry.reply_to.is_not(None))
            .order_by(WrittenEnquiry.received_at.desc()).limit(1)).first()
        if written:
            return None, written[0]
    return (called[0], called[1]) if called else (None, None)


def start(*, session: Session, follow_up_id: int, phone: str | None, email: str | None,
          rules: FollowUpRules, now: datetime) -> CallbackPublic:
    """The callback that carries an open follow-up, made the first time (phone or e-mail)."""
    found = _open(session, follow_up_id)
    if found.callback_id is not None:
        existing = callbacks.get_callback(session=session, callback_id=found.callback_id)
        if existing is not None:
            return existing
    if not (phone or email):
        raise FollowUpError("no telephone number or e-mail address is held for this customer")
    made = callbacks.create_callback(
        session=session, contact_key=callback_key(found.id), due=found.due_at,
        reason=f"Follow-up at {STAGE_WORDS[found.stage]}", source="follow_up",
        queue_id=rules.queue, phone=phone, email=None if phone else email, now=now,
        summary={"channel": found.channel, "service": found.service, "stage": found.stage})
    found = _open(session, follow_up_id)
    found.callback_id = made.id
    session.add(found)
    session.commit()
    return made


def complete(*, session: Session, follow_up_id: int, staff_id: str, outcome: str,
             rules: FollowUpRules, callback_rules: CallbackRules, now: datetime) -> FollowUp:
    """Record the progression outcome the adviser heard (a configured code), or that the
    customer declined (`declined`): the callback's attempt is reached, the follow-up done."""
    found = _open(session, follow_up_id)
    chosen = rules.outcome(outcome)
    if chosen is None and outcome != DECLINED:
        raise FollowUpError("choose the customer's progression outcome")
    if found.callback_id is None:
        raise FollowUpError("start the follow-up first: call or write to the customer")
    codes: Collection[str] = [o.code for o in rules.outcomes] + [DECLINED]
    callback_work.record_outcome(session=session, callback_id=found.callback_id,
                                 staff_id=staff_id, outcome="reached", outcome_code=outcome,
                                 rules=callback_rules, now=now, codes=codes)
    found = _open(session, follow_up_id)
    if chosen is None:
        record_decline(session=session, customer_id=found.customer_id, channel="follow_up",
                       at=now)
        _note(session, found.contact_key, "declined", now, step="declined", channel="follow_up")
    else:
        found.status, found.outcome, found.positive = "completed", chosen.code, chosen.positive
        found.finished_at, found.finished_by = now, staff_id
        session.add(found)
        _note(session, found.contact_key, f"completed-{found.stage}", now, step="completed",
              stage=found.stage, outcome=chosen.code, positive=chosen.positive)
    session.commit()
    session.refresh(found)
    return found


def attempt(*, session: Session, follow_up_id: int, staff_id: str, outcome: str,
            callback_rules: CallbackRules, now: datetime) -> FollowUp:
    """An unsuccessful try (no answer, busy, voicemail, wrong number): the callback's rules
    decide the next try; when it fails for good the follow-up is closed as unreachable."""
    found = _open(session, follow_up_id)
    if found.callback_id is None or outcome == "reached":
        raise FollowUpError("record a reached follow-up with its outcome")
    after = callback_work.record_outcome(session=session, callback_id=found.callback_id,
                                         staff_id=staff_id, outcome=outcome, outcome_code=None,
                                         rules=callback_rules, now=now)
    found = _open(session, follow_up_id)
    if after.status == "failed":
        found.status, found.finished_at, found.finished_by = "unreachable", now, staff_id
        session.add(found)
        _note(session, found.contact_key, f"unreachable-{found.stage}", now, step="unreachable",
              stage=found.stage)
        session.commit()
    return found


def decline(*, session: Session, contact_key: str, channel: str, rules: FollowUpRules,
            now: datetime) -> bool:
    """The customer of `contact_key` declines follow-up on `channel` (any channel: a call, a
    chat, an e-mail, or the console); their open follow-ups close and their callbacks are
    cancelled. False if they had already declined. FollowUpError for a contact with no record."""
    if rules.decline_channel(channel) is None:
        raise FollowUpError("unknown channel")
    customer_id = session.execute(sa.select(Contact.customer_id).where(
        Contact.key == contact_key)).scalar_one_or_none()
    if customer_id is None:
        raise FollowUpError("this contact has no customer record to follow up")
    open_ids = session.execute(sa.select(FollowUp.callback_id).where(
        FollowUp.customer_id == customer_id, FollowUp.status == "open",
        FollowUp.callback_id.is_not(None))).scalars().all()
    first = record_decline(session=session, customer_id=customer_id, channel=channel, at=now)
    _note(session, contact_key, "declined", now, step="declined", channel=channel)
    session.commit()
    for callback_id in open_ids:
        try:
            callbacks.cancel(session=session, callback_id=callback_id, now=now)
        except (callbacks.CallbackConflict, callbacks.CallbackError):
            pass  # already finished
    return first


def _open(session: Session, follow_up_id: int) -> FollowUp:
    found = get_follow_up(session=session, follow_up_id=follow_up_id)
    if found is None:
        raise LookupError(follow_up_id)
    if found.status != "open":
        raise FollowUpError(f"this follow-up is {found.status.replace('_', ' ')}")
    return found


def _note(session: Session, key: str, event: str, at: datetime, **detail: Any) -> None:
    try:
        record_event(session=session, contact_key=key, kind=EventKind.FOLLOW_UP, at=at,
                     event_id=f"follow-up:{event}", detail=detail)
    except UnknownContact:
        pass  # the contact was erased since: the follow-up stands without its timeline line
