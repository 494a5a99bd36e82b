"""<Dial>: ringing endpoints, bridging two legs, taking the front caller of a queue, conferences.

https://www.twilio.com/docs/voice/twiml/dial and its nouns' pages (Number, Client, Queue,
Conference). The Dial action gets DialCallStatus, DialCallSid and DialCallDuration.
"""

from __future__ import annotations

import threading
import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from devtools.emulator.events import Hangup, next_event, send
from devtools.emulator.model import Leg, new_sid
from devtools.emulator.webhooks import absolute

if TYPE_CHECKING:
    from devtools.emulator.runner import Doc, Engine

# https://www.twilio.com/docs/voice/twiml/dial#timeout: 30 seconds unless set.
DEFAULT_TIMEOUT = 30
# A number or client that answers by itself does so after this much ringing (scaled).
AUTO_ANSWER_SECONDS = 1.0


def ring(engine: Engine, leg: Leg, timeout: float) -> str:
    """Ring the leg's endpoint: "answered", or the final status (busy, no-answer, failed).

    Endpoint modes (set through the control API): answer, manual (answered or declined by the
    control API, e.g. the simulator's adviser mode), refuse (declined: Twilio reports busy),
    busy, no-answer, failed. https://www.twilio.com/docs/voice/api/call-resource#call-status-values
    """
    hooks, endpoint = engine.hooks, engine.account.endpoint(leg.to)
    hooks.status_callback(leg, "initiated")
    if endpoint.mode == "failed":
        return "failed"
    leg.touch(status="ringing")
    hooks.status_callback(leg, "ringing")
    engine.account.notify()
    if endpoint.mode in ("busy", "refuse"):
        return "busy"
    if endpoint.mode == "answer":
        wait = min(engine.seconds(AUTO_ANSWER_SECONDS), engine.seconds(timeout))
        return "answered" if next_event(leg, wait) is None else "canceled"
    # A person answers a manual endpoint, in their own time: its ringing is not scaled.
    limit = timeout if endpoint.mode == "manual" else engine.seconds(timeout)
    accept = {"pickup", "decline"} if endpoint.mode == "manual" else set()
    event = next_event(leg, limit, accept, state="ringing")
    if event is None:
        return "no-answer"
    return "answered" if event[0] == "pickup" else event[1].get("status", "busy")


def dial(engine: Engine, leg: Leg, verb: ET.Element, url: str) -> Doc:
    """Run a <Dial>; then its action (or the next verb when it has none)."""
    nouns = [noun for noun in verb if noun.tag in ("Number", "Client", "Queue", "Conference")]
    if not nouns and (verb.text or "").strip():
        nouns = [ET.Element("Number")]
        nouns[0].text = verb.text.strip()
    timeout = int(verb.get("timeout") or DEFAULT_TIMEOUT)
    noun = nouns[0] if nouns else None
    progress: dict = {}  # the other leg's sid, and when the bridge began
    status, duration = "failed", 0
    try:
        if noun is None:
            pass
        elif noun.tag == "Queue":
            status, duration = dial_queue(engine, leg, noun, url, timeout, progress)
        elif noun.tag == "Conference":
            status, duration = conference(engine, leg, noun)
        else:
            status, duration = dial_party(engine, leg, noun, url, verb, timeout, progress)
    except Hangup:
        # The caller hung up: the action is still requested (its TwiML is not run).
        bridged = progress.get("bridged")
        _dial_action(engine, leg, verb, url, "completed" if bridged else "canceled",
                     progress.get("sid"), int(time.monotonic() - bridged) if bridged else 0,
                     hung_up=True)
        raise
    return _dial_action(engine, leg, verb, url, status, progress.get("sid"), duration)


