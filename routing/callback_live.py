"""Callback changes for live pages: capped Redis streams of ids and codes (no personal data).

Each change goes to the stream of every change (supervisors) and to its audience's own stream,
"contractor:ID" or "contact-centre", so one contractor's page never hears of another's
callbacks; pages then read what they may show from the database. Entries have the fields
`event` and `data` (JSON), the shape the live-events front serves as server-sent events.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import redis as redis_lib
from sqlmodel import Session

from live import publish as live_publish
from models import keys
from models.callbacks import Callback

log = logging.getLogger(__name__)
MAX_EVENTS = 10_000
CONTACT_CENTRE = "contact-centre"


def owner_of(callback: Any) -> str:
    """"contractor:ID" or "queue:ID" for a callback row or CallbackPublic."""
    if callback.contractor_id:
        return f"contractor:{callback.contractor_id}"
    return f"queue:{callback.queue_id}"


def audience_of(callback: Any) -> str:
    """Whose pages hear of this callback: its contractor's, or the contact centre's."""
    return f"contractor:{callback.contractor_id}" if callback.contractor_id else CONTACT_CENTRE


def stream_key(audience: str | None) -> str:
    """The stream an audience follows (None: every change, for supervisors)."""
    if audience is None:
        return keys.CALLBACK_EVENTS
    return keys.key(keys.CALLBACK_EVENTS_FOR, audience=audience)


def publish(redis: redis_lib.Redis, callback: Any, kind: str) -> None:
    """Add one change to the every-change stream and to its audience's stream."""
    data = json.dumps({"callback_id": callback.id, "owner": owner_of(callback), "kind": kind,
                       "at": round(time.time(), 3)})
    fields = live_publish.event("callback", data)
    # Through live.publish, so the events front's one subscriber wakes its followers at once.
    for key in (stream_key(None), stream_key(audience_of(callback))):
        live_publish.add(redis, key, fields, maxlen=MAX_EVENTS)


def announce(redis: redis_lib.Redis, callback: Any, kind: str) -> None:
    """Publish, but never fail the caller: a live page missing one update is not worth an error
    to a customer (the worklist reads the database on every load)."""
    try:
        publish(redis, callback, kind)
    except Exception as error:  # noqa: BLE001 - Redis down must not stop the call or chat
        log.warning("callback change not published: %s", type(error).__name__)


def publish_id(redis: redis_lib.Redis, session: Session, callback_id: int, kind: str) -> None:
    """Publish a change to the callback with this id (its owner read from the database)."""
    row = session.get(Callback, callback_id)
    if row is not None:
        publish(redis, row, kind)


def read_since(redis: redis_lib.Redis, key: str, last_id: str, *, block_ms: int = 0,
               count: int = 100) -> tuple[str, list[dict[str, Any]]]:
    """Changes on stream `key` after `last_id`, and the id to read on from."""
    answer = redis.xread({key: last_id}, count=count, block=block_ms or None)
    changes = []
    for _stream, entries in answer or []:
        for entry_id, fields in entries:
            last_id = _text(entry_id)
            data = json.loads(_text(fields.get("data") or fields.get(b"data") or "{}"))
            changes.append({"id": last_id, **data})
    return last_id, changes


def latest_id(redis: redis_lib.Redis, key: str) -> str:
    """The id of the newest change on `key`, to read only what happens from now on."""
    newest = redis.xrevrange(key, count=1)
    return _text(newest[0][0]) if newest else "0-0"


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
