"""Fixed-window rate limits in Redis, shared by every app process."""

from __future__ import annotations

import hashlib
import time

import redis

from ivr.chat.config import Limit
from models import keys


class RateLimiter:
    """Count requests per (scope, identity) in windows of `limit.window_seconds`."""

    def __init__(self, redis_client: redis.Redis, *, clock=time.time) -> None:
        self._redis = redis_client
        self._clock = clock

    def check(self, scope: str, ident: str, limit: Limit) -> int:
        """0 when allowed (and counted); otherwise the seconds until the window resets."""
        now = self._clock()
        window = int(now // limit.window_seconds)
        # Hash the identity: addresses and session ids are not kept in key names in clear.
        digest = hashlib.sha256(ident.encode()).hexdigest()[:24]
        key = keys.key(keys.RATE, scope=scope, ident=f"{digest}:{window}")
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key).expire(key, limit.window_seconds + 1)
            count, _ = pipe.execute()
        if count <= limit.limit:
            return 0
        return max(1, int((window + 1) * limit.window_seconds - now + 0.999))
