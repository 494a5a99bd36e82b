"""Passing a live call to a named colleague who is Available now (issue 27 item 3).

The assignment moves atomically (routing.colleague); the caller waits in their queue on Twilio
(told so) while the colleague's phone rings with the usual whisper, and is dequeued into the
colleague's conference when they press 1 (ivr.voice.adviser_leg). A colleague who does not
answer declines as any offer does: the caller keeps their place by time waited for the next.
"""

from __future__ import annotations

import logging

from flask import current_app

from engine import desk_calls
from engine.desk_calls import Refused, Taken
from engine.dispatch import console_config, get_dispatcher, room_name
from ivr import connections
from ivr.voice import twiml
from ivr.voice.desk_actions import PENDING, base_url, connected, services
from ivr.voice.state import QUEUE
from ivr.voice.twilio_rest import TwilioError
from routing import colleague

log = logging.getLogger(__name__)


def colleague_transfer(member: str, *, colleague_id: int, adviser_id: int) -> dict:
    """Give the call to `colleague_id`, ring them, and hold the caller in their queue."""
    svc = services()
    _state, offer = connected(member)
    taken = desk_calls.claim(svc.redis, member, "colleague_transfer", adviser=str(adviser_id),
                             colleague=str(colleague_id))
    if taken:
        raise Taken(taken)
    dispatcher = get_dispatcher()
    why = colleague.give(svc.redis, member, from_id=adviser_id, to_id=colleague_id,
                         now=dispatcher.clock(),
                         heartbeat_timeout=console_config().heartbeat_timeout_seconds)
    if why:
        desk_calls.unclaim(svc.redis, member)
        raise Refused(why)
    held = dispatcher.assignment(member)
    queue = offer.get("queue") or held.queue_id
    token, state = svc.store.claim(member)
    try:
        # The colleague's offer is pending until their phone rings: the first adviser's leg,
        # ending as the caller leaves the room, is then seen as an earlier offer's, not a
        # decline of this one (adviser_leg.adviser_status).
        state.plan = {**(state.plan or {}), "queue": queue, "adviser": {
            "id": colleague_id, "room": room_name(), "queue": queue, "joined": held.joined_at,
            "accepted": False, "leg": PENDING}}
        state.phase, state.outcome = QUEUE, None
    finally:
        svc.store.release(member, token, state)
    base = f"{base_url()}/voice"
    try:
        connections.get_twilio().update_call(member, twiml=twiml.enqueue(
            [svc.config.prompt("desk_queue_transfer")], queue, action=f"{base}/queue/done",
            wait_url=f"{base}/queue/wait", speech=svc.config.speech))
    except TwilioError as error:
        log.warning("the caller could not be put through to a colleague: Twilio %s",
                    error.status)
        raise Refused("the phone system did not move the customer: they may have hung up") \
            from None
    current_app.extensions["dispatch_ports"].ring_call(held)
    return {"colleague": colleague_id, "queue": queue}
