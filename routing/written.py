"""Written enquiries: triaged by the same rules as every channel, queued by destination, answered.

API (keyword-only, explicit Session; each function commits before it returns):

    route_written(*, facts, channel, at, directory=None, config=None) -> WrittenRoute
        triage.decide + routing.plan for a webform or email enquiry, and the written queue and
        response clocks that follow from the decision.
    create_enquiry(*, session, route, contact_key, text, message_id, received_at, reply_to=None,
                   thread_id=None, subject="", attachments_dropped=0) -> WrittenEnquiry
    add_incoming(*, session, enquiry_id, message_id, text, at, attachments_dropped=0) -> bool
    record_reply(*, session, enquiry_id, staff_id, message_id, text, at,
                 counts_as_response=True) -> EnquiryMessage
    find_thread(*, session, message_ids) -> WrittenEnquiry | None
    list_queue(*, session, queue_id, statuses=("open",), limit=100) -> list[WrittenEnquiry]
    messages(*, session, enquiry_id) -> list[EnquiryMessage]
    close_enquiry(*, session, enquiry_id, at) -> WrittenEnquiry
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator
from sqlalchemy import select
from sqlmodel import Session

from config.files import ConfigModel, config_file, load
from models.contacts import Channel, EventKind, open_contact, record_event
from models.enquiries import EnquiryMessage, WrittenEnquiry
from models.redaction import redact
from routing import hours
from routing.directory import Directory
from routing.plan import default_directory, plan
from triage import decide
from triage.offending import without_offender_facts

CONFIG_FILE = config_file("forms.yaml")
QUEUE_FIELDS = frozenset({"id", "name", "skill"})


def _whole_queue(entry: Any) -> Any:
    # An unquoted comma in a {…} entry splits it silently ("Safeguarding (written" + "urgent)").
    if (not isinstance(entry, dict) or set(entry) != QUEUE_FIELDS
            or not all(isinstance(v, str) and v for v in entry.values())):
        raise ValueError(f"give exactly {', '.join(sorted(QUEUE_FIELDS))}, each a non-empty "
                         f"string (quote a name with a comma), not {entry!r}")
    return entry


class WrittenConfig(ConfigModel):
    """The `written` section of config/forms.yaml, and only there."""

    queues: dict[str, Annotated[dict[str, str], BeforeValidator(_whole_queue)]]
    first_response_hours: dict[str, float]
    final_response_working_days: dict[str, int]
    service_address: str
    service_name: str
    emergency: str  # first in the automatic reply to a safeguarding e-mail (003:L211)
    # The automatic reply's subject, always this: never the sender's own subject echoed back.
    acknowledgement_subject: str

    def queue_names(self) -> dict[str, str]:
        """Every written queue id and its name, in the order configured."""
        return {q["id"]: q["name"] for q in self.queues.values()}

    def queues_for(self, skills: list[str]) -> list[str]:
        """The written queues taken by advisers with these contact-centre queue skills."""
        ids = [q["id"] for q in self.queues.values() if q.get("skill") in skills]
        return list(dict.fromkeys(ids))


@lru_cache(maxsize=1)
def load_written_config(path: Path = CONFIG_FILE) -> WrittenConfig:
    """Read the written section; a missing entry stops the app with its name."""
    return load(WrittenConfig, path, section="written")


@dataclass(frozen=True)
class WrittenRoute:
    """Where a written enquiry goes and by when it must be answered."""

    decision: dict[str, Any]
    action: str
    queue_id: str
    kind: str
    first_response_due: datetime
    final_response_due: datetime | None
    contractor: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)


def route_written(*, facts: dict[str, Any], channel: str, at: datetime,
                  directory: Directory | None = None,
                  config: WrittenConfig | None = None) -> WrittenRoute:
    """The decision, the written queue and the clocks for an enquiry with these facts."""
    config = config or load_written_config()
    directory = directory or default_directory()
    wanted = {k: v for k, v in facts.items() if v is not None} | {"channel": channel}
    decision = decide(wanted)
    routed = plan(decision, channel, at, directory=directory)
    destination = decision.destination
    queue = config.queues.get(destination) or config.queues["incomplete"]
    kind = ("safeguarding" if destination == "safeguarding" else
            "complaint" if wanted.get("need") == "complaint" else "enquiry")
    first = at + timedelta(hours=config.first_response_hours.get(
        kind, config.first_response_hours["enquiry"]))
    final = None
    if kind in config.final_response_working_days:
        day = hours.add_working_days(at.astimezone(directory.timezone).date(),
                                     config.final_response_working_days[kind],
                                     directory.bank_holidays)
        final = datetime.combine(day, time(23, 59), tzinfo=directory.timezone)
    return WrittenRoute(decision=_stored_decision(decision), action=routed.action,
                        queue_id=queue["id"], kind=kind, first_response_due=first,
                        final_response_due=final, contractor=routed.contractor,
                        facts=without_offender_facts(wanted))


def create_enquiry(*, session: Session, route: WrittenRoute, contact_key: str, text: str,
                   message_id: str, received_at: datetime, reply_to: str | None = None,
                   thread_id: str | None = None, subject: str = "",
                   attachments_dropped: int = 0) -> WrittenEnquiry:
    """Store a new enquiry with its first message, and its contact's timeline."""
    channel = route.facts.get("channel", "webform")
    open_contact(session=session, key=contact_key, channel=Channel(channel), at=received_at)
    enquiry = WrittenEnquiry(
        contact_key=contact_key, channel=channel, queue_id=route.queue_id,
        destination=route.decision["destination"], kind=route.kind, reply_to=reply_to,
        thread_id=thread_id, subject=redact(subject)[:200], decision=route.decision,
        received_at=received_at, first_response_due=route.first_response_due,
        final_response_due=route.final_response_due)
    session.add(enquiry)
    session.flush()
    session.add(_message(enquiry.id, "in", message_id, text, received_at,
                         attachments_dropped=attachments_dropped))
    record_event(session=session, contact_key=contact_key, kind=EventKind.CUSTOMER_SAID,
                 at=received_at, event_id=f"in:{message_id}", text=text)
    record_event(session=session, contact_key=contact_key, kind=EventKind.TRIAGED,
                 at=received_at, event_id="triaged",
                 detail={**route.decision, "queue": route.queue_id, "kind": route.kind})
    record_event(session=session, contact_key=contact_key, kind=EventKind.ENQUEUED,
                 at=received_at, event_id="enqueued", detail={"queue": route.queue_id})
    session.commit()
    session.refresh(enquiry)
    return enquiry


