"""The messaging webhooks, each signed by Twilio (X-Twilio-Signature, as the voice ones) or 403.

- `POST /messaging/status/<callback id>/<purpose>`: a text's status callback. Twilio posts
  `MessageSid` and `MessageStatus` (`sent`, `delivered`, `undelivered`, `failed`; `ErrorCode`
  when it failed): "Outbound Message Status in Status Callbacks",
  https://www.twilio.com/docs/messaging/guides/track-outbound-message-status; the statuses are
  twilio-oai's `message_enum_status` (spec/json/twilio_api_v2010.json).
- `POST /messaging/information/<confirmation id>/status`: the same for a text confirming the
  information given (ivr/messaging/confirmations.py); undelivered or failed is tried again.
- `POST /messaging/inbound`: the service number's "a message comes in" webhook (`From`, `To`,
  `Body`, `MessageSid`: https://www.twilio.com/docs/messaging/guides/webhook-request). A whole
  reply of an opt-out keyword records the number's keyed hash and no text goes to it again; an
  opt-in keyword takes it off (config/messages.yaml). Twilio answers STOP itself on a long code,
  so the answer here is an empty TwiML <Response>.
Malformed requests answer 400 with the reason in plain text; nothing they carry is logged.
"""

from __future__ import annotations

import logging
import re

import sqlalchemy as sa
from flask import Response, current_app, request

from config import clock
from ivr.connections import get_engine
from ivr.messaging import bp, confirmations
from ivr.messaging.config import get_messages_config
from ivr.messaging.sender import PURPOSES, record
from ivr.voice import signature
from models.callbacks import OPEN_STATUSES, Callback
from models.contacts import EventKind
from models.db import session_scope
from models.opt_outs import opt_in, opt_out

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SID = re.compile(r"^(SM|MM)[0-9a-fA-F]{32}$")
# Statuses that say where a text is; the others (queued, sending, accepted, …) change nothing.
KINDS = {"sent": EventKind.MESSAGE_SENT, "delivered": EventKind.MESSAGE_DELIVERED,
         "undelivered": EventKind.MESSAGE_FAILED, "failed": EventKind.MESSAGE_FAILED}
KNOWN_STATUSES = frozenset({"accepted", "scheduled", "canceled", "queued", "sending", "sent",
                            "failed", "delivered", "undelivered", "receiving", "received",
                            "read", "partially_delivered"})
log = logging.getLogger("ivr.messaging")
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


@bp.before_request
def _check_signature() -> None:
    settings = current_app.config["SETTINGS"]
    signature.check(request, current_app.extensions["messaging_validator"], settings)


def _bad(reason: str) -> Response:
    return Response(reason, status=400, mimetype="text/plain")


def _status_form() -> tuple[str, str, str] | Response:
    """(MessageSid, MessageStatus, ErrorCode) of a status callback, or the 400 saying why not."""
    sid, status = request.form.get("MessageSid", ""), request.form.get("MessageStatus", "")
    if not SID.match(sid):
        return _bad("MessageSid is missing or not a message sid")
    if status not in KNOWN_STATUSES:
        return _bad("MessageStatus is missing or unknown")
    error_code = request.form.get("ErrorCode", "")
    if error_code and not error_code.isdigit():
        return _bad("ErrorCode must be a number")
    return sid, status, error_code


@bp.post("/information/<int:confirmation_id>/status")
def information_status(confirmation_id: int) -> Response:
    """A confirmation text's progress on its contact's timeline; a failure is tried again."""
    form = _status_form()
    if isinstance(form, Response):
        return form
    sid, status, error_code = form
    if status in KINDS:
        confirmations.reported(confirmation_id, sid, status, error_code or None, clock.now())
    return Response(status=204)


@bp.post("/survey/<int:invitation_id>/status")
def survey_status(invitation_id: int) -> Response:
    """A 31-day survey text's progress: logged only (the invitation is not tried again once
    Twilio took it; the link waits in the customer's messages)."""
    form = _status_form()
    if isinstance(form, Response):
        return form
    _, status, error_code = form
    if status in ("failed", "undelivered"):
        log.warning("31-day survey text %s %s %s", invitation_id, status, error_code)
    return Response(status=204)


@bp.post("/status/<int:callback_id>/<purpose>")
def message_status(callback_id: int, purpose: str) -> Response:
    """A text's progress on its callback's contact's timeline (once per status)."""
    if purpose not in PURPOSES:
        return _bad(f"purpose must be one of {', '.join(PURPOSES)}")
    form = _status_form()
    if isinstance(form, Response):
        return form
    sid, status, error_code = form
    kind = KINDS.get(status)
    if kind is not None:
        with session_scope(get_engine()) as session:
            key = session.scalar(sa.select(Callback.contact_key).where(Callback.id == callback_id))
        if key is not None:  # an erased contact's callback has gone: nothing to record
            record(callback_id, key, kind, f"{purpose}-{status}", clock.now(), purpose=purpose,
                   channel="sms", sid=sid, status=status, error_code=error_code or None)
    return Response(status=204)


@bp.post("/inbound")
def inbound() -> Response:
    """A customer's reply: STOP (and the other opt-out keywords) or START; the rest is ignored."""
    number, body = request.form.get("From", ""), request.form.get("Body")
    if not E164.match(number):
        return _bad("From is missing or not an E.164 number")
    if body is None:
        return _bad("Body is missing")
    if len(body) > 1600:
        return _bad("Body is longer than 1600 characters")
    keyword = get_messages_config().keyword(body)
    if keyword is not None:
        _change(number, keyword)
    return Response(EMPTY_TWIML, mimetype="text/xml")


def _change(number: str, keyword: str) -> None:
    key, now = current_app.config["SETTINGS"].effective_secret_key, clock.now()
    with session_scope(get_engine()) as session:
        changed = (opt_out(session=session, number=number, key=key, at=now)
                   if keyword == "opt_out" else opt_in(session=session, number=number, key=key))
        # The customer's open callbacks on this number say so on their timelines.
        waiting = session.execute(sa.select(Callback.id, Callback.contact_key).where(
            Callback.phone == number, Callback.status.in_(OPEN_STATUSES))).all()
    if not changed:
        return
    kind = EventKind.TEXTS_OPTED_OUT if keyword == "opt_out" else EventKind.TEXTS_OPTED_IN
    stamp = int(now.timestamp())
    for callback_id, contact_key in waiting:
        record(callback_id, contact_key, kind, f"{keyword}-{stamp}", now, channel="sms")
    confirmations.note_opt_change(number, kind, f"{keyword}-{stamp}", now)
