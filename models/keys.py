"""Every Redis key name the system uses, in one place: nothing collides and erasure finds them."""

PREFIX = "ct:"

# Live state of one phone call or chat, keyed by CallSid or chat session id.
CALL_STATE = PREFIX + "call:{call_sid}"
# One webhook of a call at a time, so a retried webhook waits for the first and then replays it.
CALL_LOCK = PREFIX + "call:{call_sid}:lock"
CHAT_SESSION = PREFIX + "chat:{session_id}"
CHAT_EVENTS = PREFIX + "chat:{session_id}:events"
# Queues of contacts waiting for a person, one sorted set per queue id.
QUEUE = PREFIX + "queue:{queue_id}"
QUEUE_WAITS = PREFIX + "queue:{queue_id}:waits"
# Runtime emergency closures, one key per contractor or queue id.
CLOSURE = PREFIX + "closure:{entity}"
# Callbacks: a due-time index and per-callback claim leases.
CALLBACKS_DUE = PREFIX + "callbacks:due"
CALLBACK_LEASE = PREFIX + "callback:{callback_id}:lease"
# The worker's latest count of open callbacks (pending, overdue, lapsed leases) for live pages.
CALLBACKS_SUMMARY = PREFIX + "callbacks:summary"
# Leases that let one of several worker replicas do a duty (summary, retention) at a time.
WORKER_LEASE = PREFIX + "worker:{duty}:lease"
# Rate limits, per chat session and per client address.
RATE = PREFIX + "rate:{scope}:{ident}"
# Rasa's own trackers and locks live in a separate Redis database, one key per sender id (the
# CallSid or chat session id). Rasa 3.6 names them key_prefix + ":tracker:" / ":lock:" + sender id,
# with bot/endpoints.yml's prefixes "careers" and "careerslock"; without a prefix, "tracker:" and
# "lock:". Named here so erasure and retention can find every one of them.
RASA_TRACKER = "careers:tracker:{sender_id}"
RASA_LOCK = "careerslock:lock:{sender_id}"
RASA_TRACKER_UNPREFIXED = "tracker:{sender_id}"
RASA_LOCK_UNPREFIXED = "lock:{sender_id}"
RASA_CONVERSATION_KEYS = (RASA_TRACKER, RASA_LOCK, RASA_TRACKER_UNPREFIXED, RASA_LOCK_UNPREFIXED)


def key(template: str, **parts: object) -> str:
    """Fill a key template, refusing empty parts that would merge unrelated keys."""
    if any(value in (None, "") for value in parts.values()):
        raise ValueError(f"empty key part for {template}")
    return template.format(**parts)

# Live event streams (live/): every writer of a stream that pages follow publishes the stream's
# key on this one pub/sub channel, so each events process needs a single subscriber connection.
STREAM_WAKE = PREFIX + "streams:wake"
# `make run`'s launcher: one hash field per child process, its status as JSON (see scripts/run.py).
PROCESSES = PREFIX + "processes"
# Webchats active lately (sorted set: session id -> last activity, epoch seconds) for load shedding.
CHATS_OPEN = PREFIX + "chats:open"
