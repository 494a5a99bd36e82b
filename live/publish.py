"""Writing to a followed stream: XADD, push its expiry back, and wake the events processes.

One Lua script does all three atomically and publishes the new entry itself (key, id and fields
as JSON) on `keys.STREAM_WAKE`, so the events front hands it to the followers that are up to date
without reading the stream again; followers that are behind read the stream as usual.
"""

from __future__ import annotations

from typing import Any

from models import keys

# KEYS[1]: the stream. ARGV: maxlen (0: none), ttl seconds (0: none), the wake channel, then
# field, value pairs. Returns the new entry's id.
ADD_SCRIPT = """
local id
if tonumber(ARGV[1]) > 0 then
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
else
  id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 4))
end
if tonumber(ARGV[2]) > 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
local fields = {}
for i = 4, #ARGV, 2 do fields[ARGV[i]] = ARGV[i + 1] end
redis.call('PUBLISH', ARGV[3], cjson.encode({k = KEYS[1], i = id, f = fields}))
return id
"""


def add(redis_client: Any, key: str, fields: dict[str, str], *, maxlen: int | None = None,
        ttl_seconds: int | None = None) -> str:
    """Append `fields` to stream `key` and wake its followers; returns the new entry id."""
    if not fields:
        raise ValueError("a stream entry needs at least one field")
    flat = [part for pair in fields.items() for part in pair]
    script = redis_client.register_script(ADD_SCRIPT)
    return script(keys=[key], args=[maxlen or 0, ttl_seconds or 0, keys.STREAM_WAKE, *flat])


def wake(redis_client: Any, key: str) -> None:
    """Tell the events processes that `key` has news they must read (a pipeline or a client)."""
    redis_client.publish(keys.STREAM_WAKE, key)


def event(name: str, data: str) -> dict[str, str]:
    """Fields for the generic "raw" renderer: an SSE event called `name` carrying `data` (JSON)."""
    return {"event": name, "data": data}
