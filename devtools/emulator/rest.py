"""Twilio's REST API for Calls, Queues, Queue Members, Conferences and Participants, under
/2010-04-01/Accounts/{sid}/.

Form-encoded requests, HTTP basic auth with the account SID and auth token, Twilio's JSON shapes
and error bodies {"code", "message", "more_info", "status"}
(https://www.twilio.com/docs/usage/twilios-response#response-formats-exceptions).
"""

from __future__ import annotations

import re
import threading
from xml.sax.saxutils import escape

from flask import Blueprint, Response, current_app, jsonify, request

from devtools.emulator.events import send
from devtools.emulator.model import (
    API_VERSION,
    LARGEST_MAX_SIZE,
    Account,
    Leg,
    Queue,
    conference_resource,
    new_sid,
    participant_resource,
)
from devtools.emulator.runner import Engine

bp = Blueprint("twilio_rest", __name__, url_prefix=f"/{API_VERSION}/Accounts/<account_sid>")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
CLIENT = re.compile(r"^client:[A-Za-z0-9_]{1,121}$")


class ApiError(Exception):
    """A Twilio error answer (https://www.twilio.com/docs/api/errors)."""

    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(ApiError)
def _api_error(error: ApiError) -> tuple[Response, int]:
    return jsonify({"code": error.code, "message": error.message,
                    "more_info": f"https://www.twilio.com/docs/errors/{error.code}",
                    "status": error.status}), error.status


def _engine() -> Engine:
    return current_app.extensions["emulator"]


def _account() -> Account:
    return _engine().account


@bp.before_request
def _authenticate() -> None:
    # https://www.twilio.com/docs/usage/requests-to-twilio#authenticate-with-http: basic auth.
    account, auth = _account(), request.authorization
    if auth is None or auth.username != account.sid or auth.password != account.token:
        raise ApiError(401, 20003, "Authenticate")
    if request.view_args and request.view_args.get("account_sid") != account.sid:
        raise ApiError(404, 20404, f"The requested resource {request.path} was not found")


def _not_found() -> ApiError:
    return ApiError(404, 20404, f"The requested resource {request.path} was not found")


def _page(key: str, items: list, uri: str) -> dict:
    """Twilio's list envelope (one page holds everything here)."""
    return {key: items, "uri": uri, "first_page_uri": uri, "next_page_uri": None,
            "previous_page_uri": None, "page": 0, "page_size": max(50, len(items)),
            "start": 0, "end": max(0, len(items) - 1)}


# -- Calls: https://www.twilio.com/docs/voice/api/call-resource -----------------------------------
@bp.post("/Calls.json")
def create_call(account_sid: str):
    """Start an outbound call (201 with status "queued")."""
    form, account = request.form, _account()
    to, from_ = form.get("To", ""), form.get("From", "")
    if not to:
        raise ApiError(400, 21201, "No 'To' number is specified")
    if not (E164.match(to) or CLIENT.match(to)):
        raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not from_:
        raise ApiError(400, 21213, "No 'From' number is specified")
    if not (E164.match(from_) or CLIENT.match(from_)):
        raise ApiError(400, 21212, f"Invalid 'From' Phone Number: {from_}")
    url, twiml = form.get("Url"), form.get("Twiml")
    if not url and not twiml:
        raise ApiError(400, 21205, "Url parameter is required.")
    machine = form.get("MachineDetection")
    if machine and machine not in ("Enable", "DetectMessageEnd"):
        raise ApiError(400, 21221, f"Invalid MachineDetection: {machine}")
    leg = Leg(new_sid("CA"), account.sid, to=to, from_=from_, direction="outbound-api",
              patient=account.endpoint(to).mode == "manual")
    if form.get("StatusCallback"):
        events = frozenset(form.getlist("StatusCallbackEvent") or ["completed"])
        leg.callback = (form["StatusCallback"], form.get("StatusCallbackMethod", "POST"), events)
    amd = None
    if machine and form.get("AsyncAmd") == "true" and form.get("AsyncAmdStatusCallback"):
        amd = (form["AsyncAmdStatusCallback"], form.get("AsyncAmdStatusCallbackMethod", "POST"))
    _engine().outbound(leg, url=url, method=form.get("Method", "POST"), twiml=twiml,
                       timeout=int(form.get("Timeout") or 60), machine_detection=machine, amd=amd)
    return jsonify(leg.resource(account.uri_base)), 201


