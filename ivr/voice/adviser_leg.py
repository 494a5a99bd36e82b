"""Answering a queued call: ring the adviser the dispatcher chose, whisper, bridge to THAT caller.

1. `ring` (from engine.dispatch): the Twilio REST client calls the adviser's endpoint.
2. The adviser answers: /voice/adviser/answer whispers one line ("young person, 16, advice,
   waited 2 minutes") and asks for 1 to accept.
3. 1: the caller is taken out of the Twilio queue by the Queue Members resource
   (`dequeue_member(queue_sid, CallSid, url=…/connect)`) and both legs join the contact's
   conference room; the screen pop is already on the adviser's console.
4. Any other key, no key, no answer, busy or a failed call: the adviser goes Away and the caller
   keeps their place by time waited (the dispatcher puts them back where they were).
When either side hangs up after the bridge, the adviser goes into wrap-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, current_app, request

from engine.dispatch import (
    console_config,
    dispatch_after,
    end_contact,
    get_dispatcher,
    notify_adviser,
    room_name,
)
from ivr import connections
from ivr.voice import bp, desk_warm, twiml
from ivr.voice.call import Services
from ivr.voice.spoken import minutes
from ivr.voice.state import ENDED, CallState
from ivr.voice.timeline import Timeline
from ivr.voice.twilio_rest import TwilioError
from models import keys
from routing.dispatcher import Assignment

log = logging.getLogger(__name__)
FAILED = frozenset({"busy", "no-answer", "failed", "canceled"})
NEED_WORDS = {"information": "information", "advice": "advice", "face_to_face": "face to face",
              "complaint": "complaint", "feedback": "feedback"}


def _services() -> Services:
    return current_app.extensions["voice"]


def _base() -> str:
    return current_app.config["SETTINGS"].effective_public_base_url


def whisper_line(state: CallState, waited_seconds: float) -> str:
    """One line for the adviser: "young person, 16, advice, waited 2 minutes"."""
    facts, decision = state.facts, state.decision or {}
    age = facts.get("age")
    young = decision.get("destination") == "young_people_service" or (
        isinstance(age, int) and 13 <= age <= 18 and not facts.get("jobcentre_plus_claimant"))
    parts = ["young person" if young else "adult"]
    if isinstance(age, int):
        parts.append(str(age))
    if facts.get("need") or not young:
        # A young person's every need goes to the same team, so they are not asked it (001:5.2).
        parts.append(NEED_WORDS.get(facts.get("need"), "need not given"))
    if decision.get("destination") == "safeguarding" or (state.plan or {}).get(
            "queue") == "safeguarding":
        parts.insert(0, "urgent, safeguarding")
    if facts.get("language"):
        parts.append(f"speaks {facts['language']}")
    parts.append(f"waited {minutes(waited_seconds)}")
    return ", ".join(parts)


def ring(assignment: Assignment) -> None:
    """Call the adviser's endpoint for the caller `assignment.member` (under the call's lock)."""
    svc, dispatcher = _services(), get_dispatcher()
    member = assignment.member
    redis_client = current_app.extensions["redis"]
    endpoint = redis_client.hget(keys.key(keys.ADVISER, user_id=assignment.adviser_id),
                                 "endpoint")
    token, state = svc.store.claim(member)
    reason = None
    try:
        if state is None or state.phase == ENDED:
            dispatcher.finish(member, wrap_up_seconds=0)
            return
        if not endpoint:
            reason = "no phone endpoint"
            return
        offer = {"id": assignment.adviser_id, "room": room_name(), "queue": assignment.queue_id,
                 "joined": assignment.joined_at, "accepted": False}
        try:
            leg = connections.get_twilio().create_call(
                to=endpoint, from_=svc.config.national_number,
                url=f"{_base()}/voice/adviser/answer?call={member}",
                status_callback=f"{_base()}/voice/adviser/status?call={member}",
                timeout_seconds=console_config().ring_seconds)
        except TwilioError as error:
            log.warning("ringing an adviser failed: Twilio %s", error.status)
            reason = "phone unreachable"
            return
        state.plan = {**(state.plan or {}), "adviser": {**offer, "leg": leg.get("sid")}}
        Timeline(svc.engine, member).record("offered", event_id=f"offered:{leg.get('sid')}",
                                            detail={"queue": assignment.queue_id,
                                                    "adviser": assignment.adviser_id})
    finally:
        svc.store.release(member, token, state)
        if reason:
            _declined(assignment.adviser_id, member, reason)
    notify_adviser(assignment.adviser_id, "contact", member=member, channel="call",
                   queue=assignment.queue_id)


def _declined(adviser_id: int, member: str, reason: str) -> None:
    get_dispatcher().decline(member, reason=reason)
    notify_adviser(adviser_id, "declined", member=member, reason=reason)


def _on_call(handler: Callable[[CallState, dict], str]) -> Response:
    """Run `handler` on the caller's state (`?call=`), under its lock, keeping its last TwiML."""
    svc = _services()
    member = request.args.get("call", "")
    speech = svc.config.speech
    if not member:
        return Response(twiml.hangup([], speech), mimetype="text/xml")
    token, state = svc.store.claim(member)
    try:
        offer = (state.plan or {}).get("adviser") if state else None
        if state is None or offer is None or state.phase == ENDED:
            body = twiml.hangup(["The customer is no longer waiting."], speech)
        else:
            body = handler(state, offer)
    except Exception as error:  # the adviser hears an apology, never silence
        log.error("adviser leg %s failed: %s", request.path, type(error).__name__, exc_info=error)
        body = twiml.hangup(["Sorry, something went wrong with this call."], speech)
    finally:
        svc.store.release(member, token, state)
    return Response(body, mimetype="text/xml")


