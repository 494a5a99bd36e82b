"""Runtime emergency closures of a prime contractor, queue, language line or the contact centre.

Kept in Redis so that every app process sees a closure the moment a supervisor sets it. A closure
overrides the published hours until it is lifted (or until its optional end time, via key expiry).
It holds no personal data: the entity id, a short reason, who set it and when.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import redis

from config import clock
from models import keys


@dataclass(frozen=True, slots=True)
class Closure:
    """One emergency closure."""

    entity_id: str
    reason: str
    set_by: str
    set_at: datetime
    until: datetime | None


class EmergencyClosures:
    """Set, lift and read emergency closures; `known_ids` (if given) refuses unknown entities."""

    def __init__(self, redis_client: redis.Redis, *,
                 known_ids: Iterable[str] | None = None) -> None:
        self._redis = redis_client
        self._known = frozenset(known_ids) if known_ids is not None else None

    def close(self, entity_id: str, *, reason: str, set_by: str, until: datetime | None = None,
              now: datetime | None = None) -> Closure:
        """Close `entity_id` now, until lifted or until `until`."""
        self._check(entity_id)
        now = now or clock.now()
        if until is not None and until <= now:
            raise ValueError("a closure's end must be in the future")
        closure = Closure(entity_id, reason[:200], set_by[:64], now, until)
        payload = json.dumps({
            "reason": closure.reason, "set_by": closure.set_by, "set_at": now.isoformat(),
            "until": until.isoformat() if until else None,
        })
        ttl_ms = int((until - now).total_seconds() * 1000) if until else None
        self._redis.set(keys.key(keys.CLOSURE, entity=entity_id), payload, px=ttl_ms)
        return closure

    def reopen(self, entity_id: str) -> bool:
        """Lift the closure of `entity_id`; False when there was none."""
        self._check(entity_id)
        return bool(self._redis.delete(keys.key(keys.CLOSURE, entity=entity_id)))

    def is_closed(self, entity_id: str) -> bool:
        """True while `entity_id` is under an emergency closure."""
        return bool(self._redis.exists(keys.key(keys.CLOSURE, entity=entity_id)))

    def closed_among(self, entity_ids: Iterable[str]) -> frozenset[str]:
        """The ids among `entity_ids` that are closed now, read in one round trip (for plan())."""
        ids = list(entity_ids)
        if not ids:
            return frozenset()
        values = self._redis.mget([keys.key(keys.CLOSURE, entity=i) for i in ids])
        return frozenset(i for i, value in zip(ids, values, strict=True) if value is not None)

    def list(self, entity_ids: Iterable[str]) -> list[Closure]:
        """Every closure in force among `entity_ids`, for the supervisor dashboard."""
        ids = list(entity_ids)
        values = self._redis.mget([keys.key(keys.CLOSURE, entity=i) for i in ids]) if ids else []
        return [_closure(i, v) for i, v in zip(ids, values, strict=True) if v is not None]

    def _check(self, entity_id: str) -> None:
        if self._known is not None and entity_id not in self._known:
            raise ValueError(f"unknown contractor, queue or line: {entity_id!r}")


def _closure(entity_id: str, raw: str | bytes) -> Closure:
    data = json.loads(raw)
    until = data.get("until")
    return Closure(entity_id, data.get("reason", ""), data.get("set_by", ""),
                   datetime.fromisoformat(data["set_at"]),
                   datetime.fromisoformat(until) if until else None)
