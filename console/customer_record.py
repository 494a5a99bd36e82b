"""The customer record in the screen pop: shown to an adviser only once the customer is checked.

A contact linked to a customer record (by the identity step, ivr.identity) shows the adviser
that a record exists, and nothing held in it, until the customer has given their memorable
number in this contact (001:7.3): in the channel, or told to the adviser, who enters it here.
Each check and each release is written to the identity audit (models.identity) and the console's
audit log, with the adviser as the actor.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlmodel import Session

from config import clock as centre_clock
from console.audit import audit
from models.contacts import UnknownContact, get_contact
from models.db import session_scope
from models.identity import authenticated_on, check_secret, locked, release_to

MAX_SECRET = 32


def record_panel(contact_key: str, *, adviser_id: int, member: str) -> dict[str, Any]:
    """What the pop shows of the customer record: linked?, checked?, and only then the record."""
    with session_scope(current_app.extensions["engine"]) as db:
        contact = _contact(db, contact_key)
        if contact is None or contact.customer_id is None:
            return {"linked": False, "authenticated": False}
        proof = authenticated_on(session=db, customer_id=contact.customer_id,
                                 contact_key=contact_key)
        if proof is None:
            return {"linked": True, "authenticated": False}
        record = release_to(session=db, authenticated=proof, at=centre_clock.now(),
                            actor=_actor(adviser_id), contact_key=contact_key)
        started = contact.started_at.isoformat()
    audit("customer_record_released", target=member)
    details = record["customer"]
    return {
        "linked": True, "authenticated": True,
        "details": {k: details[k] for k in ("first_name", "surname", "date_of_birth",
                                            "postcode")},
        "past_contacts": [c for c in record["contacts"] if c["started_at"] != started],
    }


def check_for_customer(contact_key: str, secret: object, *, adviser_id: int,
                       member: str) -> str:
    """The adviser enters the number the customer tells them: "authenticated", "refused",
    "locked", or "not_linked"; ValueError for a value that is not a number."""
    if not isinstance(secret, str) or not secret.strip().isdigit() or len(secret) > MAX_SECRET:
        raise ValueError('"secret" must be the customer\'s memorable number, in digits')
    now = centre_clock.now()
    with session_scope(current_app.extensions["engine"]) as db:
        contact = _contact(db, contact_key)
        if contact is None or contact.customer_id is None:
            return "not_linked"
        proof = check_secret(session=db, customer_id=contact.customer_id, secret=secret.strip(),
                             at=now, contact_key=contact_key, actor=_actor(adviser_id))
        result = "authenticated" if proof else (
            "locked" if locked(session=db, customer_id=contact.customer_id, at=now)
            else "refused")
    audit("customer_checked", target=member, detail={"result": result})
    return result


def _contact(db: Session, contact_key: str):
    try:
        return get_contact(session=db, key=contact_key)
    except UnknownContact:
        return None


def _actor(adviser_id: int) -> str:
    return f"adviser:{adviser_id}"
