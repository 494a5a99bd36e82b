"""Warm transfers from the contractor's side: the offer its signed-in advisers see while the
line rings, and taking or declining it from the staff console.

The contractor's line is dialled with `<Number statusCallback>`; its "ringing" callback puts the
offer in Redis (the ringing leg's sid, since when) and tells that contractor's live pages (event
"transfer", a kind, no personal data). The call is taken by whoever is first, decided by one
HSETNX: the whisper's 1 (`take(..., {"by": "phone"})`) or the console's Accept or Decline. The
console then ends the ringing leg through the Twilio REST client, and the warm transfer's Dial
action (`transfer.done`) carries the decision out: Accept dials the adviser's own phone and
bridges the caller; Decline, like a whisper declined, becomes a callback at the top of the list.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any

import redis as redis_lib
from flask import current_app, request

from ivr import connections
from ivr.voice import bp
from ivr.voice.state import TRANSFER
from ivr.voice.twilio_rest import TwilioError
from live import publish as live_publish
from models import keys
from routing import callback_live

log = logging.getLogger(__name__)
OFFER_TTL_SECONDS = 4 * 3600  # as long as a call's own state
RINGING_STATUSES = frozenset({"initiated", "ringing", "in-progress"})


@dataclass(frozen=True)
class Offer:
    """A warm transfer ringing (or just taken) at a prime contractor."""

    call_sid: str
    contractor_id: str
    leg_sid: str | None
    since: float
    taken: dict[str, Any] | None


def _offer_key(call_sid: str) -> str:
    return keys.key(keys.TRANSFER_OFFER, call_sid=call_sid)


def _ringing_key(contractor_id: str) -> str:
    return keys.key(keys.TRANSFERS_RINGING, contractor_id=contractor_id)


def announce(redis: redis_lib.Redis, contractor_id: str, kind: str) -> None:
    """Tell the contractor's live pages that its incoming transfers changed (never whose)."""
    data = json.dumps({"transfer": True, "kind": kind, "at": round(time.time(), 3)})
    try:
        live_publish.add(redis, callback_live.stream_key(f"contractor:{contractor_id}"),
                         live_publish.event("transfer", data), maxlen=callback_live.MAX_EVENTS)
    except redis_lib.RedisError as error:  # a page missing one update still polls on load
        log.warning("transfer change not published: %s", type(error).__name__)


def ringing(redis: redis_lib.Redis, call_sid: str, contractor_id: str, leg_sid: str) -> None:
    """The contractor's line is ringing: show the offer to its advisers (once per call)."""
    key, now = _offer_key(call_sid), time.time()
    pipe = redis.pipeline()
    pipe.hsetnx(key, "contractor", contractor_id)
    pipe.hsetnx(key, "since", str(now))
    pipe.hset(key, "leg", leg_sid)
    pipe.expire(key, OFFER_TTL_SECONDS)
    pipe.hexists(key, "taken")
    added = pipe.execute()
    if not added[-1] and redis.zadd(_ringing_key(contractor_id), {call_sid: now}, nx=True):
        announce(redis, contractor_id, "ringing")


def load(redis: redis_lib.Redis, call_sid: str) -> Offer | None:
    """The offer of `call_sid`, if its contractor's line has rung."""
    found = redis.hgetall(_offer_key(call_sid))
    if not found or "contractor" not in found:
        return None
    taken = json.loads(found["taken"]) if found.get("taken") else None
    return Offer(call_sid, found["contractor"], found.get("leg"), float(found.get("since", 0)),
                 taken)


def take(redis: redis_lib.Redis, call_sid: str, taker: dict[str, Any]) -> dict[str, Any] | None:
    """Take the call for `taker` ({"by": "phone"} or a console adviser's decision).

    Returns None when this taker won, else who had already taken it: one HSETNX, so the
    whisper's 1 and the console's buttons can never both win, on any number of processes.
    """
    key = _offer_key(call_sid)
    pipe = redis.pipeline()
    pipe.hsetnx(key, "taken", json.dumps(taker))
    pipe.hget(key, "taken")
    pipe.hget(key, "contractor")
    pipe.expire(key, OFFER_TTL_SECONDS)
    won, holder, contractor_id, _ = pipe.execute()
    if not won:
        return json.loads(holder)
    if contractor_id:
        redis.zrem(_ringing_key(contractor_id), call_sid)
        announce(redis, contractor_id, "taken")
    return None


