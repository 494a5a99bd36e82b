"""The enquiry form's engine: the customer's facts and words → safeguarding screen → triage → queue.

The same path every channel takes: the text is screened for safeguarding first (a concern goes
to the urgent written queue whatever else was said, 003:L211), then triage decides with channel
`webform` (adults asking for advice in writing get it from the contact centre, 001:5.3), and the
enquiry waits in the written queue for its destination. A face-to-face request made in writing
is a cold transfer (001:5.6): the prime contractor also gets an email callback.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from engine import promises
from engine.summary import stored_summary
from ivr import safeguarding
from models.enquiries import WrittenEnquiry
from routing.callbacks import create_callback
from routing.directory import Directory
from routing.written import WrittenRoute, create_enquiry, route_written
from triage.postcodes import normalise as normal_postcode

NEEDS = {"information": "information", "advice": "advice", "face_to_face": "face_to_face",
         "complaint": "complaint", "feedback": "feedback"}
SERVICE_DOMAIN = "careers.localhost"


@dataclass(frozen=True)
class Received:
    """A stored enquiry and the route it took."""

    enquiry: WrittenEnquiry
    route: WrittenRoute


def facts_from_form(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """(facts, errors) from the form's optional age, postcode and need fields."""
    facts: dict[str, Any] = {}
    errors: dict[str, str] = {}
    age = (form.get("age") or "").strip()
    if age:
        if not age.isdigit() or not 1 <= int(age) <= 120:
            errors["age"] = "Enter your age as a number, like 16 or 45, or leave it empty."
        else:
            facts["age"] = int(age)
    postcode = (form.get("postcode") or "").strip()
    if postcode:
        normal = normal_postcode(postcode)
        if normal is None:
            errors["postcode"] = "Enter a full UK postcode, like M1 1AE, or leave it empty."
        else:
            facts["postcode"] = normal
    need = (form.get("need") or "").strip()
    if need and need != "not_sure":
        if need not in NEEDS:
            errors["need"] = "Choose one of the options, or leave it empty."
        else:
            facts["need"] = NEEDS[need]
    return facts, errors


def receive(*, session: Session, facts: dict[str, Any], text: str, reply_to: str | None,
            channel: str, at: datetime, directory: Directory, message_id: str | None = None,
            thread_id: str | None = None, subject: str = "", attachments_dropped: int = 0,
            contact_key: str | None = None, redis_client=None,
            confirm_by_email: bool = False) -> Received:
    """Screen, triage and store one new written enquiry; committed before it returns.

    A concern raises the supervisors' alert on `redis_client` (the same alert as the phone and
    chat raise) and sends the enquiry to the urgent written queue. `confirm_by_email`: the
    callback a cold transfer makes is confirmed and reminded by e-mail to `reply_to`
    (ivr/messaging) — for an address the customer typed, or a mail that may be answered.
    """
    concern = safeguarding.check(text) or safeguarding.check(subject)
    if concern is not None:
        facts = {**facts, "safeguarding_concern": True}
    route = route_written(facts=facts, channel=channel, at=at, directory=directory)
    key = contact_key or f"{channel}-{uuid.uuid4().hex}"
    if concern is not None and redis_client is not None:
        safeguarding.alert(redis_client, contact=key, channel=channel, concern=concern,
                           where="enquiry", at=at)
    message_id = message_id or f"<{key}@{SERVICE_DOMAIN}>"
    enquiry = create_enquiry(session=session, route=route, contact_key=key, text=text,
                             message_id=message_id, received_at=at, reply_to=reply_to,
                             thread_id=thread_id or message_id, subject=subject,
                             attachments_dropped=attachments_dropped)
    if route.action == "cold_transfer" and route.contractor and reply_to:
        contractor = directory.contractors[route.contractor]
        due = promises.next_period(contractor, at)
        create_callback(session=session, contact_key=key, due=due, email=reply_to,
                        reason=f"{channel}: face-to-face request", source="cold_transfer",
                        contractor_id=route.contractor, now=at,
                        notify="email" if confirm_by_email else None,
                        summary=stored_summary(channel=channel, facts=route.facts,
                                               decision=route.decision, enquiry_id=enquiry.id))
    return Received(enquiry=enquiry, route=route)