def _leg(sid: str) -> Leg:
    leg = _account().legs.get(sid)
    if leg is None:
        raise _not_found()
    return leg


@bp.get("/Calls/<call_sid>.json")
def fetch_call(account_sid: str, call_sid: str):
    """One call, with its status as the leg stands now (twilio-oai twilio_api_v2010.json:
    GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json, `call_enum_status`)."""
    return jsonify(_leg(call_sid).resource(_account().uri_base))


@bp.post("/Calls/<call_sid>.json")
def update_call(account_sid: str, call_sid: str):
    """Redirect a live call (Url or Twiml) or end it (Status completed or canceled)."""
    leg, form = _leg(call_sid), request.form
    status = form.get("Status")
    if status and status not in ("completed", "canceled"):
        raise ApiError(400, 21218, f"Invalid Status: {status}")
    if status:
        # canceled ends a call only while it is queued or ringing; completed ends it anyway.
        if not leg.ended and (status == "completed" or leg.status in ("queued", "ringing")):
            send(leg, "hangup")
        return jsonify(leg.resource(_account().uri_base))
    url, twiml = form.get("Url"), form.get("Twiml")
    if not url and not twiml:
        raise ApiError(400, 21205, "Url parameter is required.")
    if leg.status != "in-progress":
        raise ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")
    send(leg, "redirect", url=url, method=form.get("Method", "POST"), twiml=twiml)
    return jsonify(leg.resource(_account().uri_base))


# -- Queues: https://www.twilio.com/docs/voice/api/queue-resource ---------------------------------
@bp.get("/Queues.json")
def list_queues(account_sid: str):
    """Every queue of the account."""
    account = _account()
    with account.lock:
        items = [q.resource(account.uri_base) for q in account.queues.values()]
    return jsonify(_page("queues", items, f"{account.uri_base}/Queues.json"))


@bp.post("/Queues.json")
def create_queue(account_sid: str):
    """A new queue; the friendly name must be new (at most 64 characters)."""
    account, name = _account(), request.form.get("FriendlyName", "")
    if not name:
        raise ApiError(400, 20001, "Missing required parameter FriendlyName in the post body")
    if len(name) > 64:
        raise ApiError(400, 20001, "FriendlyName must be at most 64 characters")
    size = request.form.get("MaxSize", "1000")
    if not size.isdigit() or not 1 <= int(size) <= LARGEST_MAX_SIZE:
        raise ApiError(400, 20001, f"MaxSize must be between 1 and {LARGEST_MAX_SIZE}")
    with account.lock:
        if account.queue_named(name, create=False):
            raise ApiError(400, 22003, f"A queue with friendly name {name} already exists")
        queue = Queue(new_sid("QU"), account.sid, name, max_size=int(size))
        account.queues[queue.sid] = queue
    return jsonify(queue.resource(account.uri_base)), 201


def _queue(sid: str) -> Queue:
    queue = _account().queues.get(sid)
    if queue is None:
        raise _not_found()
    return queue


@bp.get("/Queues/<queue_sid>.json")
def fetch_queue(account_sid: str, queue_sid: str):
    """One queue: current_size, average_wait_time, max_size."""
    return jsonify(_queue(queue_sid).resource(_account().uri_base))


# -- Members: https://www.twilio.com/docs/voice/api/member-resource -------------------------------
@bp.get("/Queues/<queue_sid>/Members.json")
def list_members(account_sid: str, queue_sid: str):
    """The callers waiting, front first."""
    account, queue = _account(), _queue(queue_sid)
    with account.lock:
        items = [queue.member_resource(m, account.uri_base) for m in queue.members]
    return jsonify(_page("queue_members", items,
                         f"{account.uri_base}/Queues/{queue_sid}/Members.json"))


def _member(queue: Queue, call_sid: str):
    # "Front" names the first member (https://www.twilio.com/docs/voice/api/member-resource).
    members = queue.members[:1] if call_sid == "Front" else \
        [m for m in queue.members if m.call_sid == call_sid]
    if not members:
        raise _not_found()
    return members[0]


@bp.get("/Queues/<queue_sid>/Members/<call_sid>.json")
def fetch_member(account_sid: str, queue_sid: str, call_sid: str):
    """One waiting caller, or the front one."""
    account, queue = _account(), _queue(queue_sid)
    with account.lock:
        return jsonify(queue.member_resource(_member(queue, call_sid), account.uri_base))


