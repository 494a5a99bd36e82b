"""Storing each presence change durably: Redis holds presence as it is now, this notices when the
status (or the reason for Away) differs from the one last stored and writes the interval.

Called after every change the server makes (routing.presence calls it; engine.dispatch after a
pairing and at a contact's end) and at each heartbeat, which also catches the changes nobody
makes a request for: a wrap-up time running out, a console that stopped sending heartbeats. The
interval starts when the change happened, not when it was noticed: Away when it was chosen (or
the heartbeat timeout after the last heartbeat), Busy when the earliest contact held was given,
Wrap-up when the last contact ended, Available when chosen or when the wrap-up ended.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from models import keys
from models.db import session_scope
from models.presence_history import record_presence

log = logging.getLogger(__name__)
LOGGED = "logged"  # field of the adviser's hash: "status|reason|started" last stored
NO_HEARTBEAT = "no heartbeat"


class PresenceHistory:
    """Write an adviser's presence changes to the presence_interval table, once each."""

    def __init__(self, redis_client: redis.Redis, engine: Engine, *, wrap_up_seconds: float,
                 heartbeat_timeout: float) -> None:
        self._redis = redis_client
        self._engine = engine
        self.wrap_up_seconds = wrap_up_seconds
        self.heartbeat_timeout = heartbeat_timeout

    def observe(self, view, now: float) -> None:
        """Store `view` (an AdviserPresence) if its status or reason differs from the last."""
        key = keys.key(keys.ADVISER, user_id=view.user_id)
        reason = view.reason if view.status == "away" else ""
        logged = (self._redis.hget(key, LOGGED) or "").split("|")
        if logged[:2] == [view.status, reason]:
            return
        since = self._since(view, now)
        if len(logged) == 3:
            since = max(since, float(logged[2]))
            if logged[1] == NO_HEARTBEAT and view.status != "away":
                since = now  # back after a silent console: from this request
        since = min(since, now)
        try:
            with session_scope(self._engine) as session:
                record_presence(session=session, adviser_id=view.user_id, state=view.status,
                                reason=reason, queues=",".join(view.queues),
                                at=datetime.fromtimestamp(since, UTC))
        except IntegrityError:
            pass  # another process opened the same interval first
        except SQLAlchemyError as error:  # presence goes on; the change is stored next time
            log.error("presence history not stored: %s", type(error).__name__, exc_info=error)
            return
        self._redis.hset(key, LOGGED, f"{view.status}|{reason}|{since}")

    def _since(self, view, now: float) -> float:
        data = self._redis.hmget(keys.key(keys.ADVISER, user_id=view.user_id),
                                 "changed", "heartbeat", "idle_since")
        changed, beat, idle = (float(v or 0) for v in data)
        changed = changed or beat
        if view.status == "away":
            return beat + self.heartbeat_timeout if view.reason == NO_HEARTBEAT else changed
        if view.status == "busy":
            members = self._redis.smembers(keys.key(keys.ADVISER_CONTACTS, user_id=view.user_id))
            given = [self._redis.hget(keys.key(keys.ASSIGNMENT, member=m), "at") for m in members]
            return min((float(g) for g in given if g), default=now)
        if view.status == "wrap_up":
            return view.wrap_up_until - self.wrap_up_seconds
        ended = view.wrap_up_until if 0 < view.wrap_up_until <= now else 0
        return max(changed, idle, ended)