def add_incoming(*, session: Session, enquiry_id: int, message_id: str, text: str, at: datetime,
                 attachments_dropped: int = 0, concern: bool = False) -> bool:
    """A customer's further message in the thread; False if it was already stored.

    With `concern` (the safeguarding screen fired on it) the enquiry moves to the urgent
    safeguarding queue with its one-hour first-response clock (003:L211).
    """
    if session.scalars(select(EnquiryMessage.id).where(
            EnquiryMessage.message_id == message_id)).first() is not None:
        return False
    enquiry = _get(session, enquiry_id)
    if concern and enquiry.kind != "safeguarding":
        _escalate(session, enquiry, at)
    session.add(_message(enquiry_id, "in", message_id, text, at,
                         attachments_dropped=attachments_dropped))
    enquiry.status, enquiry.closed_at = "open", None
    record_event(session=session, contact_key=enquiry.contact_key, kind=EventKind.CUSTOMER_SAID,
                 at=at, event_id=f"in:{message_id}", text=text)
    session.commit()
    return True


def _escalate(session: Session, enquiry: WrittenEnquiry, at: datetime) -> None:
    config = load_written_config()
    enquiry.queue_id = config.queues["safeguarding"]["id"]
    enquiry.kind = enquiry.destination = "safeguarding"
    urgent = at + timedelta(hours=config.first_response_hours["safeguarding"])
    enquiry.first_response_due = urgent
    record_event(session=session, contact_key=enquiry.contact_key, kind=EventKind.ENQUEUED,
                 at=at, event_id=f"escalated:{at.isoformat()}",
                 detail={"queue": enquiry.queue_id, "safeguarding": True})


