"""Written enquiries (webform and national email): one thread per enquiry, its messages, its clocks.

An enquiry holds only what answering it needs (001:29.1): where to reply, the triage decision
without offending facts (001:20.2), the queue it waits in and its response clocks. Every message
text is stored through redaction like every transcript; attachments are never stored. The data
functions live in routing.written.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime

CHANNELS = ("webform", "email")
STATUSES = ("open", "answered", "closed")
DIRECTIONS = ("in", "out")


class WrittenEnquiry(SQLModel, table=True):
    """One written enquiry: a thread of messages with a customer, waiting in a written queue."""

    __tablename__ = "written_enquiry"
    __table_args__ = (
        UniqueConstraint("contact_key", name="uq_written_enquiry_contact_key"),
        CheckConstraint(f"channel IN {CHANNELS!r}", name="ck_written_enquiry_channel"),
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_written_enquiry_status"),
        Index("ix_written_enquiry_queue", "queue_id", "status", "first_response_due", "id"),
        Index("ix_written_enquiry_thread", "thread_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_key: str = Field(max_length=64)
    channel: str = Field(max_length=16)
    queue_id: str = Field(max_length=48)
    destination: str = Field(max_length=48)
    kind: str = Field(max_length=16)  # "complaint" or "enquiry": which response clock applies
    status: str = Field(default="open", max_length=16)
    reply_to: str | None = Field(default=None, max_length=254)
    thread_id: str | None = Field(default=None, max_length=255)  # the first Message-ID
    subject: str = Field(default="", max_length=200)
    decision: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    received_at: datetime = Field(sa_type=UTCDateTime)
    first_response_due: datetime = Field(sa_type=UTCDateTime)
    final_response_due: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class EnquiryMessage(SQLModel, table=True):
    """One message of an enquiry's thread, in or out, its text redacted."""

    __tablename__ = "enquiry_message"
    __table_args__ = (
        UniqueConstraint("message_id", name="uq_enquiry_message_id"),
        CheckConstraint(f"direction IN {DIRECTIONS!r}", name="ck_enquiry_message_direction"),
        Index("ix_enquiry_message_enquiry", "enquiry_id", "at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    enquiry_id: int = Field(foreign_key="written_enquiry.id", ondelete="CASCADE")
    direction: str = Field(max_length=3)
    message_id: str = Field(max_length=255)
    at: datetime = Field(sa_type=UTCDateTime)
    text: str
    staff_id: str | None = Field(default=None, max_length=64)
    attachments_dropped: int = 0