@bp.post("/adviser/answer")
def adviser_answer():
    """The adviser picked up: the whisper, then 1 to accept."""

    def whisper(state: CallState, offer: dict) -> str:
        svc = _services()
        waited = get_dispatcher().clock() - float(offer["joined"])
        text = f"{whisper_line(state, waited)}. Press 1 to accept the call."
        return twiml.whisper(text, action=f"{_base()}/voice/adviser/accept?call={state.call_sid}",
                             accept_seconds=console_config().accept_seconds,
                             declined="The customer keeps their place in the queue.",
                             speech=svc.config.speech)

    return _on_call(whisper)


@bp.post("/adviser/accept")
def adviser_accept():
    """1 bridges the adviser to this caller; any other key declines."""
    outcome: dict = {}

    def accept(state: CallState, offer: dict) -> str:
        svc = _services()
        if request.form.get("Digits") != "1" or offer.get("accepted"):
            outcome["declined"] = offer["id"]
            return twiml.hangup(["Declined. The customer keeps their place in the queue."],
                                svc.config.speech)
        twilio = connections.get_twilio()
        queue_sid = twilio.queue_sid(offer["queue"])
        try:
            if queue_sid is None:
                raise TwilioError(404, None, "queue not found")
            twilio.dequeue_member(queue_sid, state.call_sid,
                                  url=f"{_base()}/voice/adviser/connect?call={state.call_sid}")
        except TwilioError:
            outcome["gone"] = offer["id"]
            return twiml.hangup(["Sorry, the customer has just left the queue."],
                                svc.config.speech)
        offer["accepted"] = True
        get_dispatcher().take(state.call_sid)  # the desk stops ringing; handle time starts
        state.outcome = "answered"
        waited = get_dispatcher().clock() - float(offer["joined"])
        Timeline(svc.engine, state.call_sid).record("answered", event_id="answered", detail={
            "where": "queue", "queue": offer["queue"], "queue_time": round(waited),
            "result": "bridged", "adviser": offer["id"]})
        return twiml.conference([], offer["room"], speech=svc.config.speech)

    response = _on_call(accept)
    member = request.args.get("call", "")
    if "declined" in outcome:
        _declined(outcome["declined"], member, "declined")
        return dispatch_after(response)
    if "gone" in outcome:
        get_dispatcher().finish(member, wrap_up_seconds=0)
        notify_adviser(outcome["gone"], "gone", member=member)
    return response


@bp.post("/adviser/connect")
def adviser_connect():
    """On the caller's leg, out of the queue: into the room where the adviser is waiting."""

    def connect(state: CallState, offer: dict) -> str:
        return connect_twiml(state, offer)

    return _on_call(connect)


def connect_twiml(state: CallState, offer: dict) -> str:
    """The caller's TwiML to join the adviser (also the Enqueue action's answer once bridged).

    When the adviser leaves, the caller is still on the line: the Dial's action
    (/voice/survey/after) may offer the satisfaction survey before the call ends.
    """
    svc = _services()
    return twiml.conference(["You are now through to an adviser."], offer["room"],
                            speech=svc.config.speech, action=f"{_base()}/voice/survey/after")


