"""The safeguarding panel's data: alerts copied into cases, and each case as the panel shows it.

Alerts arrive on a Redis stream (routing.safeguarding_alerts); every read of the panel first
copies the entries it has not yet seen into the database (models.safeguarding_cases), so a case
outlives the stream's cap and a restart of Redis. A case is shown with where the contact is now
(the follow-up callback the safeguarding route made out of hours, the adviser the dispatcher gave
it to), how long ago it was raised and whether nobody has acknowledged it in time (overdue,
config/safeguarding.yaml). Never the customer's words: the alert never had them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from flask import current_app
from pydantic import field_validator
from sqlmodel import Session, select

from config.files import ConfigModel, labels_by_code, load
from engine.dispatch import now
from models import keys
from models.callbacks import Callback
from models.contacts import EventKind
from models.records import Contact, ContactEvent
from models.safeguarding_cases import (
    SafeguardingCase,
    count_overdue,
    live_cases,
    open_counts,
    record_alerts,
)
from models.staff import StaffUser, list_users
from routing.safeguarding_alerts import SafeguardingAlerts

ASSIGNABLE_ROLES = ("supervisor", "admin", "adviser")


class SafeguardingConfig(ConfigModel):
    """config/safeguarding.yaml; a test changes it with model_copy."""

    acknowledge_within_minutes: float
    closed_shown_hours: float
    outcomes: dict[str, str]  # code -> label, in order

    @field_validator("outcomes", mode="before")
    @classmethod
    def _outcomes_by_code(cls, value: Any) -> Any:
        return labels_by_code(value)

    @field_validator("acknowledge_within_minutes", "closed_shown_hours")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than zero")
        return value


@lru_cache(maxsize=1)
def default_config() -> SafeguardingConfig:
    """config/safeguarding.yaml, read once per process."""
    return load(SafeguardingConfig, "safeguarding.yaml")


def get_config() -> SafeguardingConfig:
    """The app's panel configuration (a test may set extensions["safeguarding_config"])."""
    return current_app.extensions.get("safeguarding_config") or default_config()


def alerts() -> SafeguardingAlerts:
    """The alert stream on the app's Redis."""
    return SafeguardingAlerts(current_app.extensions["redis"])


def record_new_alerts(session: Session) -> int:
    """Copy the stream's entries after the last one recorded into cases; returns how many."""
    redis = current_app.extensions["redis"]
    position = redis.get(keys.SAFEGUARDING_RECORDED) or "0"
    copied = 0
    while True:
        batch = alerts().after(position)
        if not batch:
            return copied
        copied += record_alerts(session=session, alerts=batch)
        position = batch[-1]["id"]
        session.flush()
        redis.set(keys.SAFEGUARDING_RECORDED, position)


def overdue_before(at: datetime) -> datetime:
    """Alerts raised before this and not yet acknowledged are overdue."""
    return at - timedelta(minutes=get_config().acknowledge_within_minutes)


def panel(session: Session) -> dict[str, Any]:
    """The live panel's body: open cases (overdue first) and those closed lately."""
    record_new_alerts(session)
    at = now()
    cases = live_cases(session=session,
                       closed_since=at - timedelta(hours=get_config().closed_shown_hours))
    rows = describe(session, cases, at)
    return {"as_of": at.isoformat(), "alerts": rows,
            "overdue": sum(1 for r in rows if r["overdue"]),
            "open": sum(1 for r in rows if r["status"] != "closed"),
            "acknowledge_within_minutes": get_config().acknowledge_within_minutes,
            "after": alerts().panel_position()}


def figures(session: Session) -> dict[str, int]:
    """Open alerts by state, and how many of the new ones are overdue (for /metrics)."""
    record_new_alerts(session)
    counts = open_counts(session=session)
    counts["overdue"] = count_overdue(session=session, raised_before=overdue_before(now()))
    return counts


