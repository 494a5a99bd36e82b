"""Callback changes for live pages: a capped Redis stream of ids and codes (no personal data).

Readers filter by `owner` ("contractor:north-west", "queue:young_people"), so one contractor's
page never hears of another's callbacks; they then read what they may show from the database.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis as redis_lib
from sqlmodel import Session

from models import keys
from models.callbacks import Callback

log = logging.getLogger(__name__)
MAX_EVENTS = 10_000


def owner_of(callback: Any) -> str:
    """"contractor:ID" or "queue:ID" for a callback row or CallbackPublic."""
    if callback.contractor_id:
        return f"contractor:{callback.contractor_id}"
    return f"queue:{callback.queue_id}"


def publish(redis: redis_lib.Redis, callback: Any, kind: str) -> str:
    """Add one change to the stream; returns its stream id."""
    fields = {"callback_id": str(callback.id), "owner": owner_of(callback), "kind": kind,
              "at": f"{time.time():.3f}"}
    return redis.xadd(keys.CALLBACK_EVENTS, fields, maxlen=MAX_EVENTS, approximate=True)


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


def read_since(redis: redis_lib.Redis, last_id: str, owners: set[str] | None, *,
               block_ms: int = 0, count: int = 100) -> tuple[str, list[dict[str, str]]]:
    """Changes after `last_id` for `owners` (None: every owner), and the id to read on from."""
    answer = redis.xread({keys.CALLBACK_EVENTS: last_id}, count=count,
                         block=block_ms or None)
    changes = []
    for _stream, entries in answer or []:
        for entry_id, fields in entries:
            last_id = entry_id if isinstance(entry_id, str) else entry_id.decode()
            fields = {_text(k): _text(v) for k, v in fields.items()}
            if owners is None or fields.get("owner") in owners:
                changes.append({"id": last_id, **fields})
    return last_id, changes


def latest_id(redis: redis_lib.Redis) -> str:
    """The id of the newest change, to read only what happens from now on."""
    newest = redis.xrevrange(keys.CALLBACK_EVENTS, count=1)
    if not newest:
        return "0-0"
    entry_id = newest[0][0]
    return entry_id if isinstance(entry_id, str) else entry_id.decode()


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
