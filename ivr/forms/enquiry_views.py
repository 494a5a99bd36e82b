"""The enquiry form at `/enquiry`: the facts the assistant would ask for, each optional, and words.

Posted as a plain HTML form (no JavaScript needed); errors are listed at the top and tied to their
fields. The reply goes to the email address given, so that field and the message are required.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from flask import current_app, render_template, request
from sqlmodel import Session, select

from engine.when import when
from ivr.chat.ratelimit import RateLimiter
from ivr.connections import get_engine, get_redis
from ivr.forms import bp
from ivr.forms.config import get_forms_config
from ivr.forms.enquiry import facts_from_form, receive
from ivr.forms.views import _address, _now
from ivr.messaging.sender import confirm
from models.callbacks import Callback
from routing.plan import default_directory

log = logging.getLogger("ivr.forms")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
FIELDS = ("age", "postcode", "need", "message", "email")


@bp.get("/enquiry")
def enquiry_page():
    """The empty form."""
    return _form({}, {}, 200)


@bp.post("/enquiry")
def enquiry_submit():
    """Triage and store the enquiry, or show the form again with its errors; nothing half-kept."""
    config, now = get_forms_config(), _now()
    values = {name: request.form.get(name, "") for name in FIELDS}
    if request.form.get("website"):
        return render_template("forms/enquiry_done.html", enquiry=None, due=None), 200
    facts, errors = facts_from_form(values)
    message = values["message"].strip()
    if not message:
        errors["message"] = "Tell us what you would like to know."
    elif len(message) > config.enquiry_max_text_chars:
        errors["message"] = f"Keep this to {config.enquiry_max_text_chars} characters or fewer."
    email = values["email"].strip()
    if not _EMAIL.match(email) or len(email) > 254:
        errors["email"] = "Enter the email address we should reply to, like name@example.com."
    if errors:
        return _form(values, errors, 400)
    limiter = RateLimiter(get_redis(), clock=lambda: now.timestamp())
    wait = limiter.check("enquiry-address", _address(), config.enquiry_per_address)
    if wait:
        return _form(values, {"form": config.text("too_many")}, 429)
    directory = current_app.extensions.get("directory") or default_directory()
    with Session(get_engine()) as session:
        received = receive(session=session, facts=facts, text=message, reply_to=email,
                           channel="webform", at=now, directory=directory,
                           redis_client=get_redis(), confirm_by_email=True)
        enquiry_id = received.enquiry.id
        due = received.enquiry.first_response_due
        callback_id = session.scalar(select(Callback.id).where(
            Callback.contact_key == received.enquiry.contact_key))
    if callback_id is not None:
        _confirm(callback_id, now)
    return render_template("forms/enquiry_done.html", config=config, enquiry_id=enquiry_id,
                           due=_when(due, now), urgent=received.route.kind == "safeguarding"), 201


def _confirm(callback_id: int, now: datetime) -> None:
    try:  # the callback is confirmed in writing at once (000:L21); the enquiry stands regardless
        confirm(callback_id, now)
    except Exception as error:  # noqa: BLE001 - a lost e-mail must not lose the enquiry
        log.error("callback %s confirmation failed: %s", callback_id, type(error).__name__)


def _form(values: dict[str, str], errors: dict[str, str], status: int):
    body = render_template("forms/enquiry.html", config=get_forms_config(), values=values,
                           errors=errors)
    return current_app.response_class(body, status=status, mimetype="text/html")


def _when(due: datetime, now: datetime) -> str:
    directory = current_app.extensions.get("directory") or default_directory()
    return when(due, now, directory.timezone)