def taken_by(redis: redis_lib.Redis, call_sid: str) -> dict[str, Any] | None:
    """Who took the call, if anyone has."""
    found = redis.hget(_offer_key(call_sid), "taken")
    return json.loads(found) if found else None


def finish(redis: redis_lib.Redis, call_sid: str, contractor_id: str | None) -> None:
    """The transfer is over (bridged, failed or abandoned): the offer leaves every console."""
    removed = redis.zrem(_ringing_key(contractor_id), call_sid) if contractor_id else 0
    redis.delete(_offer_key(call_sid))
    if contractor_id:
        announce(redis, contractor_id, "gone" if removed else "finished")


def ringing_calls(redis: redis_lib.Redis, contractor_id: str) -> list[tuple[str, float]]:
    """The calls ringing at the contractor now, longest ringing first, with since when.

    An entry whose offer has expired or been taken (a process that died mid-way) is dropped.
    """
    key, calls = _ringing_key(contractor_id), []
    for sid, since in redis.zrange(key, 0, 49, withscores=True):
        offer = load(redis, sid)
        if offer is None or offer.taken is not None or offer.contractor_id != contractor_id:
            redis.zrem(key, sid)
            continue
        calls.append((sid, float(since)))
    return calls


def decide_in_console(call_sid: str, *, contractor_id: str, username: str,
                      endpoint: str | None, accept: bool) -> str:
    """A console adviser's Accept or Decline; the outcome in a word.

    "connecting" (your phone rings now), "declined", "taken" (someone was first), "gone" (not
    ringing here: unknown, another contractor's, or over), "no_phone" (accept needs an endpoint).
    """
    redis = connections.get_redis()
    offer = load(redis, call_sid)
    if offer is None or offer.contractor_id != contractor_id:
        return "gone"
    if offer.taken is not None:
        return "taken"
    if accept and not endpoint:
        return "no_phone"
    decision = {"by": "console", "adviser": username, "endpoint": endpoint if accept else None,
                "declined": not accept}
    if take(redis, call_sid, decision) is not None:
        return "taken"
    _end_ringing_leg(offer.leg_sid)
    return "connecting" if accept else "declined"


def _end_ringing_leg(leg_sid: str | None) -> None:
    """Stop the contractor's line: the warm transfer's Dial action then does what was decided."""
    if not leg_sid:
        return
    twilio = connections.get_twilio()
    try:
        twilio.update_call(leg_sid, status="canceled")  # still ringing
        if twilio.fetch_call(leg_sid).get("status") in RINGING_STATUSES:
            twilio.update_call(leg_sid, status="completed")  # answered: hearing the whisper
    except TwilioError as error:
        # The line rings on to its timeout; the Dial action still finds the decision.
        log.warning("could not end the contractor's ringing line: Twilio %s", error.status)


@bp.post("/transfer/line")
def transfer_line():
    """Status callbacks of the contractor's ringing line (`?call=` is the customer's call)."""
    call_sid = request.args.get("call", "")
    status, leg_sid = request.form.get("CallStatus", ""), request.form.get("CallSid", "")
    if call_sid and leg_sid and status == "ringing":
        svc = current_app.extensions["voice"]
        state = svc.store.load(call_sid)
        plan = (state.plan or {}) if state else {}
        # A late callback of a transfer already over (Twilio's arrive asynchronously) is ignored.
        if plan.get("contractor") and state.phase == TRANSFER and not state.transfer_accepted \
                and not plan.get("console_dialled"):
            ringing(svc.redis, call_sid, plan["contractor"], leg_sid)
    return "", 204