@bp.post("/Queues/<queue_sid>/Members/<call_sid>.json")
def dequeue_member(account_sid: str, queue_sid: str, call_sid: str):
    """Take the caller out of the queue and run the TwiML at `Url` on their leg."""
    account, queue = _account(), _queue(queue_sid)
    url = request.form.get("Url")
    if not url:
        raise ApiError(400, 20001, "Missing required parameter Url in the post body")
    with account.lock:
        member = _member(queue, call_sid)
        body = queue.member_resource(member, account.uri_base)
        queue.remove(member.call_sid)
    send(account.legs[member.call_sid], "dequeue", dequeuer=None, url=url,
         method=request.form.get("Method", "POST"))
    account.notify()
    return jsonify(body)


# -- Conferences and Participants ------------------------------------------------------------------
# twilio-oai spec/json/twilio_api_v2010.json: ListConference (FriendlyName, Status filters),
# CreateParticipant (From and To required), FetchParticipant, UpdateParticipant (Hold, HoldUrl,
# Muted, AnnounceUrl, EndConferenceOnExit, Coaching, CallSidToCoach), DeleteParticipant ("Kick a
# participant").
@bp.get("/Conferences.json")
def list_conferences(account_sid: str):
    """Conferences in progress, by FriendlyName if given (ended ones are not kept here)."""
    account = _account()
    name, status = request.args.get("FriendlyName"), request.args.get("Status")
    with account.lock:
        items = [conference_resource(account, room) for room in account.conference_sids
                 if (not name or room == name) and status in (None, "", "in-progress")]
    return jsonify(_page("conferences", items, f"{account.uri_base}/Conferences.json"))


def _room(conference_sid: str) -> str:
    account = _account()
    with account.lock:
        for room, sid in account.conference_sids.items():
            if sid == conference_sid:
                return room
    raise _not_found()


def _participant(room: str, ident: str) -> Leg:
    """A leg in the room, named by its CallSid or its Label."""
    account = _account()
    with account.lock:
        # In the room, or dialled into it and not yet answered (Twilio's participant exists
        # from creation, status queued, ringing, then connected).
        legs = [account.legs[sid] for sid in account.conferences.get(room, [])]
        legs += [leg for leg in account.legs.values() if leg.joining == room and not leg.ended
                 and leg.conference is None]
        for leg in legs:
            if ident in (leg.sid, leg.label):
                return leg
    raise _not_found()


def _boolean(name: str) -> bool | None:
    value = request.form.get(name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise ApiError(400, 20001, f"{name} must be true or false")
    return value == "true"


def _coaching(room: str, coached: str | None, leg: Leg | None) -> tuple[bool, str | None]:
    """`Coaching` and `CallSidToCoach` of a create or update: (coaching, the call coached).

    twilio-oai spec/json/twilio_api_v2010.json, CreateParticipant and UpdateParticipant:
    `CallSidToCoach` (pattern ^CA[0-9a-fA-F]{32}$) is "the SID of the participant who is being
    `coached`"; `Coaching` "If not present, defaults to `false` unless `call_sid_to_coach` is
    defined. If `true`, `call_sid_to_coach` must be defined"
    (https://www.twilio.com/docs/voice/api/conference-participant-resource). The 400 with
    error 20001 for a coach without a call to coach, or one not in the room, is our choice.
    """
    given, coaching = request.form.get("CallSidToCoach"), _boolean("Coaching")
    if given is not None:
        if not re.fullmatch(r"CA[0-9a-fA-F]{32}", given) or (leg and given == leg.sid):
            raise ApiError(400, 20001, "CallSidToCoach must be another participant's CallSid")
        with _account().lock:
            if given not in _account().conferences.get(room, []):
                raise ApiError(400, 20001, "CallSidToCoach is not a participant of this "
                                           "conference")
            if _account().legs[given].hold:
                # Twilio error 16027: a participant on hold cannot be coached (the wording
                # here is ours; https://www.twilio.com/docs/api/errors/16027).
                raise ApiError(400, 16027, "A participant on hold cannot be coached")
        coached = given
    if coaching is None:
        coaching = given is not None or bool(leg and leg.coaching)
    if coaching and not coached:
        raise ApiError(400, 20001, "CallSidToCoach is required when Coaching is true")
    return coaching, coached


@bp.post("/Conferences/<conference_sid>/Participants.json")
def create_participant(account_sid: str, conference_sid: str):
    """Dial `To` into the conference: a new outbound leg that joins it when answered."""
    account, form = _account(), request.form
    room = _room(conference_sid)
    to, from_ = form.get("To", ""), form.get("From", "")
    if not to or not from_:
        raise ApiError(400, 21201 if not to else 21213, "From and To are required")
    if not (E164.match(to) or CLIENT.match(to)):
        raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to}")
    ends = _boolean("EndConferenceOnExit") or False
    # twilio-oai CreateParticipant `Beep`: "Can be: `true`, `false`, `onEnter`, or `onExit`.
    # The default value is `true`."
    beep = form.get("Beep", "true")
    if beep not in ("true", "false", "onEnter", "onExit"):
        raise ApiError(400, 20001, "Beep must be true, false, onEnter or onExit")
    coaching, coached = _coaching(room, None, None)
    leg = Leg(new_sid("CA"), account.sid, to=to, from_=from_, direction="outbound-api",
              patient=account.endpoint(to).mode == "manual", label=form.get("Label"),
              muted=bool(_boolean("Muted")), joining=room, coaching=coaching,
              call_sid_to_coach=coached, beep=beep)
    if form.get("StatusCallback"):
        events = frozenset(form.getlist("StatusCallbackEvent") or ["completed"])
        leg.callback = (form["StatusCallback"], form.get("StatusCallbackMethod", "POST"), events)
    join = (f'<Response><Dial><Conference endConferenceOnExit="{str(ends).lower()}">'
            f"{escape(room)}</Conference></Dial></Response>")
    _engine().outbound(leg, url=None, method="POST", twiml=join,
                       timeout=int(form.get("Timeout") or 60), machine_detection=None, amd=None)
    return jsonify(participant_resource(account, conference_sid, leg)), 201