def record_reply(*, session: Session, enquiry_id: int, staff_id: str, message_id: str,
                 text: str, at: datetime, counts_as_response: bool = True) -> EnquiryMessage:
    """A reply: stored redacted and on the timeline; an adviser's stops the first-response clock."""
    enquiry = _get(session, enquiry_id)
    message = _message(enquiry_id, "out", message_id, text, at, staff_id=staff_id)
    session.add(message)
    if counts_as_response:
        enquiry.status = "answered"
        enquiry.first_responded_at = enquiry.first_responded_at or at
    record_event(session=session, contact_key=enquiry.contact_key, kind=EventKind.ADVISER_SAID,
                 at=at, event_id=f"out:{message_id}", text=text, detail={"staff": staff_id})
    session.commit()
    session.refresh(message)
    return message


def find_thread(*, session: Session, message_ids: list[str]) -> WrittenEnquiry | None:
    """The enquiry any of these Message-IDs belongs to (In-Reply-To and References), if any."""
    ids = [m for m in message_ids if m]
    if not ids:
        return None
    owner = session.scalars(select(EnquiryMessage.enquiry_id).where(
        EnquiryMessage.message_id.in_(ids))).first()
    if owner is None:
        return session.scalars(select(WrittenEnquiry).where(
            WrittenEnquiry.thread_id.in_(ids))).first()
    return _get(session, owner)


def list_queue(*, session: Session, queue_id: str, statuses: tuple[str, ...] = ("open",),
               limit: int = 100) -> list[WrittenEnquiry]:
    """A written queue, the soonest first-response deadline first."""
    return list(session.scalars(
        select(WrittenEnquiry).where(WrittenEnquiry.queue_id == queue_id,
                                     WrittenEnquiry.status.in_(statuses))
        .order_by(WrittenEnquiry.first_response_due, WrittenEnquiry.id).limit(limit)))


def queue_counts(*, session: Session, at: datetime) -> dict[str, dict[str, int]]:
    """Per written queue: open enquiries, and how many are past their first-response clock."""
    rows = session.execute(select(WrittenEnquiry.queue_id, WrittenEnquiry.first_response_due,
                                  WrittenEnquiry.first_responded_at)
                           .where(WrittenEnquiry.status == "open")).all()
    counts: dict[str, dict[str, int]] = {}
    for queue_id, due, responded in rows:
        entry = counts.setdefault(queue_id, {"open": 0, "overdue": 0})
        entry["open"] += 1
        if responded is None and due < at:
            entry["overdue"] += 1
    return counts


def get_enquiry(*, session: Session, enquiry_id: int) -> WrittenEnquiry | None:
    """One enquiry, or None."""
    return session.get(WrittenEnquiry, enquiry_id)


def messages(*, session: Session, enquiry_id: int) -> list[EnquiryMessage]:
    """The thread, oldest first."""
    return list(session.scalars(select(EnquiryMessage).where(
        EnquiryMessage.enquiry_id == enquiry_id).order_by(EnquiryMessage.at, EnquiryMessage.id)))


def close_enquiry(*, session: Session, enquiry_id: int, at: datetime) -> WrittenEnquiry:
    """The enquiry is finished; its contact's timeline ends."""
    enquiry = _get(session, enquiry_id)
    enquiry.status, enquiry.closed_at = "closed", at
    record_event(session=session, contact_key=enquiry.contact_key, kind=EventKind.ENDED, at=at)
    session.commit()
    session.refresh(enquiry)
    return enquiry


def _get(session: Session, enquiry_id: int) -> WrittenEnquiry:
    enquiry = session.get(WrittenEnquiry, enquiry_id)
    if enquiry is None:
        raise LookupError(f"no written enquiry {enquiry_id}")
    return enquiry


def _message(enquiry_id: int, direction: str, message_id: str, text: str, at: datetime, *,
             staff_id: str | None = None, attachments_dropped: int = 0) -> EnquiryMessage:
    return EnquiryMessage(enquiry_id=enquiry_id, direction=direction, message_id=message_id,
                          at=at, text=redact(text), staff_id=staff_id,
                          attachments_dropped=attachments_dropped)


def _stored_decision(decision) -> dict[str, Any]:
    """The decision as stored: without the offender priority group (001:20.3)."""
    return without_offender_facts(decision.to_dict() if hasattr(decision, "to_dict")
                                  else dict(decision))
