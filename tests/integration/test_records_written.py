"""Written enquiries are reached by erasure, retention and subject access like every contact.

An e-mail or webform enquiry keeps the customer's reply address, a subject and the (redacted)
words of each message; each rule that reaches a contact reaches its enquiry too (001:7.4,
001:29.1, 001:34.2). Before, all three left these two tables untouched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from models.contacts import open_contact
from models.customers import Identity, link_contact, match_or_create_customer
from models.db import session_scope
from models.enquiries import EnquiryMessage, WrittenEnquiry
from models.erasure import erase_contacts, erase_customer
from models.retention import purge_expired
from models.subject_access import export_customer

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
ADDRESS = "sam.writes@example.com"


def add_enquiry(engine, key: str, at: datetime, *, status: str = "closed",
                customer: bool = False) -> int | None:
    """An e-mail enquiry with one message in and one out; the customer's id when linked."""
    with session_scope(engine) as session:
        open_contact(session=session, key=key, channel="email", at=at)
        customer_id = None
        if customer:
            identity = Identity.of(surname="Writes", first_name="Sam",
                                   date_of_birth="1990-02-01", postcode="LS1 4AP")
            customer_id = match_or_create_customer(session=session, identity=identity,
                                                   at=at).customer_id
            link_contact(session=session, contact_key=key, customer_id=customer_id)
        enquiry = WrittenEnquiry(contact_key=key, channel="email", queue_id="written",
                                 destination="adult_advice", kind="enquiry", status=status,
                                 reply_to=ADDRESS, subject="Help with nursing", decision={},
                                 received_at=at, first_response_due=at + timedelta(days=2))
        session.add(enquiry)
        session.flush()
        for n, direction in enumerate(("in", "out")):
            session.add(EnquiryMessage(enquiry_id=enquiry.id, direction=direction,
                                       message_id=f"<{key}-{n}@example.com>", at=at,
                                       text="I would like to train as a nurse"))
    return customer_id


def _rows(engine) -> tuple[list[WrittenEnquiry], list[EnquiryMessage]]:
    with session_scope(engine) as session:
        return (list(session.exec(select(WrittenEnquiry))),
                list(session.exec(select(EnquiryMessage))))


def test_erasing_a_contact_erases_its_enquiry_and_every_message(engine, redis_client):
    add_enquiry(engine, "EM-ERASE", NOW)
    add_enquiry(engine, "EM-KEEP", NOW)
    with session_scope(engine) as session:
        receipt = erase_contacts(session=session, contact_keys=["EM-ERASE"], redis=redis_client,
                                 tracker_redis=redis_client, at=NOW)
    assert receipt.counts["written_enquiries"] == 1 and receipt.counts["written_messages"] == 2
    enquiries, messages = _rows(engine)
    assert [e.contact_key for e in enquiries] == ["EM-KEEP"] and len(messages) == 2


def test_erasing_a_customer_erases_their_enquiries(engine, redis_client):
    customer_id = add_enquiry(engine, "EM-CUSTOMER", NOW, customer=True)
    with session_scope(engine) as session:
        erase_customer(session=session, customer_id=customer_id, redis=redis_client,
                       tracker_redis=redis_client, at=NOW)
    assert _rows(engine) == ([], [])


def test_retention_forgets_a_finished_enquirys_words_and_address(engine):
    add_enquiry(engine, "EM-OLD", NOW - timedelta(days=91))
    add_enquiry(engine, "EM-OLD-OPEN", NOW - timedelta(days=91), status="open")
    add_enquiry(engine, "EM-NEW", NOW - timedelta(days=10))
    with session_scope(engine) as session:
        counts = purge_expired(session=session, now=NOW, retention_days=90)
    assert counts["written"] == 1
    enquiries, messages = _rows(engine)
    by_key = {e.contact_key: e for e in enquiries}
    assert by_key["EM-OLD"].reply_to is None and by_key["EM-OLD"].subject == ""
    assert by_key["EM-OLD-OPEN"].reply_to == ADDRESS  # still to be answered
    assert by_key["EM-NEW"].reply_to == ADDRESS
    old = [m for m in messages if m.enquiry_id == by_key["EM-OLD"].id]
    assert old and all(m.text == "" for m in old)
    assert all(m.text for m in messages if m.enquiry_id != by_key["EM-OLD"].id)


def test_subject_access_includes_the_customers_enquiries(engine):
    customer_id = add_enquiry(engine, "EM-SAR", NOW, customer=True)
    with session_scope(engine) as session:
        export = export_customer(session=session, customer_id=customer_id, at=NOW)
    [enquiry] = export["written_enquiries"]
    assert enquiry["reply_to"] == ADDRESS and enquiry["contact_key"] == "EM-SAR"
    assert [m["direction"] for m in enquiry["messages"]] == ["in", "out"]
    assert enquiry["messages"][0]["text"] == "I would like to train as a nurse"