@bp.post("/adviser/status")
def adviser_status():
    """Status callbacks of the adviser's leg: no answer → Away; the end of a call → wrap-up."""
    member, status = request.args.get("call", ""), request.form.get("CallStatus", "")
    dispatcher = get_dispatcher()
    held = dispatcher.assignment(member) if member else None
    if held is None or status not in FAILED | {"completed"}:
        return Response(status=204)
    state = _services().store.load(member)
    offer = (state.plan or {}).get("adviser", {}) if state else {}
    leg = request.form.get("CallSid")
    if offer.get("leg") and leg and leg != offer["leg"]:
        return Response(status=204)  # a leg of an earlier offer
    response = Response(status=204)
    if offer.get("accepted"):
        end_contact(member)
        return response
    _declined(held.adviser_id, member, "no answer" if status != "completed" else "declined")
    return dispatch_after(response)


def add_interpreter(member: str, interpreters: dict[str, str]) -> dict | str:
    """Ring the interpreter for the caller's language into the contact's room (000:L47).

    Returns {"language", "leg"}, or a reason it cannot be done.
    """
    svc = _services()
    state = svc.store.load(member)
    offer = ((state.plan or {}).get("adviser") or {}) if state else {}
    if not offer.get("accepted"):
        return "the call is not connected yet"
    language = state.facts.get("language")
    numbers = {k.lower(): v for k, v in interpreters.items()}
    if not language or language.lower() not in numbers:
        return "no interpreter is configured for this customer's language"
    try:
        leg = connections.get_twilio().create_call(
            to=numbers[language.lower()], from_=svc.config.national_number,
            url=f"{_base()}/voice/adviser/interpreter?call={member}",
            timeout_seconds=console_config().ring_seconds)
    except TwilioError as error:
        return f"the interpreter could not be called (Twilio {error.status})"
    Timeline(svc.engine, member).record("interpreter_added",
                                        event_id=f"interpreter:{leg.get('sid')}",
                                        detail={"language": language})
    return {"language": language, "leg": leg.get("sid")}


@bp.post("/adviser/interpreter")
def adviser_interpreter():
    """The interpreter answered: into the room; their leaving does not end the call."""

    def join(state: CallState, offer: dict) -> str:
        return twiml.conference(["You are joining a National Careers Service advice call as the "
                                 "interpreter."], offer["room"], speech=_services().config.speech,
                                end_on_exit=False)

    return _on_call(join)


def caller_gone(call_sid: str) -> None:
    """The caller's call has ended: out of the queue, and their adviser (if any) into wrap-up."""
    dispatcher = get_dispatcher()
    dispatcher.leave_all(call_sid)
    desk_warm.caller_left(call_sid)  # a warm transfer the adviser started: its leg ends too
    held = dispatcher.assignment(call_sid)
    offer = _offer_of(call_sid)
    if held is not None and not offer.get("accepted"):
        # Hung up while the adviser's phone rang: free the adviser (no wrap-up), then stop the
        # ringing; freed first, so the cancelled leg's status callback finds nothing held and
        # does not send them Away as if they had not answered.
        dispatcher.finish(call_sid, wrap_up_seconds=0)
        _cancel_leg(offer.get("leg"))
        notify_adviser(held.adviser_id, "gone", member=call_sid)
    elif held is not None:
        end_contact(call_sid)


def decline_from_desk(member: str) -> bool:
    """The adviser declined on the desk a call still ringing: the caller keeps their place, the
    adviser goes Away, and their phone stops ringing. False once the call is accepted."""
    held = get_dispatcher().assignment(member)
    offer = _offer_of(member)
    if held is None or offer.get("accepted"):
        return False
    _declined(held.adviser_id, member, "declined")  # first, so the cancelled leg finds nothing
    _cancel_leg(offer.get("leg"))
    return True


def _offer_of(call_sid: str) -> dict:
    state = _services().store.load(call_sid)
    return ((state.plan or {}).get("adviser") or {}) if state else {}


def _cancel_leg(leg_sid: str | None) -> None:
    if not leg_sid or leg_sid == "pending":  # a desk transfer's next adviser not yet rung
        return
    try:
        connections.get_twilio().update_call(leg_sid, status="canceled")
    except TwilioError as error:
        log.warning("could not cancel the adviser's ringing leg: Twilio %s", error.status)