@bp.get("/Conferences/<conference_sid>/Participants/<ident>.json")
def fetch_participant(account_sid: str, conference_sid: str, ident: str):
    """One participant: hold, muted, end_conference_on_exit as they stand."""
    leg = _participant(_room(conference_sid), ident)
    return jsonify(participant_resource(_account(), conference_sid, leg))


@bp.post("/Conferences/<conference_sid>/Participants/<ident>.json")
def update_participant(account_sid: str, conference_sid: str, ident: str):
    """Hold (with HoldUrl's music), Muted, AnnounceUrl (to them alone), EndConferenceOnExit,
    Coaching with CallSidToCoach (heard by that participant alone)."""
    room, form = _room(conference_sid), request.form
    leg = _participant(room, ident)
    hold, muted, ends = _boolean("Hold"), _boolean("Muted"), _boolean("EndConferenceOnExit")
    changes = {name: value for name, value in (("hold", hold), ("muted", muted),
                                               ("end_conference_on_exit", ends))
               if value is not None}
    if "Coaching" in form or "CallSidToCoach" in form:
        changes["coaching"], changes["call_sid_to_coach"] = _coaching(
            room, leg.call_sid_to_coach, leg)
    leg.touch(**changes)
    for url, method in ((form.get("HoldUrl") if hold else None, form.get("HoldMethod", "GET")),
                        (form.get("AnnounceUrl"), form.get("AnnounceMethod", "POST"))):
        if url:
            _play_to(leg, url, method)
    return jsonify(participant_resource(_account(), conference_sid, leg))


def _play_to(leg: Leg, url: str, method: str) -> None:
    """Hold music or an announcement: the TwiML's Say and Play reach this participant only."""
    engine = _engine()

    def play() -> None:
        # An announcement to a participant still ringing plays once they are in the room.
        with leg.changed:
            leg.changed.wait_for(lambda: leg.conference or leg.ended, timeout=30)
        if leg.ended:
            return
        try:
            root = engine.hooks.twiml(url, engine.hooks.call_params(leg), method or "POST")
        except Exception:  # noqa: BLE001 - a failed hold URL is silence, as on Twilio
            return
        for verb in root:
            if verb.tag == "Say":
                leg.hear((verb.text or "").strip())
            elif verb.tag == "Play":
                leg.hear(f"(plays {(verb.text or '').strip()})")

    threading.Thread(target=play, daemon=True).start()


@bp.delete("/Conferences/<conference_sid>/Participants/<ident>.json")
def delete_participant(account_sid: str, conference_sid: str, ident: str):
    """Kick the participant: their <Dial> ends and their call goes on after it."""
    leg = _participant(_room(conference_sid), ident)
    # Still ringing: the call is cancelled; in the room: their <Dial> ends.
    send(leg, "hangup" if leg.conference is None else "conference_ended")
    return Response(status=204)