def _dial_action(engine, leg, verb, url, status, child_sid, duration, hung_up=False) -> Doc:
    if not verb.get("action"):
        return None
    extra = {"DialCallStatus": status, "DialCallDuration": str(duration)}
    if child_sid:
        extra["DialCallSid"] = child_sid
    action = absolute(url, verb.get("action"))
    params = {**engine.hooks.call_params(leg), **extra}
    if hung_up:
        params["CallStatus"] = "completed"
    root = engine.hooks.twiml(action, params, verb.get("method") or "POST")
    return None if leg.ended else (root, action)


def dial_party(engine: Engine, leg: Leg, noun: ET.Element, url: str, verb: ET.Element,
               timeout: int, progress: dict) -> tuple[str, int]:
    """<Number> or <Client>: a child leg rings; its url TwiML (the whisper) plays to whoever
    answers before the two are connected (https://www.twilio.com/docs/voice/twiml/number,
    https://www.twilio.com/docs/voice/twiml/client)."""
    address = _address(noun)
    # callerId: the number shown to the called party; the caller's own by default.
    child = Leg(new_sid("CA"), leg.account_sid, to=address, direction="outbound-dial",
                from_=verb.get("callerId") or leg.from_, parent_sid=leg.sid,
                patient=engine.account.endpoint(address).mode == "manual")
    if noun.get("statusCallback"):
        events = frozenset((noun.get("statusCallbackEvent") or "completed").replace(",", " ")
                           .split())
        child.callback = (absolute(url, noun.get("statusCallback")),
                          noun.get("statusCallbackMethod") or "POST", events)
    engine.account.add_leg(child)
    progress["sid"] = child.sid
    whisper = absolute(url, noun.get("url")) if noun.get("url") else None
    amd = (absolute(url, noun.get("amdStatusCallback")),
           noun.get("amdStatusCallbackMethod") or "POST") if noun.get("amdStatusCallback") else None
    threading.Thread(target=_child_leg, daemon=True, args=(
        engine, child, leg, timeout, whisper, noun.get("method") or "POST",
        noun.get("machineDetection"), amd)).start()
    kind, data = next_event(leg, None, {"child_bridged", "child_done"}, state="dialing")
    if kind == "child_done":
        return data["status"], 0
    progress["bridged"] = started = time.monotonic()
    bridge(engine, leg, child)
    return "completed", int(time.monotonic() - started)


def _child_leg(engine: Engine, child: Leg, parent: Leg, timeout: int, whisper: str | None,
               method: str, machine_detection: str | None,
               amd: tuple[str, str] | None) -> None:
    try:
        status = ring(engine, child, timeout)
    except Hangup:
        status = "canceled"
    if status != "answered":
        send(parent, "child_done", status=status)
        return engine.end(child, status)
    # machineDetection on <Number>: AnsweredBy on the url request, and amdStatusCallback.
    engine.answer(child, machine_detection=machine_detection, amd=amd)
    try:
        doc = engine.fetch(child, whisper, method) if whisper else None
        while doc is not None:
            doc = engine.execute(child, *doc, context="whisper")
        send(parent, "child_bridged", peer=child.sid)
        bridge(engine, child, parent)
    except Hangup:
        pass
    except Exception:  # noqa: BLE001 - a failed whisper ends the child leg, as Twilio does
        pass
    if not child.peer_sid:
        # Hung up during the whisper: the parent's Dial ends as completed (the call was answered).
        send(parent, "child_done", status="completed")
    engine.end(child, "completed")


def bridge(engine: Engine, leg: Leg, other: Leg) -> None:
    """The two legs are connected until either hangs up ("unbridged" reaches the other)."""
    if other.ended:
        return
    leg.touch(peer_sid=other.sid)
    next_event(leg, None, {"unbridged"}, state="bridged")
    leg.touch(peer_sid=None)


