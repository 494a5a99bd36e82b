"""Sign-in throttling kept in Redis so it holds across every app process.

Five failed sign-ins for one username within 15 minutes lock that username for 15 minutes, even
with the right password (the Staff console contract). Every attempt first claims a slot in one
Lua script, before its password is judged: the claim is refused while the username is locked,
while its client address (an IPv6 client per /64) has too many attempts this minute, or while
every address together has; otherwise it counts as a failure at once and is taken back only if
the password proves right. So however many attempts arrive together, at most MAX_FAILURES are
judged per username and window. Failures are a sorted set of times so the window slides; the lock
is a key with an expiry. Usernames and addresses are hashed in key names. A TOTP code of the
second factor (console.mfa) claims an attempt for its username in the same way, so wrong codes
and wrong passwords add up to the one lock-out.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

import redis

from models import keys

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
RATE_WINDOW_SECONDS = 60

# KEYS: failures, lock, address count, count of all; ARGV: now, window, max failures, lock
# seconds, attempt token, address limit, limit of all, rate window, seconds to its end.
# Returns {reason, retry after}: reason "ok" when this attempt may be judged.
_CLAIM = """
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[6]) then
  return {'address', tonumber(ARGV[9])}
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[7]) then
  return {'busy', tonumber(ARGV[9])}
end
local ttl = redis.call('TTL', KEYS[2])
if ttl > 0 then return {'locked', ttl} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  return {'locked', tonumber(ARGV[4])}
end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
end
for i = 3, 4 do
  redis.call('INCR', KEYS[i]); redis.call('EXPIRE', KEYS[i], tonumber(ARGV[8]) + 1)
end
return {'ok', 0}
"""

# KEYS: failures, lock, address count, count of all. A right password takes its attempt back
# (the counts only while their window lasts: a DECR on a gone key would make a key that never
# expires).
_SUCCEED = """
redis.call('DEL', KEYS[1], KEYS[2])
for i = 3, 4 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 0
"""

# KEYS: failures, lock, address count, count of all; ARGV: the attempt's token, max failures.
# A right password that still needs its TOTP code takes back its own attempt only: the failures
# before it stand, so entering the password again never clears wrong codes (the lock this very
# attempt set goes too when, without it, the failures are under the limit).
_TAKE_BACK = """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then redis.call('DEL', KEYS[2]) end
for i = 3, 4 do
  if redis.call('EXISTS', KEYS[i]) == 1 then redis.call('DECR', KEYS[i]) end
end
return 0
"""


@dataclass(frozen=True)
class Claim:
    """The answer to one attempt: judge it (refused None), or refuse it and say for how long."""

    refused: str | None  # "address", "busy" (every address together) or "locked"
    retry_after: int
    keys: tuple[str, ...] = ()
    token: str = ""


@dataclass(frozen=True)
class Limits:
    """Attempts per minute allowed from one address and from every address together."""

    per_address: int
    overall: int


class SignInLockout:
    """Claim each sign-in attempt before it is judged; lock a username after too many failures."""

    def __init__(self, redis_client: redis.Redis, limits: Limits) -> None:
        self._redis = redis_client
        self._limits = limits
        self._claim = redis_client.register_script(_CLAIM)
        self._succeed = redis_client.register_script(_SUCCEED)
        self._take_back = redis_client.register_script(_TAKE_BACK)

    def claim(self, username: str, address: str, *, at: float) -> Claim:
        """Reserve one attempt for `username` from `address` (an address_key), or refuse it."""
        failures, lock = self._keys(username)
        window = int(at // RATE_WINDOW_SECONDS)
        to_end = max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - at))
        by_address = keys.key(keys.SIGNIN_BY_ADDRESS, address=_digest(address), window=window)
        overall = keys.key(keys.SIGNIN_ALL, window=window)
        claim_keys = (failures, lock, by_address, overall)
        token = f"{at}:{secrets.token_hex(8)}"
        reason, seconds = self._claim(keys=list(claim_keys), args=[
            at, WINDOW_SECONDS, MAX_FAILURES, LOCK_SECONDS, token,
            self._limits.per_address, self._limits.overall, RATE_WINDOW_SECONDS, to_end])
        if reason != "ok":
            return Claim(refused=str(reason), retry_after=max(1, int(seconds)))
        return Claim(refused=None, retry_after=0, keys=claim_keys, token=token)

    def failed(self, claim: Claim) -> bool:
        """The claimed attempt failed (it is counted already); True when the username is locked."""
        return bool(self._redis.exists(claim.keys[1]))

    def succeeded(self, claim: Claim) -> None:
        """A good sign-in clears the username's failures and takes its attempt back."""
        self._succeed(keys=list(claim.keys))

    def taken_back(self, claim: Claim) -> None:
        """A right password that still needs its code: this attempt is not a failure, but the
        username's earlier failures stand (only a right code, `succeeded`, clears them)."""
        self._take_back(keys=list(claim.keys), args=[claim.token, MAX_FAILURES])

    @staticmethod
    def _keys(username: str) -> tuple[str, str]:
        digest = _digest(username.strip().lower())
        return (keys.key(keys.SIGNIN_FAILURES, username=digest),
                keys.key(keys.SIGNIN_LOCK, username=digest))


def locked_seconds(redis_client: redis.Redis, username: str) -> int:
    """How many seconds the username stays locked out (0 when it is not locked now)."""
    return max(0, int(redis_client.ttl(SignInLockout._keys(username)[1])))


def unlock(redis_client: redis.Redis, username: str) -> bool:
    """Clear the username's lock and failures (an administrator's unlock); True if it was locked."""
    failures, lock = SignInLockout._keys(username)
    with redis_client.pipeline(transaction=True) as pipe:
        pipe.exists(lock).delete(failures, lock)
        was_locked, _ = pipe.execute()
    return bool(was_locked)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:24]
