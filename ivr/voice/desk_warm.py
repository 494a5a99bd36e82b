"""A warm transfer the adviser starts from the desk, by conference (001:5.3, 6.1).

1. `warm_transfer`: routing.plan must say warm for that contractor now (both open; Refused with
   a cold transfer offered otherwise). The caller is put on hold in the call's conference
   (UpdateParticipant `Hold`, with `HoldUrl` telling them why) and the contractor's internal
   number is dialled into the room (CreateParticipant, `Label` "contractor").
2. The contractor answers (the participant's status callback, /voice/desk/contractor): they hear
   the triage summary alone (UpdateParticipant `AnnounceUrl`, the whisper; 004:L1208), then the
   adviser introduces the customer.
3. `complete_warm`: the caller comes off hold; the adviser's leaving must not end the room
   (`EndConferenceOnExit` false on them, true on the contractor) and they are removed
   (DeleteParticipant): caller and contractor stay connected, the adviser wraps up.
   `cancel_warm` instead removes the contractor and takes the caller off hold.
No answer, busy or a failure is a failed warm transfer: the caller comes off hold and the adviser
may book a cold transfer. Every step is on the contact's timeline and in the figures
(transfer_attempted, transferred, transfer_failed with the contractor).
"""

from __future__ import annotations

import logging

from flask import Response, request

from engine import desk_calls
from engine.desk_calls import Refused, Taken
from engine.dispatch import notify_adviser
from engine.summary import summary_sentence
from ivr import connections
from ivr.voice import bp, twiml
from ivr.voice.desk_actions import PhoneDesk, _update, base_url, conference, connected, services
from ivr.voice.desk_colleague import colleague_transfer
from ivr.voice.timeline import Timeline
from ivr.voice.twilio_rest import TwilioError

log = logging.getLogger(__name__)
LABEL = "contractor"
NOT_ANSWERED = frozenset({"busy", "no-answer", "failed", "canceled", "completed"})


def _name(contractor_id: str) -> str:
    name = services().directory.contractors[contractor_id].name
    return name if name.lower().startswith("the ") else f"the {name}"


class PhoneCallActions(PhoneDesk):
    """Every desk action on a phone call (engine.desk_calls.CallActions)."""

    def warm_transfer(self, member: str, *, contractor_id: str, adviser_id: int) -> dict:
        """Hold the caller and dial the contractor into the room, if routing says warm."""
        svc = services()
        _state, offer = connected(member)
        route = desk_calls.contractor_route(contractor_id, svc.clock(), directory=svc.directory,
                                            closed=svc.closed_ids())
        if route.action != "warm_transfer":
            opens = f" It opens {route.opens_at:%A at %H:%M}." if route.opens_at else ""
            raise Refused(f"{_name(contractor_id)} is closed now, so a warm transfer cannot be "
                          f"made (001:6.1).{opens} Book a cold transfer instead: they will call "
                          "the customer back by their next working day.", offer_cold=True)
        room = conference(offer)
        taken = desk_calls.claim(svc.redis, member, "warm_transfer", contractor=contractor_id,
                                 adviser=str(adviser_id), step="dialling", conference=room)
        if taken:
            raise Taken(taken)
        hold_url = f"{base_url()}/voice/desk/hold?call={member}&contractor={contractor_id}"
        try:
            _update(room, member, hold=True, hold_url=hold_url)
            leg = connections.get_twilio().add_participant(
                room, to=svc.directory.contractors[contractor_id].transfer_number,
                from_=svc.config.national_number, label=LABEL,
                status_callback=f"{base_url()}/voice/desk/contractor?call={member}",
                timeout_seconds=svc.config.transfer_ring_seconds)
        except (Refused, TwilioError) as error:
            _off_hold(room, member)
            desk_calls.unclaim(svc.redis, member)
            raise Refused("the prime contractor could not be dialled: try again, or book a "
                          "cold transfer") from error
        desk_calls.update(svc.redis, member, leg=leg["call_sid"])
        Timeline(svc.engine, member).record(
            "transfer_attempted", event_id=f"desk_warm:{leg['call_sid']}",
            detail={"contractor": contractor_id, "by": "adviser", "adviser": adviser_id})
        return {"state": "dialling", "contractor": contractor_id}

    def colleague_transfer(self, member: str, *, colleague_id: int, adviser_id: int) -> dict:
        """Give the call to a named colleague who is Available now (ivr.voice.desk_colleague)."""
        return colleague_transfer(member, colleague_id=colleague_id, adviser_id=adviser_id)

    def complete_warm(self, member: str, *, adviser_id: int) -> dict:
        """The adviser leaves: caller and contractor stay connected."""
        svc = services()
        _state, offer = connected(member)
        desk = desk_calls.desk_state(svc.redis, member)
        if desk.get("action") != "warm_transfer" or desk.get("step") != "talking":
            raise Refused("the prime contractor has not answered yet")
        if not desk_calls.finish_once(svc.redis, member, "completed"):
            raise Taken("warm_transfer")
        room, contractor_id = desk["conference"], desk["contractor"]
        try:
            _update(room, LABEL, end_conference_on_exit=True)
            _update(room, member, hold=False)
            _update(room, offer["leg"], end_conference_on_exit=False)
            connections.get_twilio().remove_participant(room, offer["leg"])
        except (Refused, TwilioError) as error:
            desk_calls.update(svc.redis, member, finished="")
            raise Refused("the phone system did not let you leave the call: try again") \
                from error
        desk_calls.update(svc.redis, member, step="done")
        Timeline(svc.engine, member).record(
            "transferred", event_id="transferred",
            detail={"contractor": contractor_id, "by": "adviser", "adviser": adviser_id})
        return {"state": "transferred", "contractor": contractor_id}

    def cancel_warm(self, member: str, *, adviser_id: int) -> dict:
        """The contractor's leg is ended and the caller comes back to the adviser."""
        svc = services()
        connected(member)
        desk = desk_calls.desk_state(svc.redis, member)
        if desk.get("action") != "warm_transfer" or desk.get("step") == "done":
            raise Refused("there is no warm transfer under way")
        if not desk_calls.finish_once(svc.redis, member, "cancelled"):
            raise Taken("warm_transfer")
        _failed(member, desk, "called off by the adviser")
        if desk.get("leg"):
            try:
                connections.get_twilio().update_call(desk["leg"], status="completed")
            except TwilioError as error:
                log.warning("the contractor's leg could not be ended: Twilio %s", error.status)
        return {"state": "cancelled", "contractor": desk.get("contractor")}


