"""The 31-day sample survey (000:L16, 000:L75): who is sent it, its one-use link, its answer.

A share of the customers who agreed to be contacted (a mobile number or e-mail address held for
a confirmation or a callback on their last contact) is sent, `after_days` (31) after that last
contact, one message with a link to a one-question public page. Never a customer who said STOP,
declined follow-up, was erased (nothing is left to find) or is under an open safeguarding case,
nor one whose last contact was a safeguarding concern. Who is sampled is a hash of the last
contact's key against the share: always in or always out, whichever worker looks. The link's
token is `secrets.token_urlsafe`; only its SHA-256 is stored. The answer is a satisfaction
response of source `survey_31_day` on the last contact (engine.satisfaction).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from engine.satisfaction import configured, store_in
from engine.survey_31_config import Survey31Config
from models import relay_uk
from models.callbacks import Callback
from models.confirmations import InformationConfirmation
from models.contacts import EventKind, NewEvent
from models.follow_ups import FollowUpOptOut
from models.opt_outs import opted_out
from models.records import Contact, ContactEvent
from models.safeguarding_cases import OPEN_STATUSES as OPEN_CASES
from models.safeguarding_cases import SafeguardingCase
from models.satisfaction import SURVEY_31_DAY, Answers
from models.survey_invitations import SurveyInvitation, find, plan, spend

NEVER_ROUTES = frozenset({"safeguarding"})  # a person acted for their safety: not a survey


def survey_config() -> Survey31Config:
    """The `survey_31_day` section of config/satisfaction.yaml."""
    return configured().survey_31_day


@dataclass(frozen=True)
class Candidate:
    """A customer's last contact, where it went and the address held for it."""

    contact_key: str
    customer_id: int
    channel: str
    route: str
    last_at: datetime
    phone: str | None
    email: str | None


