"""Figure counters kept as events happen: Redis hashes per local day, shared by every process.

The channels hand over the timeline events they have just committed (`observe`), plus the few
moments the timeline does not hold (`left_queue`, `note`). Each countable event becomes one Lua
script call that increments the day's counters and the hour's, and keeps the set of contacts
waiting now, atomically, so several app processes count as one and a restart loses nothing.
Each event is counted once: a retried webhook's event id is remembered (as a digest) for a day.

A queued contact counts on the local day and hour it joined the queue, also when it is answered
or abandoned after midnight, so each day's answered and abandoned belong to its own offered.
Field names are "measure|dimension|dimension" (see MEASURES); "-" means no dimension.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import redis

from models import keys
from routing.figure_definitions import Definitions, load_definitions

NONE = "-"
# The offender priority group never reaches management information (001:20.3).
NEVER_COUNTED_GROUPS = frozenset({"non_community", "non-community"})
MEASURES = {
    # measure: (first dimension, second dimension)
    "started": ("channel", NONE), "contained": ("channel", NONE),
    "assistant_abandoned": ("channel", NONE), "keypad_fallback": ("channel", NONE),
    "assistant_error": ("channel", NONE),
    "offered": ("channel", "queue"), "answered": ("channel", "queue"),
    "answered_within": ("channel", "queue"), "answered_wait_seconds": ("channel", "queue"),
    "abandoned": ("channel", "queue"), "short_abandoned": ("channel", "queue"),
    "abandoned_after": ("channel", "queue"), "abandoned_wait_seconds": ("channel", "queue"),
    "left": ("channel", "queue"),
    "warm_attempted": ("contractor", NONE), "warm": ("contractor", NONE),
    "failed_warm": ("contractor", NONE), "cold": ("contractor", NONE),
    "transfer_abandoned": ("contractor", NONE),
    "callback_created": ("owner", "source"),
    "destination": ("channel", "destination"), "priority_group": ("channel", "group"),
    # By number dialled and by route (000:L113): line names only, never a number.
    "line_started": ("line", "channel"), "line_route": ("line", "destination"),
    # The survey after the contact: satisfied, not_satisfied or skipped (no score), by channel.
    "satisfaction": ("channel", "result"),
}
OTHER_LINE = "other"

# KEYS: seen now, seen yesterday, reached now, reached yesterday, then the keys the ops name.
# ARGV: event digest ('' = count every time), contact digest, ttl seconds, mode, then ops in
# fours (op, key index, field, value). Mode 'reach' marks the contact as having reached a person
# (queue, transfer, callback) or given up; mode 'contain' applies the ops only if it never did.
_COUNT = """
local digest, contact, ttl, mode = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
if digest ~= '' then
  if redis.call('SISMEMBER', KEYS[2], digest) == 1 then return 0 end
  if redis.call('SADD', KEYS[1], digest) == 0 then return 0 end
  redis.call('EXPIRE', KEYS[1], 172800)
end
if mode == 'reach' then
  redis.call('SADD', KEYS[3], contact)
  redis.call('EXPIRE', KEYS[3], 172800)
elseif mode == 'contain' then
  if redis.call('SISMEMBER', KEYS[3], contact) == 1 or
     redis.call('SISMEMBER', KEYS[4], contact) == 1 then return 0 end
end
for i = 5, #ARGV, 4 do
  local op, key, field, value = ARGV[i], KEYS[tonumber(ARGV[i + 1])], ARGV[i + 2], ARGV[i + 3]
  if op == 'i' then
    redis.call('HINCRBY', key, field, value)
    redis.call('EXPIRE', key, ttl)
  elseif op == 'f' then
    redis.call('HINCRBYFLOAT', key, field, value)
    redis.call('EXPIRE', key, ttl)
  elseif op == 'z' then
    redis.call('ZADD', key, 'NX', value, field)
  elseif op == 'r' then
    redis.call('ZREM', key, field)
  end
