"""Click-to-call: ring the adviser's own phone, then dial the customer from the service's number.

`start_call()` (called by the staff console) asks Twilio, through the one REST client, to ring the
adviser's endpoint; when they answer, their leg fetches `/voice/click-to-call/adviser`, whose
TwiML dials the customer with answering-machine detection and status callbacks. The outcome of
the try comes only from Twilio's callbacks below (routing.callback_dials decides what each means).
Each webhook is signature-checked by the voice blueprint like every other; a URL names its call
by an unguessable token, never by the customer's number.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, current_app, request

from config import clock as dev_clock
from ivr import connections  # module import: connections imports this package
from ivr.voice import bp, signature, twiml
from ivr.voice.twilio_rest import TwilioError
from models import relay_uk
from models.callbacks import CallbackDial
from models.db import session_scope
from routing import callback_dials as dials
from routing import callback_live
from routing.callback_config import CallbackRules, load_rules

log = logging.getLogger(__name__)
PREFIX = "/click-to-call"


class CallNotStarted(RuntimeError):
    """Twilio would not ring the adviser; no attempt was used."""


def rules() -> CallbackRules:
    """The callback rules for this app (tests may pass callback_rules= to create_app)."""
    return current_app.extensions.get("callback_rules") or load_rules()


def clock() -> datetime:
    """The current time (tests may pass callback_clock= to create_app)."""
    now = current_app.extensions.get("callback_clock")
    return now() if now else dev_clock.now()


def start_call(*, callback_id: int, staff_id: str, endpoint: str) -> CallbackDial:
    """Ring the adviser at `endpoint` (a UK number or client:NAME) for a callback they hold."""
    now, the_rules = clock(), rules()
    with session_scope(connections.get_engine()) as session:
        dial = dials.start_dial(session=session, callback_id=callback_id, staff_id=staff_id,
                                rules=the_rules, now=now)
    service_number = current_app.extensions["voice"].config.national_number
    try:
        call = connections.get_twilio().create_call(
            to=endpoint, from_=service_number, url=_url("adviser", dial),
            status_callback=_url("adviser-status", dial),
            timeout_seconds=the_rules.adviser_ring_seconds)
    except TwilioError as error:
        log.error("click-to-call could not ring the adviser: Twilio %s", error.status)
        with session_scope(connections.get_engine()) as session:
            dials.abandon_dial(session=session, dial_id=dial.id, now=clock(),
                               why=f"twilio {error.status}")
        raise CallNotStarted("the adviser's phone could not be rung") from None
    with session_scope(connections.get_engine()) as session:
        stored = session.get(CallbackDial, dial.id)
        stored.adviser_call_sid = stored.adviser_call_sid or str(call.get("sid") or "")[:64]
        session.add(stored)
    _publish(dial.callback_id, "dialling")
    return dial


@bp.post(f"{PREFIX}/adviser")
def adviser_leg():
    """The adviser answered their phone: dial the customer (or say why not, and hang up)."""
    speech = current_app.extensions["voice"].config.speech
    dial = _dial_named()
    if dial is None:
        return _xml(twiml.hangup([_prompt("click_to_call_gone")], speech))
    with session_scope(connections.get_engine()) as session:
        answered = dials.adviser_answered(session=session, dial_id=dial.id,
                                          call_sid=request.form.get("CallSid"), now=clock())
    if answered is None:
        return _xml(twiml.hangup([_prompt("click_to_call_gone")], speech))
    dial, callback = answered
    the_rules = rules()
    _publish(callback.id, "dialling_customer")
    return _xml(twiml.dial_customer(
        [_prompt("click_to_call_connecting", number=callback.id)],
        relay_uk.dial_string(callback.phone, the_rules.relay_uk_dial_prefix),
        caller_id=current_app.extensions["voice"].config.national_number,
        action=_url("done", dial), status_callback=_url("customer-status", dial),
        amd_status_callback=_url("amd", dial), machine_detection=the_rules.machine_detection,
        ring_seconds=the_rules.customer_ring_seconds, speech=speech))


@bp.post(f"{PREFIX}/adviser-status")
def click_to_call_adviser_status():
    """Status callbacks of the adviser's leg (not answered, busy, hung up)."""
    return _update(lambda session, dial: dials.adviser_leg_status(
        session=session, dial_id=dial.id, call_status=request.form.get("CallStatus", ""),
        now=clock(), rules=rules()))


@bp.post(f"{PREFIX}/customer-status")
def customer_status():
    """Status callbacks of the customer's leg (`<Number statusCallback>`); with machine
    detection on, they may carry `AnsweredBy` too, which counts like the AMD callback."""
    answered_by = request.form.get("AnsweredBy", "")

    def change(session, dial):
        if answered_by:
            dials.machine_detected(session=session, dial_id=dial.id, answered_by=answered_by,
                                   now=clock(), rules=rules())
        dials.customer_leg_status(
            session=session, dial_id=dial.id, call_status=request.form.get("CallStatus", ""),
            call_sid=request.form.get("CallSid"), now=clock(), rules=rules())

    return _update(change)


@bp.post(f"{PREFIX}/amd")
def amd_status():
    """Answering-machine detection on the customer's leg (`AnsweredBy`)."""
    answered_by = request.form.get("AnsweredBy", "")
    if not answered_by:
        return Response(status=204)
    return _update(lambda session, dial: dials.machine_detected(
        session=session, dial_id=dial.id, answered_by=answered_by, now=clock(), rules=rules()))


@bp.post(f"{PREFIX}/done")
def dial_done():
    """The `<Dial action>` on the adviser's leg: DialCallStatus; then tell the adviser and end."""
    status = request.form.get("DialCallStatus", "")
    if status:
        _update(lambda session, dial: dials.dial_action(
            session=session, dial_id=dial.id, dial_call_status=status, now=clock(),
            rules=rules()))
    speech = current_app.extensions["voice"].config.speech
    return _xml(twiml.hangup([_prompt("click_to_call_ended")], speech))


def _update(change) -> Response:
    """Apply one of Twilio's callbacks to the dial its URL names; Twilio ignores the body."""
    dial = _dial_named()
    if dial is None:
        return Response(status=204)
    try:
        with session_scope(connections.get_engine()) as session:
            change(session, dial)
    except Exception as error:  # Twilio retries nothing useful from a 500: log what, not who
        log.error("click-to-call callback %s failed: %s", request.path, type(error).__name__)
        return Response(status=204)
    _publish(dial.callback_id, "call_update")
    return Response(status=204)


def _dial_named() -> CallbackDial | None:
    token = request.args.get("dial", "")
    if not token or len(token) > 32:
        return None
    with session_scope(connections.get_engine()) as session:
        return dials.dial_by_token(session=session, token=token)


def _url(name: str, dial: CallbackDial) -> str:
    base = signature.public_base(request, current_app.config["SETTINGS"])
    return f"{base}/voice{PREFIX}/{name}?{urlencode({'dial': dial.token})}"


def _prompt(name: str, **values) -> str:
    return current_app.extensions["voice"].config.prompt(name, **values)


def _publish(callback_id: int, kind: str) -> None:
    try:
        with session_scope(connections.get_engine()) as session:
            callback_live.publish_id(connections.get_redis(), session, callback_id, kind)
    except Exception as error:  # a live page missing one update must not fail the call
        log.warning("callback update not published: %s", type(error).__name__)


def _xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")
