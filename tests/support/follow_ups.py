"""Customers with a last contact, for the follow-up programme's tests."""

from __future__ import annotations

from datetime import datetime

from models.contacts import EventKind, close_contact, open_contact, record_event
from models.customers import Identity, link_contact, match_or_create_customer
from models.db import session_scope
from tests.support.recording_twilio import FakeTwilio


class TwilioWithRecords(FakeTwilio):
    """The stand-in, also answering "fetch a call" with the caller's number, as Twilio does."""

    def __init__(self, caller: str) -> None:
        super().__init__()
        self.caller = caller

    def fetch_call(self, call_sid: str) -> dict:
        """The past call's resource: who called."""
        return {"sid": call_sid, "status": "completed", "from": self.caller}


def customer_with_contact(engine, name: str, key: str, *, at: datetime,
                          route: str = "adult_information", channel: str = "phone") -> int:
    """A customer record whose contact `key` (triaged to `route`) started and ended at `at`."""
    identity = Identity.of(surname=name, first_name="Test", date_of_birth="1990-04-01",
                           postcode="M1 1AE")
    with session_scope(engine) as session:
        customer = match_or_create_customer(session=session, identity=identity, at=at)
        open_contact(session=session, key=key, channel=channel, at=at)
        link_contact(session=session, contact_key=key, customer_id=customer.customer_id)
        record_event(session=session, contact_key=key, kind=EventKind.TRIAGED, at=at,
                     event_id="triaged", detail={"destination": route, "reasons": ["001:5.5"]})
        close_contact(session=session, key=key, at=at)
        session.commit()
    return customer.customer_id
