"""Writing to a followed stream: XADD, push its expiry back, and wake the events processes."""

from __future__ import annotations

from typing import Any

from models import keys


def add(redis_client: Any, key: str, fields: dict[str, str], *, maxlen: int | None = None,
        ttl_seconds: int | None = None) -> str:
    """Append `fields` to stream `key` and wake its followers; returns the new entry id."""
    with redis_client.pipeline(transaction=True) as pipe:
        pipe.xadd(key, fields, maxlen=maxlen, approximate=True)
        if ttl_seconds:
            pipe.expire(key, ttl_seconds)
        wake(pipe, key)
        answers = pipe.execute()
    return answers[0]


def wake(redis_client: Any, key: str) -> None:
    """Tell the events processes that `key` has news (a pipeline or a client)."""
    redis_client.publish(keys.STREAM_WAKE, key)


def event(name: str, data: str) -> dict[str, str]:
    """Fields for the generic "raw" renderer: an SSE event called `name` carrying `data` (JSON)."""
    return {"event": name, "data": data}