end
return 1
"""


def field_name(measure: str, first: str | None = None, second: str | None = None) -> str:
    """The hash field of one counter."""
    return f"{measure}|{first or NONE}|{second or NONE}"


def digest(*parts: str) -> str:
    """A short one-way name for a contact or an event, so no figure key names a contact."""
    return hashlib.blake2b("|".join(parts).encode(), digest_size=10).hexdigest()


class _Count:
    """The ops of one countable event, collected before the script runs."""

    def __init__(self, figures: Figures, at: datetime) -> None:
        self.figures, self.at = figures, at
        self.keys: list[str] = []
        self.ops: list[str] = []

    def _key(self, key: str) -> int:
        if key not in self.keys:
            self.keys.append(key)
        return self.keys.index(key) + 5  # after the four fixed keys (Lua is 1-based)

    def add(self, measure: str, first: str | None, second: str | None, amount: float = 1,
            *, at: datetime | None = None) -> None:
        """Increment one counter for the day and hour of `at` (the event's time by default)."""
        day, hour = self.figures.buckets(at or self.at)
        name = field_name(measure, first, second)
        op = "i" if float(amount).is_integer() else "f"
        value = str(int(amount)) if op == "i" else repr(float(amount))
        self.ops += [op, str(self._key(keys.key(keys.FIGURES_DAY, date=day))), name, value]
        self.ops += [op, str(self._key(keys.key(keys.FIGURES_HOUR, date=day))),
                     f"{hour}|{name}", value]

    def waiting(self, queue: str, member: str, joined: float | None) -> None:
        """Add (joined given) or remove (None) a contact from the queue's waiting set."""
        key = str(self._key(keys.key(keys.FIGURES_WAITING, queue_id=queue)))
        self.ops += ["z", key, member, repr(joined)] if joined is not None else \
            ["r", key, member, "0"]


class Figures:
    """Count contact-centre figures into Redis (`redis_client` decodes responses)."""

    def __init__(self, redis_client: redis.Redis, definitions: Definitions | None = None) -> None:
        self.redis = redis_client
        self.definitions = definitions or load_definitions()
        self._script = redis_client.register_script(_COUNT)

    def buckets(self, at: datetime) -> tuple[str, int]:
        """The local date (YYYY-MM-DD) and the UTC start (epoch seconds) of the hour of `at`."""
        utc = at.astimezone(UTC)
        hour = utc.replace(minute=0, second=0, microsecond=0)
        return utc.astimezone(self.definitions.timezone).date().isoformat(), int(hour.timestamp())

    def observe(self, channel: str, contact_key: str, events: Iterable[Any]) -> int:
        """Count the figures in timeline events just committed (kind, at, event_id, detail)."""
        counted = 0
        for event in events:
            kind = str(getattr(event.kind, "value", event.kind))
            handler = _HANDLERS.get(kind)
            if handler is not None:
                counted += handler(self, channel, contact_key, event, event.detail or {})
        return counted

    def left_queue(self, channel: str, contact_key: str, *, queue: str | None, at: datetime,
                   waited: float | None = None, event_id: str = "left") -> int:
        """A queued contact left for a callback or was redirected: neither answered nor
        abandoned, but no longer waiting."""
        queue = base_queue(queue)
        if not queue:
            return 0
        joined = self._joined(queue, channel, contact_key, at, waited)
        count = _Count(self, at)
        count.add("left", channel, queue, at=joined)
        count.waiting(queue, _member(channel, contact_key), None)
        return self._run(count, contact_key, event_id, mode="reach")

    def note(self, channel: str, measure: str, *, at: datetime, contact_key: str | None = None,
             event_id: str | None = None) -> int:
        """Count a moment the timeline does not hold: keypad_fallback or assistant_error."""
        if measure not in ("keypad_fallback", "assistant_error"):
            raise ValueError(f"not a noted measure: {measure}")
        count = _Count(self, at)
        count.add(measure, channel, None)
        return self._run(count, contact_key or "", event_id if contact_key else None)

    # -- the events -------------------------------------------------------------------------

    def _started(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        line = self._line(channel, detail)
        count = _Count(self, event.at)
        count.add("started", channel, None)
        count.add("line_started", line, channel)
        if channel == "phone":  # the route is counted later, under the line the call came in on
            self.redis.set(keys.key(keys.FIGURES_LINE, contact=digest(key)), line, ex=172800)
        return self._run(count, key, "started")

    def _triaged(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        decision = detail.get("decision") if isinstance(detail.get("decision"), dict) else detail
        destination = decision.get("destination")
        if not destination or destination == "incomplete":
            return 0
        count = _Count(self, event.at)
        count.add("destination", channel, destination)
        count.add("line_route", self._contact_line(channel, key), destination)
        for group in decision.get("priority_groups") or ():
            if group not in NEVER_COUNTED_GROUPS:
                count.add("priority_group", channel, str(group))
        return self._run(count, key, "triaged")  # the first complete decision of a contact

    def _enqueued(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        queue = base_queue(detail.get("queue"))
        if not queue:
            return 0
        count = _Count(self, event.at)
        count.add("offered", channel, queue)
        count.waiting(queue, _member(channel, key), event.at.timestamp())
        return self._run(count, key, event.event_id or f"enqueued:{event.at.timestamp()}",
                         mode="reach")

    def _answered(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        queue = base_queue(detail.get("queue"))
        if not queue:
            return 0
        waited = _seconds(detail.get("queue_time", detail.get("waited_seconds")))
        joined = self._joined(queue, channel, key, event.at, waited)
        waited = max(0.0, (event.at - joined).total_seconds()) if waited is None else waited
        definition = self.definitions.for_queue(queue)
        count = _Count(self, event.at)
        count.add("answered", channel, queue, at=joined)
        count.add("answered_wait_seconds", channel, queue, waited, at=joined)
        if definition.answered_within(waited):
            count.add("answered_within", channel, queue, at=joined)
        count.waiting(queue, _member(channel, key), None)
        return self._run(count, key, event.event_id or f"answered:{queue}", mode="reach")

    def _abandoned(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        where = detail.get("where")
        count = _Count(self, event.at)
        if where in ("assistant", "identity"):  # before a queue: the self-service part's hang-ups
            count.add("assistant_abandoned", channel, None)
            return self._run(count, key, event.event_id or "abandoned", mode="reach")
        if where == "transfer":
            count.add("transfer_abandoned", detail.get("contractor"), None)
            return self._run(count, key, event.event_id or "abandoned", mode="reach")
        queue = base_queue(detail.get("queue")) or self._waiting_queue(channel, key)
        if not queue:
            return 0
        waited = _seconds(detail.get("queue_time"))
        joined = self._joined(queue, channel, key, event.at, waited)
        waited = max(0.0, (event.at - joined).total_seconds()) if waited is None else waited
        definition = self.definitions.for_queue(queue)
        count.add("abandoned", channel, queue, at=joined)
        count.add("abandoned_wait_seconds", channel, queue, waited, at=joined)
        if definition.short_abandon(waited):
            count.add("short_abandoned", channel, queue, at=joined)
        if not definition.answered_within(waited):
            count.add("abandoned_after", channel, queue, at=joined)
        count.waiting(queue, _member(channel, key), None)
        return self._run(count, key, event.event_id or "abandoned", mode="reach")

    def _transfer(measure: str):  # noqa: N805 - a factory of handlers, used in the table below
        def handler(self: Figures, channel: str, key: str, event: Any, detail: Mapping) -> int:
            contractor = detail.get("contractor")
            if not contractor:
                return 0
            count = _Count(self, event.at)
            count.add(measure, contractor, None)
            return self._run(count, key, event.event_id or measure, mode="reach")
        return handler

    def _callback_created(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        owner = detail.get("contractor_id") or detail.get("queue_id") or detail.get("owner")
        source = detail.get("source")
        count = _Count(self, event.at)
        count.add("callback_created", owner, source)
        if source == "cold_transfer" and owner in self._contractors():
            count.add("cold", owner, None)
        return self._run(count, key, event.event_id or "callback_created", mode="reach")

    def _queue_changed(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        """An adviser passed a contact they had taken to another queue: it is offered there
        afresh (its first queue keeps its answer)."""
        joined = SimpleNamespace(at=event.at, event_id=f"moved:{event.at.timestamp()}")
        return self._enqueued(channel, key, joined, {"queue": base_queue(detail.get("to"))})

    def _satisfaction(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        """A survey answered or skipped; whether the score counts as satisfied is in the event
        (the survey's configuration decides it, engine.satisfaction)."""
        result = ("skipped" if detail.get("score") is None else
                  "satisfied" if detail.get("satisfied") else "not_satisfied")
        count = _Count(self, event.at)
        count.add("satisfaction", channel, result)
        return self._run(count, key, "satisfaction")

    def _ended(self, channel: str, key: str, event: Any, detail: Mapping) -> int:
        count = _Count(self, event.at)
        count.add("contained", channel, None)
        return self._run(count, key, "ended", mode="contain")

    # -- helpers ----------------------------------------------------------------------------

    def _run(self, count: _Count, contact_key: str, event_id: str | None, mode: str = "") -> int:
        if not count.ops:
            return 0
        day = count.figures.buckets(count.at)[0]
        previous = (datetime.fromisoformat(day) - timedelta(days=1)).date().isoformat()
        fixed = [keys.key(keys.FIGURES_SEEN, date=day), keys.key(keys.FIGURES_SEEN, date=previous),
                 keys.key(keys.FIGURES_REACHED, date=day),
                 keys.key(keys.FIGURES_REACHED, date=previous)]
        event_digest = digest(contact_key, event_id) if event_id else ""
        ttl = self.definitions.keep_days_in_redis * 86400
        args = [event_digest, digest(contact_key), ttl, mode, *count.ops]
        return int(self._script(keys=fixed + count.keys, args=args))

    def _joined(self, queue: str, channel: str, key: str, at: datetime,
                waited: float | None) -> datetime:
        """When the contact joined the queue: from its wait, else from the waiting set."""
        if waited is not None:
            return at - timedelta(seconds=waited)
        score = self.redis.zscore(keys.key(keys.FIGURES_WAITING, queue_id=queue),
                                  _member(channel, key))
        return datetime.fromtimestamp(float(score), UTC) if score is not None else at

    def _line(self, channel: str, detail: Mapping) -> str:
        """The line a contact starts on: a call's configured line name, else the entry point."""
        if channel != "phone":
            return self.definitions.entry_point(channel)
        return line_label(detail.get("line"))

    def _contact_line(self, channel: str, key: str) -> str:
        if channel != "phone":
            return self.definitions.entry_point(channel)
        return line_label(self.redis.get(keys.key(keys.FIGURES_LINE, contact=digest(key))))

    def _waiting_queue(self, channel: str, key: str) -> str | None:
        """The queue a contact is waiting in (for an abandon that did not say)."""
        member = _member(channel, key)
        for queue in self._queue_ids():
            if self.redis.zscore(keys.key(keys.FIGURES_WAITING, queue_id=queue), member):
                return queue
        return None

    @staticmethod
    def _queue_ids() -> tuple[str, ...]:
        from routing.plan import default_directory  # late: the directory loads YAML once
        return tuple(default_directory().queues)

    @staticmethod
    def _contractors() -> frozenset[str]:
        from routing.plan import default_directory
        return frozenset(default_directory().contractors)


def base_queue(queue: str | None) -> str | None:
    """The contact-centre queue a waiting queue belongs to: each language line's own queue
    ("language_lines:polish") counts as the language lines' queue."""
    return queue.split(":")[0] if queue else None


def line_label(name: Any) -> str:
    """A line name fit for a counter: OTHER_LINE for none, and for anything with a digit in it
    (line names never have one, so a number dialled can never become a label)."""
    text = str(name or "").strip().replace("|", "/")[:48]
    return text if text and not any(c.isdigit() for c in text) else OTHER_LINE


def _member(channel: str, contact_key: str) -> str:
    return f"{channel}|{digest(contact_key)}"


def _seconds(value: Any) -> float | None:
    try:
        return max(0.0, float(value)) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


_HANDLERS = {
    "started": Figures._started, "triaged": Figures._triaged, "enqueued": Figures._enqueued,
    "answered": Figures._answered, "abandoned": Figures._abandoned,
    "transfer_attempted": Figures._transfer("warm_attempted"),
    "transferred": Figures._transfer("warm"), "transfer_failed": Figures._transfer("failed_warm"),
    "callback_created": Figures._callback_created, "ended": Figures._ended,
    "queue_changed": Figures._queue_changed, "satisfaction": Figures._satisfaction,
}
