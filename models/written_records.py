"""Written enquiries in erasure, retention and subject access (001:7.4, 001:29.1, 001:34.2).

A written enquiry keeps a reply address, a subject and its messages' (redacted) words, all of
which name or describe the customer, so each rule that reaches a contact reaches its enquiry too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from models.enquiries import EnquiryMessage, WrittenEnquiry

PURGED_TEXT = ""


def _enquiry_ids(session: Session, contact_keys: list[str]) -> list[int]:
    if not contact_keys:
        return []
    return list(session.exec(select(WrittenEnquiry.id)
                             .where(WrittenEnquiry.contact_key.in_(contact_keys))))


def erase_written(*, session: Session, contact_keys: list[str]) -> dict[str, int]:
    """Delete the enquiries of these contacts and every message of them; counts by kind."""
    ids = _enquiry_ids(session, contact_keys)
    if not ids:
        return {"written_messages": 0, "written_enquiries": 0}
    # Messages first: SQLite does not enforce the foreign key's ON DELETE CASCADE.
    messages = session.execute(sa.delete(EnquiryMessage)
                               .where(EnquiryMessage.enquiry_id.in_(ids))).rowcount or 0
    enquiries = session.execute(sa.delete(WrittenEnquiry)
                                .where(WrittenEnquiry.id.in_(ids))).rowcount or 0
    return {"written_messages": messages, "written_enquiries": enquiries}


def purge_written(*, session: Session, contact_keys: list[str]) -> int:
    """Forget the words and reply address of these contacts' finished enquiries; how many.

    An open enquiry keeps them: it is still to be answered. The enquiry row stays (queue, kind,
    clocks) so the figures it counted in stand, as a purged contact's row does.
    """
    ids = list(session.exec(select(WrittenEnquiry.id).where(
        WrittenEnquiry.contact_key.in_(contact_keys), WrittenEnquiry.status != "open")))
    if not ids:
        return 0
    session.execute(sa.update(EnquiryMessage).where(EnquiryMessage.enquiry_id.in_(ids))
                    .values(text=PURGED_TEXT))
    return session.execute(sa.update(WrittenEnquiry).where(WrittenEnquiry.id.in_(ids))
                           .values(reply_to=None, subject="")).rowcount or 0


def written_for(*, session: Session, contact_keys: list[str]) -> list[dict[str, Any]]:
    """The enquiries of these contacts with their messages, as JSON-ready values."""
    found = []
    for enquiry in session.exec(select(WrittenEnquiry).where(
            WrittenEnquiry.contact_key.in_(contact_keys or [""])).order_by(WrittenEnquiry.id)):
        messages = session.exec(select(EnquiryMessage)
                                .where(EnquiryMessage.enquiry_id == enquiry.id)
                                .order_by(EnquiryMessage.at, EnquiryMessage.id))
        found.append({**_plain(enquiry), "messages": [_plain(m) for m in messages]})
    return found


def _plain(row: Any) -> dict[str, Any]:
    return {name: value.isoformat() if isinstance(value, datetime | date) else value
            for name, value in row.model_dump().items()}
