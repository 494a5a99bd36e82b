"""Sign-in throttling kept in Redis so it holds across every app process.

Five failed sign-ins for one username within 15 minutes lock that username for 15 minutes, even
with the right password (the Staff console contract). Failures are a sorted set of times so the
window slides; the lock is a key with an expiry. Usernames are hashed in key names.
"""

from __future__ import annotations

import hashlib

import redis

from models import keys

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60

# KEYS: failures, lock; ARGV: now, window, max, lock seconds. Returns 1 when this locked it.
_FAIL = """
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1] .. ':' .. redis.call('INCR', KEYS[1] .. ':n'))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('EXPIRE', KEYS[1], ARGV[2]); redis.call('EXPIRE', KEYS[1] .. ':n', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  redis.call('DEL', KEYS[1], KEYS[1] .. ':n')
  return 1
end
return 0
"""


class SignInLockout:
    """Count failed sign-ins per username and lock it after too many."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client
        self._fail = redis_client.register_script(_FAIL)

    def locked_for(self, username: str) -> int:
        """Seconds the username stays locked (0 when it may try)."""
        ttl = self._redis.ttl(self._keys(username)[1])
        return max(0, ttl)

    def failed(self, username: str, *, at: float) -> bool:
        """Count one failure; True when it has just locked the username."""
        failures, lock = self._keys(username)
        return bool(self._fail(keys=[failures, lock],
                               args=[at, WINDOW_SECONDS, MAX_FAILURES, LOCK_SECONDS]))

    def succeeded(self, username: str) -> None:
        """A good sign-in clears the failures so far."""
        failures, _ = self._keys(username)
        self._redis.delete(failures, failures + ":n")

    @staticmethod
    def _keys(username: str) -> tuple[str, str]:
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()[:24]
        return (keys.key(keys.SIGNIN_FAILURES, username=digest),
                keys.key(keys.SIGNIN_LOCK, username=digest))