def draw(contact_key: str) -> float:
    """Where the contact falls in [0, 1): a hash of its key, the same every time."""
    digest = hashlib.sha256(f"survey_31_day:{contact_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def address(candidate: Candidate) -> tuple[str, str] | None:
    """("sms", a UK mobile) or ("email", an address) to send to; None when neither is held."""
    number = relay_uk.uk_number(candidate.phone or "") if candidate.phone else None
    if number is not None and relay_uk.can_text(number):
        return "sms", number
    if candidate.email:
        return "email", candidate.email
    return None


def exclusion(candidate: Candidate, *, config: Survey31Config, now: datetime, stopped: bool,
              declined: bool, held: bool) -> str | None:
    """Why the candidate is not sent the survey now (None: it is sent): too early, too late,
    not sampled, no address, STOP, declined follow-up, a safeguarding case or route."""
    due = candidate.last_at + timedelta(days=config.after_days)
    if now < due:
        return "not_yet"
    if now >= due + timedelta(days=config.window_days):
        return "too_old"
    if held or candidate.route in NEVER_ROUTES:
        return "safeguarding"
    if declined:
        return "declined"
    if stopped:
        return "opted_out"
    if address(candidate) is None:
        return "no_address"
    if draw(candidate.contact_key) >= config.share:
        return "not_sampled"
    return None


def candidates(*, session: Session, now: datetime, config: Survey31Config) -> list[Candidate]:
    """Each customer's last contact that fell due within the window, not yet invited, with the
    newest address held for it (a callback's or an information confirmation's)."""
    last_at = sa.func.coalesce(Contact.ended_at, Contact.started_at)
    ranked = sa.select(
        Contact.customer_id, Contact.key, Contact.channel, last_at.label("last_at"),
        sa.func.row_number().over(partition_by=Contact.customer_id,
                                  order_by=(last_at.desc(), Contact.id.desc())).label("rank"),
    ).where(Contact.customer_id.is_not(None)).subquery()
    due = now - timedelta(days=config.after_days)
    invited = sa.select(SurveyInvitation.id).where(SurveyInvitation.contact_key == ranked.c.key)
    rows = session.execute(sa.select(ranked).where(
        ranked.c.rank == 1, ranked.c.last_at <= due,
        ranked.c.last_at > due - timedelta(days=config.window_days), ~sa.exists(invited))
        .order_by(ranked.c.last_at).limit(config.batch_size)).all()
    keys = [row.key for row in rows]
    held = _addresses(session, keys)
    routes = _routes(session, keys)
    return [Candidate(row.key, row.customer_id, row.channel, routes.get(row.key, ""),
                      row.last_at, *held.get(row.key, (None, None))) for row in rows]


def plan_due(*, session: Session, now: datetime, config: Survey31Config,
             secret_key: str) -> dict[str, int]:
    """Invite every sampled, eligible customer whose last contact is 31 days old; counts by
    outcome (invited, or the reason not). Commits."""
    counts: dict[str, int] = {}
    for candidate in candidates(session=session, now=now, config=config):
        reason = exclusion(candidate, config=config, now=now, **_checks(session, candidate,
                                                                       secret_key))
        if reason is None:
            notify, to = address(candidate) or ("", "")
            reason = "invited" if plan(
                session=session, contact_key=candidate.contact_key, channel=candidate.channel,
                route=candidate.route, notify=notify, to=to, at=now) else "already"
        counts[reason] = counts.get(reason, 0) + 1
    session.commit()
    return counts


def new_token(config: Survey31Config) -> tuple[str, str]:
    """(token for the link, its SHA-256 to store)."""
    token = secrets.token_urlsafe(config.token_bytes)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The stored form of a link's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def compose(notify: str, link: str, config: Survey31Config) -> tuple[str | None, str]:
    """(subject or None for a text, body) with the link and nothing about the customer."""
    words = config.words
    if notify == "sms":
        return None, words.sms.format(link=link, days=config.expires_days)
    return words.email_subject, words.email.format(link=link, days=config.expires_days)


def link_state(*, session: Session, token: str, now: datetime) -> str:
    """"open", or why the link cannot be answered: "unknown", "used" or "expired"."""
    found = find(session=session, token_sha256=token_hash(token)) if token else None
    if found is None:
        return "unknown"
    if found.used_at is not None:
        return "used"
    if found.expires_at is None or found.expires_at <= now:
        return "expired"
    return "open"


def answer(*, session: Session, token: str, score: int, next_step: bool,
           now: datetime) -> tuple[str, NewEvent | None]:
    """Spend the link and store the answer on the last contact in one transaction (commits);
    ("recorded", the event), or (why not, None)."""
    invitation = spend(session=session, token_sha256=token_hash(token), now=now)
    if invitation is None:
        session.rollback()
        return link_state(session=session, token=token, now=now), None
    event = store_in(session=session, at=now, answers=Answers(
        contact_key=invitation.contact_key, channel=invitation.channel, route=invitation.route,
        queue=None, contractor=None, score=score, got_what_they_needed=next_step,
        source=SURVEY_31_DAY))
    session.commit()
    return ("recorded" if event is not None else "used"), event


def _checks(session: Session, candidate: Candidate, secret_key: str) -> dict[str, Any]:
    held = sa.select(SafeguardingCase.id).join(
        Contact, Contact.key == SafeguardingCase.contact_key).where(
        Contact.customer_id == candidate.customer_id, SafeguardingCase.status.in_(OPEN_CASES))
    declined = session.get(FollowUpOptOut, candidate.customer_id) is not None
    # A number that said STOP is not surveyed at all, not even by e-mail instead.
    number = relay_uk.uk_number(candidate.phone) if candidate.phone else None
    stopped = number is not None and opted_out(session=session, number=number, key=secret_key)
    return {"held": session.execute(held.limit(1)).first() is not None, "declined": declined,
            "stopped": stopped}


def _addresses(session: Session, keys: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Each contact's newest (phone, email) held for a callback or an information confirmation."""
    if not keys:
        return {}
    found: dict[str, tuple[datetime, str | None, str | None]] = {}
    for model in (Callback, InformationConfirmation):
        rows = session.execute(sa.select(
            model.contact_key, model.created_at, model.phone, model.email).where(
            model.contact_key.in_(keys),
            sa.or_(model.phone.is_not(None), model.email.is_not(None)))).all()
        for key, at, phone, email in rows:
            if key not in found or at > found[key][0]:
                found[key] = (at, phone, email)
    return {key: (phone, email) for key, (_, phone, email) in found.items()}


def _routes(session: Session, keys: list[str]) -> dict[str, str]:
    """Each contact's route: the destination of its last `triaged` event."""
    if not keys:
        return {}
    rows = session.execute(
        sa.select(Contact.key, ContactEvent.detail).join(
            ContactEvent, ContactEvent.contact_id == Contact.id)
        .where(Contact.key.in_(keys), ContactEvent.kind == EventKind.TRIAGED.value)
        .order_by(ContactEvent.seq)).all()
    return {key: (detail or {}).get("destination") or "" for key, detail in rows}
