"""What an adviser does with a live call from the desk, decided once for every channel.

The rules live here; the phone channel carries them out through `CallActions`, the port the app
registers (engine.desk_ports). Warm or cold to a prime contractor is routing.plan's own rule for
an adult's advice by phone (001:6.1: warm only while both the contact centre and the contractor
are open; otherwise a callback by the contractor's next working day, 000:L9, L81). A callback
after research is the contact centre's promise to ring back within 24 hours (000:L115), owned
by the adviser who made it.

Of two processes (or two clicks) racing to act on one call, one wins: the action is claimed by
one HSETNX on the call's desk hash, and the loser is told who won.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import redis as redis_lib

from models import keys
from routing.directory import Directory
from routing.plan import Plan, plan

DESK_TTL_SECONDS = 4 * 3600  # as long as a call's own state
# The outcome code each action sets for the adviser's wrap-up (config/console.yaml's codes).
OUTCOME_OF = {
    "warm_transfer": "referred_to_prime_contractor",
    "cold_transfer": "referred_to_prime_contractor",
    "research_callback": "callback_arranged",
}
# A transfer within the contact centre (queue_transfer, colleague_transfer) sets none: the
# contact goes on, and whoever ends it wraps it up.


@dataclass(frozen=True)
class _Chosen:
    """A decision for routing.plan: an adult's advice in `region` (the contractor chosen)."""

    region: str
    destination: str = "prime_contractor_advice"
    signposts: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The decision's JSON shape."""
        return {"destination": self.destination, "region": self.region}


def contractor_route(contractor_id: str, at: datetime, *, directory: Directory,
                     closed: Collection[str] = ()) -> Plan:
    """routing.plan's answer for advice by phone from `contractor_id` now: warm or cold."""
    if contractor_id not in directory.contractors:
        raise ValueError("choose one of the nine prime contractors")
    return plan(_Chosen(contractor_id), "phone", at, directory=directory, closed=closed)


def research_due(at: datetime, hours: int) -> datetime:
    """When a callback after research is due: `hours` from now (at most 24 by default), to the
    minute below, so the promise is never later than said."""
    return (at + timedelta(hours=hours)).replace(second=0, microsecond=0)


def _desk_key(member: str) -> str:
    return keys.key(keys.DESK_CALL, call_sid=member)


def claim(redis: redis_lib.Redis, member: str, action: str, **fields: str) -> str | None:
    """Claim the call for `action`: None when this one won, else the action that had."""
    key = _desk_key(member)
    pipe = redis.pipeline()
    pipe.hsetnx(key, "action", action)
    pipe.hget(key, "action")
    pipe.expire(key, DESK_TTL_SECONDS)
    won, holder, _ = pipe.execute()
    if not won:
        return holder
    if fields:
        redis.hset(key, mapping=fields)
    return None


def desk_state(redis: redis_lib.Redis, member: str) -> dict[str, str]:
    """The call's desk hash: the action taken and a warm transfer's step, if any."""
    return redis.hgetall(_desk_key(member))


def update(redis: redis_lib.Redis, member: str, **fields: str) -> None:
    """Record a warm transfer's next step."""
    redis.hset(_desk_key(member), mapping=fields)


def finish_once(redis: redis_lib.Redis, member: str, how: str) -> bool:
    """End a warm transfer once (completed, called off, not answered): True for the one that
    did; a step left unfinished is marked again with `how` "" (see `update`)."""
    return bool(redis.eval(_FINISH, 1, _desk_key(member), how))


# Sets "finished" unless it holds a non-empty value: one HSETNX that also takes over an empty one.
_FINISH = """
local found = redis.call('HGET', KEYS[1], 'finished')
if found and found ~= '' then return 0 end
redis.call('HSET', KEYS[1], 'finished', ARGV[1])
return 1
"""


def unclaim(redis: redis_lib.Redis, member: str) -> None:
    """The action did not happen (Twilio refused, the transfer was called off): free the call."""
    redis.delete(_desk_key(member))


def set_outcome(redis: redis_lib.Redis, adviser_id: int, member: str, action: str) -> str:
    """Set the wrap-up outcome code the action means for the adviser; returns the code."""
    code = OUTCOME_OF[action]
    key = keys.key(keys.ADVISER_SET_OUTCOMES, user_id=adviser_id)
    redis.hset(key, member, code)
    redis.expire(key, DESK_TTL_SECONDS)
    return code


def outcomes_set(redis: redis_lib.Redis, adviser_id: int) -> dict[str, str]:
    """Outcome codes desk actions set for the adviser's contacts (member -> code)."""
    return redis.hgetall(keys.key(keys.ADVISER_SET_OUTCOMES, user_id=adviser_id))


def outcome_recorded(redis: redis_lib.Redis, adviser_id: int, member: str) -> None:
    """The wrap-up is recorded: the code it set is no longer pending."""
    redis.hdel(keys.key(keys.ADVISER_SET_OUTCOMES, user_id=adviser_id), member)


class Refused(Exception):
    """The action cannot be done now; the message says why, in the adviser's words."""

    def __init__(self, message: str, *, offer_cold: bool = False) -> None:
        super().__init__(message)
        self.offer_cold = offer_cold  # the contractor is closed: a cold transfer instead


class Taken(Exception):
    """Another action on this call won the race (`action` names it)."""

    def __init__(self, action: str) -> None:
        super().__init__(f"this call has already been given another action: {action}")
        self.action = action


class CallActions(Protocol):
    """What the phone channel does for the desk: each returns what it did as a dict, or raises
    Refused (cannot, and why) or Taken (another action on the call won)."""

    def cold_transfer(self, member: str, *, contractor_id: str, adviser_id: int) -> dict:
        """Book the contractor's callback with the summary, tell the caller, end their call."""

    def research_callback(self, member: str, *, adviser_id: int, staff_id: str,
                          hours: int) -> dict:
        """Book a callback owned by this adviser, due within `hours`; the call goes on."""

    def warm_transfer(self, member: str, *, contractor_id: str, adviser_id: int) -> dict:
        """Hold the caller and dial the contractor into the call's conference."""

    def complete_warm(self, member: str, *, adviser_id: int) -> dict:
        """The adviser leaves; the caller, off hold, stays with the contractor."""

    def cancel_warm(self, member: str, *, adviser_id: int) -> dict:
        """The contractor leaves; the caller comes off hold, back with the adviser."""

    def queue_transfer(self, member: str, *, queue: str, adviser_id: int) -> dict:
        """Back into another contact-centre queue, keeping the customer's place."""

    def colleague_transfer(self, member: str, *, colleague_id: int, adviser_id: int) -> dict:
        """Give the call to a named colleague who is Available now; their phone rings."""

    def hold(self, member: str, *, on: bool) -> dict:
        """Put the caller on hold (music) or take them off it."""

    def mute(self, member: str, *, on: bool) -> dict:
        """Mute the adviser's own line in the conference, or unmute it."""
