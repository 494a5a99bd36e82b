"""Subject access (001:34.2): everything held about one customer, as JSON-ready values.

Run by staff once the request's identity checks are done (the 40-calendar-day clock starts at the
request); `due_by` in the export says when the answer is due if the request date is given.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlmodel import Session, select

from models.callbacks import Callback, CallbackAttempt
from models.customers import customer_details
from models.follow_ups import follow_ups_for
from models.identity import checks_for
from models.records import Contact, ContactEvent, Customer
from models.written_records import written_for

RESPONSE_DAYS = 40  # calendar days to respond (001:34.2)


def export_customer(
    *, session: Session, customer_id: int, at: datetime, requested_on: date | None = None
) -> dict[str, Any]:
    """The customer's record, contacts with timelines, callbacks and follow-ups; LookupError if
    unknown."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise LookupError(f"no customer {customer_id}")
    contacts = session.exec(
        select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.started_at)
    ).all()
    export: dict[str, Any] = {
        "exported_at": at.isoformat(),
        "customer": customer_details(customer),
        "contacts": [_contact(session, contact) for contact in contacts],
        "callbacks": _callbacks(session, [contact.key for contact in contacts]),
        "written_enquiries": written_for(session=session,
                                         contact_keys=[contact.key for contact in contacts]),
        "identity_checks": checks_for(session=session, customer_id=customer_id),
        "follow_ups": follow_ups_for(session=session, customer_id=customer_id),
    }
    if requested_on is not None:
        export["requested_on"] = requested_on.isoformat()
        export["due_by"] = (requested_on + timedelta(days=RESPONSE_DAYS)).isoformat()
    return export


def _contact(session: Session, contact: Contact) -> dict[str, Any]:
    events = session.exec(
        select(ContactEvent).where(ContactEvent.contact_id == contact.id).order_by(ContactEvent.seq)
    ).all()
    return {
        "key": contact.key,
        "channel": contact.channel,
        "dialled": contact.dialled,
        "started_at": _iso(contact.started_at),
        "ended_at": _iso(contact.ended_at),
        "indicator": contact.indicator,
        "events": [
            {"seq": e.seq, "kind": e.kind, "at": _iso(e.at), "detail": e.detail, "text": e.text}
            for e in events
        ],
    }


def _callbacks(session: Session, contact_keys: list[str]) -> list[dict[str, Any]]:
    if not contact_keys:
        return []
    callbacks = session.exec(select(Callback).where(Callback.contact_key.in_(contact_keys))).all()
    return [
        {
            **_plain(callback),
            "attempts": [
                _plain(a)
                for a in session.exec(
                    select(CallbackAttempt)
                    .where(CallbackAttempt.callback_id == callback.id)
                    .order_by(CallbackAttempt.number)
                )
            ],
        }
        for callback in callbacks
    ]


def _plain(row: Any) -> dict[str, Any]:
    return {
        name: _iso(value) if isinstance(value, datetime | date) else value
        for name, value in row.model_dump().items()
    }


def _iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None
