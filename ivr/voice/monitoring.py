"""A supervisor joins an adviser's live phone call, by conference: listen, coach or barge, and
leaves without ending it (engine.call_monitoring decides what each mode is).

1. `join`: the supervisor's own phone (their staff account's endpoint) is dialled into the call's
   conference (CreateParticipant, `Label` "supervisor", `EndConferenceOnExit` false so their
   leaving never ends the call, `Beep` false) already in its mode: `Muted` to listen;
   `Coaching` with `CallSidToCoach` the adviser's leg to coach; neither to barge.
2. Their leg's status callback (/voice/desk/monitor) marks them joined when they answer and
   forgets them when their phone is not answered or their call ends (hung up, or the call's
   conference ended with the customer's leaving).
3. `switch` changes the mode in place (UpdateParticipant `Muted`, `Coaching`, `CallSidToCoach`);
   `leave` removes them (DeleteParticipant): the customer and the adviser talk on.
"""

from __future__ import annotations

import logging

from flask import Response, request

from engine import call_monitoring
from engine.call_monitoring import load_monitoring, participant
from engine.desk_calls import Refused
from ivr import connections
from ivr.voice import bp
from ivr.voice.desk_actions import base_url, conference, connected, services
from ivr.voice.twilio_rest import TwilioError

log = logging.getLogger(__name__)
LABEL = "supervisor"
GONE = frozenset({"busy", "no-answer", "failed", "canceled", "completed"})


def _live(member: str, name: str) -> tuple[dict, str]:
    """The adviser's offer (their leg) and the conference's sid, or Refused: the call ended."""
    try:
        _state, offer = connected(member)
        return offer, conference(offer)
    except Refused:
        raise Refused(load_monitoring().say("call_ended", name=name)) from None


def _mine(member: str, supervisor_id: int, name: str) -> dict[str, str]:
    found = call_monitoring.monitor_state(services().redis, member)
    if found.get("supervisor") != str(supervisor_id) or not found.get("leg"):
        raise Refused(load_monitoring().say("not_joined", name=name))
    return found


class PhoneMonitoring:
    """The phone channel's side of engine.call_monitoring.CallMonitoring."""

    def __init__(self) -> None:
        load_monitoring()  # a broken config/monitoring.yaml stops the app before it serves

    def join(self, member: str, *, supervisor_id: int, adviser_id: int, endpoint: str,
             mode: str, name: str) -> dict:
        """Dial the supervisor's phone into the call's conference, in `mode`."""
        svc, words = services(), load_monitoring()
        offer, room = _live(member, name)
        settings = participant(mode, offer["leg"])
        holder = call_monitoring.claim(svc.redis, member, supervisor_id, mode=mode,
                                       step="dialling", conference=room,
                                       adviser_leg=offer["leg"], adviser=str(adviser_id))
        if holder:
            said = {str(supervisor_id): "already_joined", "elsewhere": "elsewhere"}
            raise Refused(words.say(said.get(holder, "other_supervisor"), name=name))
        try:
            leg = connections.get_twilio().add_participant(
                room, to=endpoint, from_=svc.config.national_number, label=LABEL,
                status_callback=f"{base_url()}/voice/desk/monitor?call={member}"
                                f"&supervisor={supervisor_id}",
                timeout_seconds=words.ring_seconds, end_conference_on_exit=False, **settings)
        except TwilioError as error:
            call_monitoring.release(svc.redis, member)
            log.warning("the supervisor's phone could not be dialled: Twilio %s", error.status)
            raise Refused(words.say("not_dialled")) from None
        # Its status callback may have come first (answered at once): it knows the leg then.
        call_monitoring.update(svc.redis, member, leg=leg["call_sid"])
        call_monitoring.update(svc.redis, member, while_step="dialling", step="ringing")
        return {"mode": mode, "step": "ringing"}

    def switch(self, member: str, *, supervisor_id: int, mode: str, name: str) -> dict:
        """Listen, coach or barge from now on, without leaving the call."""
        svc = services()
        found = _mine(member, supervisor_id, name)
        offer, room = _live(member, name)
        try:
            connections.get_twilio().update_participant(room, found["leg"],
                                                        **participant(mode, offer["leg"]))
        except TwilioError as error:
            log.warning("the supervisor's mode could not be changed: Twilio %s", error.status)
            raise Refused(load_monitoring().say("not_changed")) from None
        call_monitoring.update(svc.redis, member, mode=mode, adviser_leg=offer["leg"])
        return {"mode": mode, "step": found.get("step", "ringing")}

    def leave(self, member: str, *, supervisor_id: int, name: str) -> dict:
        """The supervisor's phone leaves the conference; the call goes on without them."""
        svc = services()
        found = _mine(member, supervisor_id, name)
        try:
            connections.get_twilio().remove_participant(found["conference"], found["leg"])
        except TwilioError as error:
            if error.status != 404:  # 404: already gone (hung up, or the call has ended)
                log.warning("the supervisor could not leave the call: Twilio %s", error.status)
                raise Refused(load_monitoring().say("not_changed")) from None
        call_monitoring.release(svc.redis, member, found["leg"])
        return {"mode": found.get("mode"), "left": True}


@bp.post("/desk/monitor")
def desk_monitor_status():
    """The supervisor's leg: answered → joined; not answered or ended → forgotten."""
    member, status = request.args.get("call", ""), request.form.get("CallStatus", "")
    svc = services()
    found = call_monitoring.monitor_state(svc.redis, member) if member else {}
    leg = request.form.get("CallSid", "")
    # Theirs: the leg stored, or (before join has stored it) the supervisor the URL names.
    if not found or found.get("leg", leg) != leg or \
            found.get("supervisor") != request.args.get("supervisor"):
        return Response(status=204)
    if status == "in-progress":
        call_monitoring.update(svc.redis, member, leg=leg, step="joined")
    elif status in GONE:
        call_monitoring.release(svc.redis, member, leg)
    return Response(status=204)