def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Overdue first, then new, then acknowledged, then closed; newest first within each."""
    rank = {"new": 1, "acknowledged": 2, "closed": 3}
    return sorted(rows, key=lambda r: (0 if r["overdue"] else rank[r["status"]],
                                       r["age_seconds"]))


def describe(session: Session, cases: list[SafeguardingCase] | Any, at: datetime
             ) -> list[dict[str, Any]]:
    """Each case as the panel and its JSON show it (the Staff console contract's fields first)."""
    cases = list(cases)
    callbacks = _callbacks(session, [c.contact_key for c in cases])
    handlers = _handlers(session, [c.contact_key for c in cases])
    labels = get_config().outcomes
    late = overdue_before(at)
    rows = []
    for case in cases:
        callback = callbacks.get(case.contact_key)
        handler = case.adviser or handlers.get(case.contact_key)
        rows.append({
            "id": case.alert_id, "contact": case.contact_key, "channel": case.channel,
            "kind": case.kind, "explicit": case.explicit, "about": case.about,
            "raised_at": case.raised_at.isoformat(), "status": case.status,
            "assigned_to": case.assigned_to,
            "step": case.step, "now": _where_now(case, callback, handler),
            "adviser": handler, "callback": callback,
            "age_seconds": max(0, round((at - case.raised_at).total_seconds())),
            "overdue": case.status == "new" and case.raised_at < late,
            "acknowledged_by": case.acknowledged_by, "acknowledged_at": _iso(case.acknowledged_at),
            "assigned_by": case.assigned_by, "outcome": case.outcome,
            "outcome_label": labels.get(case.outcome or "", case.outcome),
            "outcome_by": case.outcome_by, "closed_by": case.closed_by,
            "closed_at": _iso(case.closed_at)})
    return rows


def assignable(session: Session) -> list[str]:
    """Usernames an alert can be given to: active supervisors, admins and advisers."""
    return [u.username for u in list_users(session=session)
            if u.active and u.role in ASSIGNABLE_ROLES]


def _where_now(case: SafeguardingCase, callback: dict | None, handler: str | None) -> str:
    if callback and callback["status"] in ("pending", "claimed"):
        return "callback"
    if handler:
        return "adviser"
    return case.step


def _callbacks(session: Session, contact_keys: list[str]) -> dict[str, dict[str, Any]]:
    """The follow-up callback of each contact that has one (a callback is one per contact)."""
    if not contact_keys:
        return {}
    found = session.exec(select(Callback).where(Callback.contact_key.in_(set(contact_keys))))
    return {cb.contact_key: {"id": cb.id, "status": cb.status, "due_at": cb.due_at.isoformat(),
                             "owner": cb.queue_id or cb.contractor_id, "source": cb.source,
                             "claimed_by": cb.claimed_by}
            for cb in found}


def _handlers(session: Session, contact_keys: list[str]) -> dict[str, str]:
    """The adviser with each contact, by username: the one the dispatcher gave it to now (a
    call's CallSid is the dispatcher's member), else the last who answered it (its timeline)."""
    redis = current_app.extensions["redis"]
    unique = [key for key in dict.fromkeys(contact_keys) if key]
    with redis.pipeline(transaction=False) as pipe:
        for key in unique:
            pipe.hget(keys.key(keys.ASSIGNMENT, member=key), "adviser")
        ids = pipe.execute()
    held = {key: int(a) for key, a in zip(unique, ids, strict=True) if a and str(a).isdigit()}
    answered = select(Contact.key, ContactEvent.detail).join(
        ContactEvent, ContactEvent.contact_id == Contact.id).where(
        Contact.key.in_([k for k in unique if k not in held]),
        ContactEvent.kind == EventKind.ANSWERED.value).order_by(ContactEvent.seq)
    for key, detail in session.exec(answered).all():
        adviser = (detail or {}).get("adviser")
        if isinstance(adviser, int) or (isinstance(adviser, str) and adviser.isdigit()):
            held[key] = int(adviser)  # the latest answer wins (ordered by sequence)
    if not held:
        return {}
    names = dict(session.exec(select(StaffUser.id, StaffUser.username)
                              .where(StaffUser.id.in_(set(held.values())))).all())
    return {key: names[i] for key, i in held.items() if i in names}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
