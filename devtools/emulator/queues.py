"""<Enqueue>: a caller waits in a queue, hears the wait URL in a loop, and leaves by one of
Twilio's QueueResults (https://www.twilio.com/docs/voice/twiml/enqueue)."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from devtools.emulator.events import Dequeued, Hangup, Redirected, next_event, send
from devtools.emulator.model import Leg, Member
from devtools.emulator.webhooks import absolute

if TYPE_CHECKING:
    from devtools.emulator.runner import Doc, Engine

# Seconds between wait-URL requests when its document asks for no time of its own (Twilio plays
# it to the end and asks again; a document of Say alone still takes the time to speak it).
SECONDS_PER_WORD = 0.4
MIN_ROUND_SECONDS = 1.0


class Left(Exception):
    """<Leave> in the wait URL's TwiML (https://www.twilio.com/docs/voice/twiml/leave)."""


def enqueue(engine: Engine, leg: Leg, verb: ET.Element, url: str) -> Doc:
    """Wait in the queue named by the verb; then the action URL decides what follows."""
    account = engine.account
    name = (verb.text or "").strip()
    queue = account.queue_named(name)
    action = absolute(url, verb.get("action")) if verb.get("action") else None
    method = verb.get("method") or "POST"
    wait_url = absolute(url, verb.get("waitUrl")) if verb.get("waitUrl") else None
    wait_method = verb.get("waitUrlMethod") or "POST"
    with account.lock:
        full = len(queue.members) >= queue.max_size
        if not full:
            queue.members.append(Member(leg.sid, time.monotonic()))
            leg.touch(queue_sid=queue.sid)
    account.notify()
    if full:
        return _action(engine, leg, action, method, "queue-full", queue.sid, 0)
    started = time.monotonic()
    try:
        while True:
            _one_round(engine, leg, wait_url, wait_method)
    except Left:
        return _after(engine, leg, action, method, "leave", queue.sid, started)
    except Hangup:
        _leave(engine, leg)
        _action(engine, leg, action, method, "hangup", queue.sid, _since(started))
        raise
    except Redirected:
        # Calls API redirect while queued: QueueResult "redirected"; the new TwiML takes over.
        _after(engine, leg, action, method, "redirected", queue.sid, started, ignore=True)
        raise
    except Dequeued as taken:
        data = taken.data
        _leave(engine, leg)
        if data.get("dequeuer"):
            return _bridged(engine, leg, data, action, method, queue.sid, started)
        # Member API with Url: "redirected", and the Url's TwiML runs on the caller's leg
        # (https://www.twilio.com/docs/voice/api/member-resource#update-a-member-resource).
        _action(engine, leg, action, method, "redirected", queue.sid, _since(started), ignore=True)
        return engine.fetch(leg, data["url"], data.get("method") or "POST")


def _one_round(engine: Engine, leg: Leg, wait_url: str | None, method: str) -> None:
    """One play of the wait URL's TwiML (or of hold music when there is none)."""
    round_started, turn = time.monotonic(), leg.turn
    heard = len(leg.heard)
    if wait_url:
        doc = engine.fetch(leg, wait_url, method, queue_params(engine, leg))
        while doc is not None:
            doc = engine.execute(leg, *doc, context="wait")
    else:
        leg.hear("(hold music)")
    if leg.turn != turn:
        return  # a Gather or Pause in it already took its time
    words = sum(len(text.split()) for text in leg.heard[heard:])
    spent = time.monotonic() - round_started
    rest = engine.seconds(max(MIN_ROUND_SECONDS, words * SECONDS_PER_WORD)) - spent
    # Holding between two plays of the wait URL counts as waiting (settled) only if it lasts.
    next_event(leg, max(0.0, rest), state="queue" if rest > 0.05 else None)


def queue_params(engine: Engine, leg: Leg) -> dict[str, str]:
    """The wait URL's parameters (https://www.twilio.com/docs/voice/twiml/enqueue#attributes-wait-url)."""
    account = engine.account
    with account.lock:
        queue = account.queues[leg.queue_sid]
        position = queue.position(leg.sid) or 0
        member = queue.members[position - 1] if position else None
        return {"QueueSid": queue.sid, "QueuePosition": str(position),
                "QueueTime": str(member.wait_time() if member else 0),
                "AvgQueueTime": str(queue.average_wait_time()),
                "CurrentQueueSize": str(len(queue.members)), "MaxQueueSize": str(queue.max_size)}


def _bridged(engine: Engine, leg: Leg, data: dict, action, method, queue_sid, started) -> Doc:
    """Taken by a <Dial><Queue>: the Queue noun's url plays to the caller, then the bridge
    (https://www.twilio.com/docs/voice/twiml/queue)."""
    dequeuer = engine.account.legs[data["dequeuer"]]
    queue_time = _since(started)
    if data.get("url"):
        extra = {"QueueSid": queue_sid, "QueueTime": str(queue_time),
                 "DequeingCallSid": dequeuer.sid}
        doc = engine.fetch(leg, data["url"], data.get("method") or "POST", extra)
        while doc is not None:
            doc = engine.execute(leg, *doc, context="announce")
    try:
        from devtools.emulator.dial import bridge

        send(dequeuer, "bridged", peer=leg.sid)
        bridge(engine, leg, dequeuer)
    except Hangup:
        _action(engine, leg, action, method, "bridged", queue_sid, queue_time)
        raise
    # The action is requested once the bridged call ends, and the call goes on with its answer.
    return _action(engine, leg, action, method, "bridged", queue_sid, queue_time)


def _after(engine, leg, action, method, result, queue_sid, started, ignore=False) -> Doc:
    _leave(engine, leg)
    return _action(engine, leg, action, method, result, queue_sid, _since(started), ignore)


def _action(engine: Engine, leg: Leg, action: str | None, method: str, result: str,
            queue_sid: str, queue_time: int, ignore: bool = False) -> Doc:
    """The Enqueue action: QueueResult, QueueSid, QueueTime; its TwiML continues the call."""
    if not action:
        return None
    params = {**engine.hooks.call_params(leg), "QueueResult": result, "QueueSid": queue_sid,
              "QueueTime": str(queue_time)}
    root = engine.hooks.twiml(action, params, method)
    return None if ignore or leg.ended else (root, action)


def _leave(engine: Engine, leg: Leg) -> None:
    forget(engine, leg)
    leg.touch(queue_sid=None)


def forget(engine: Engine, leg: Leg) -> None:
    """Take the leg out of whatever queue it is in."""
    account = engine.account
    with account.lock:
        for queue in account.queues.values():
            queue.remove(leg.sid)
    account.notify()


def _since(started: float) -> int:
    return int(time.monotonic() - started)