def dial_queue(engine: Engine, leg: Leg, noun: ET.Element, url: str, timeout: int,
               progress: dict, member: str | None = None) -> tuple[str, int]:
    """<Dial><Queue>: bridge to the first caller in the queue, waiting up to `timeout` for one
    (https://www.twilio.com/docs/voice/twiml/queue)."""
    account = engine.account
    name = (noun.text or "").strip()
    deadline = time.monotonic() + engine.seconds(timeout)
    caller = None
    leg.touch(waiting="dialing", turn=leg.turn + 1)
    while caller is None:
        with account.lock:
            queue = account.queue_named(name, create=False)
            waiting = [m for m in (queue.members if queue else [])
                       if member is None or m.call_sid == member]
            if waiting:
                caller = account.legs[waiting[0].call_sid]
                queue.remove(caller.sid)
        if caller is None:
            next_event(leg, 0)
            if time.monotonic() >= deadline:
                return "no-answer", 0
            with account.changed:
                account.changed.wait(timeout=0.2)
    progress["sid"] = caller.sid
    queue_url = absolute(url, noun.get("url")) if noun.get("url") else None
    send(caller, "dequeue", dequeuer=leg.sid, url=queue_url, method=noun.get("method") or "POST")
    event = next_event(leg, None, {"bridged", "unbridged"}, state="dialing")
    if event[0] == "unbridged":
        return "completed", 0
    progress["bridged"] = started = time.monotonic()
    bridge(engine, leg, caller)
    return "completed", int(time.monotonic() - started)


def conference(engine: Engine, leg: Leg, noun: ET.Element) -> tuple[str, int]:
    """<Dial><Conference>: join a named room with everyone else in it until it ends for this
    participant (https://www.twilio.com/docs/voice/twiml/conference)."""
    account, name = engine.account, (noun.text or "").strip()
    with account.lock:
        room = account.conferences.setdefault(name, [])
        room.append(leg.sid)
        account.conference_sids.setdefault(name, new_sid("CF"))
        others = [account.legs[sid] for sid in room if sid != leg.sid]
    for other in others:
        if not other.hold and leg.beep in ("true", "onEnter"):
            other.hear("(someone joins the conference)")
    # A participant added by the REST API keeps the EndConferenceOnExit it was created with.
    ends = noun.get("endConferenceOnExit") == "true"
    leg.touch(conference=name, end_conference_on_exit=ends, hold=False, muted=leg.muted)
    started = time.monotonic()
    try:
        next_event(leg, None, {"conference_ended"}, state="conference")
    finally:
        leave_conference(engine, leg)
    return "completed", int(time.monotonic() - started)


def leave_conferences(engine: Engine, leg: Leg) -> None:
    """Take a leg out of its conference (when it ends)."""
    if leg.conference:
        leave_conference(engine, leg)


def leave_conference(engine: Engine, leg: Leg) -> None:
    """The leg leaves; endConferenceOnExit ends the conference for everyone else."""
    account = engine.account
    name = leg.conference
    with account.lock:
        room = account.conferences.get(name, [])
        if leg.sid in room:
            room.remove(leg.sid)
        others = [account.legs[sid] for sid in room]
        if not room:
            account.conferences.pop(name, None)
            account.conference_sids.pop(name, None)
    leg.touch(conference=None, hold=False, muted=False, coaching=False, call_sid_to_coach=None)
    for other in others:
        if leg.end_conference_on_exit:
            send(other, "conference_ended")
        elif not other.hold and leg.beep in ("true", "onExit"):
            other.hear("(someone leaves the conference)")


def conference_peers(engine: Engine, leg: Leg) -> list[Leg]:
    """The other participants of the leg's conference."""
    with engine.account.lock:
        room = engine.account.conferences.get(leg.conference or "", [])
        return [engine.account.legs[sid] for sid in room if sid != leg.sid]


def _address(noun: ET.Element) -> str:
    """The endpoint a noun names: an E.164 number, or client:IDENTITY."""
    text = (noun.text or "").strip()
    if noun.tag == "Client":
        identity = noun.find("Identity")
        name = (identity.text or "").strip() if identity is not None else text
        return f"client:{name}"
    return text