def _off_hold(room: str, member: str) -> None:
    try:
        _update(room, member, hold=False)
    except Refused:
        log.warning("the caller could not be taken off hold")


def _failed(member: str, desk: dict, status: str) -> None:
    """The warm transfer did not happen: caller off hold, on the record, the adviser told."""
    svc = services()
    _off_hold(desk["conference"], member)
    desk_calls.unclaim(svc.redis, member)
    Timeline(svc.engine, member).record(
        "transfer_failed", event_id=f"desk_warm_failed:{desk.get('leg')}",
        detail={"contractor": desk.get("contractor"), "status": status, "by": "adviser"})
    if desk.get("adviser"):
        notify_adviser(int(desk["adviser"]), "transfer", member=member, step="failed",
                       status=status)


def caller_left(member: str) -> None:
    """The caller hung up while a warm transfer rang or was being introduced: the contractor's
    leg is ended too (a ringing participant would otherwise join an empty room)."""
    svc = services()
    desk = desk_calls.desk_state(svc.redis, member)
    if desk.get("action") != "warm_transfer" or desk.get("step") == "done":
        return
    if not desk_calls.finish_once(svc.redis, member, "customer hung up"):
        return
    if desk.get("leg"):
        try:
            connections.get_twilio().update_call(desk["leg"], status="completed")
        except TwilioError as error:
            log.warning("the contractor's leg could not be ended: Twilio %s", error.status)
    desk_calls.unclaim(svc.redis, member)
    Timeline(svc.engine, member).record(
        "transfer_failed", event_id=f"desk_warm_failed:{desk.get('leg')}",
        detail={"contractor": desk.get("contractor"), "status": "customer hung up",
                "by": "adviser"})


@bp.post("/desk/contractor")
def desk_contractor_status():
    """The contractor's leg: answered → the whisper and "talking"; not answered → failed."""
    member, status = request.args.get("call", ""), request.form.get("CallStatus", "")
    svc = services()
    desk = desk_calls.desk_state(svc.redis, member) if member else {}
    if not desk or desk.get("leg") != request.form.get("CallSid") or desk.get("finished"):
        return Response(status=204)
    if status == "in-progress" and desk.get("step") == "dialling":
        desk_calls.update(svc.redis, member, step="talking")
        try:
            _update(desk["conference"], LABEL,
                    announce_url=f"{base_url()}/voice/desk/whisper?call={member}")
        except Refused:
            log.warning("the contractor could not hear the summary")
        notify_adviser(int(desk["adviser"]), "transfer", member=member, step="answered")
    elif status in NOT_ANSWERED and desk_calls.finish_once(svc.redis, member, status):
        _failed(member, desk, status)
    return Response(status=204)


@bp.post("/desk/whisper")
def desk_whisper():
    """What the contractor alone hears on answering: the triage summary (the whisper)."""
    svc = services()
    member = request.args.get("call", "")
    state = svc.store.load(member) if member else None
    desk = desk_calls.desk_state(svc.redis, member) if member else {}
    if state is None or not desk.get("contractor"):
        return Response(twiml.say_only([], svc.config.speech), mimetype="text/xml")
    area = svc.directory.contractors[desk["contractor"]].name.removesuffix(" prime contractor")
    text = svc.config.prompt("desk_whisper",
                             summary=summary_sentence(state.facts, state.decision, area))
    return Response(twiml.say_only([text], svc.config.speech), mimetype="text/xml")


@bp.post("/desk/hold")
def desk_hold():
    """The caller's hold music: why they are holding (Say only, as hold TwiML allows)."""
    svc = services()
    contractor = request.args.get("contractor")
    if contractor in svc.directory.contractors:
        text = svc.config.prompt("desk_hold", contractor=_name(contractor))
    else:
        text = svc.config.prompt("desk_on_hold")
    return Response(twiml.say_only([text], svc.config.speech), mimetype="text/xml")
