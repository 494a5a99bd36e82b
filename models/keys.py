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
# The same per owner (a contractor or queue id): a hash of owner id -> JSON {"pending",
# "due_within_hour", "overdue", "failed_today"}, for the supervisor's dashboard and the worklists.
CALLBACKS_BY_OWNER = PREFIX + "callbacks:owners"
# Streams of callback changes for live pages, ids and codes only (never personal data): every
# change, for supervisors, and one stream per audience, "contractor:ID" or "contact-centre", so a
# page follows only what its viewer may see. Fields event="callback", data=JSON {"callback_id",
# "owner" ("contractor:ID" or "queue:ID"), "kind" (created, claimed, released, attempted,
# completed, failed, due_soon, overdue, dialling, call_update)}.
CALLBACK_EVENTS = PREFIX + "callbacks:events"
CALLBACK_EVENTS_FOR = PREFIX + "callbacks:events:{audience}"
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

# Staff console: failed sign-ins per username (a sorted set of times) and the lock that follows.
SIGNIN_FAILURES = PREFIX + "signin:{username}:failures"
SIGNIN_LOCK = PREFIX + "signin:{username}:lock"
# Presence of every adviser signed in: the set of their ids, and one hash per adviser.
ADVISERS = PREFIX + "advisers"
ADVISER = PREFIX + "adviser:{user_id}"
# What the dispatcher has given an adviser (a set of contact members) and who has a contact.
ADVISER_CONTACTS = PREFIX + "adviser:{user_id}:contacts"
ASSIGNMENT = PREFIX + "assigned:{member}"
# The adviser's live stream (offers, screen pops, presence changes) for the console page.
ADVISER_EVENTS = PREFIX + "adviser:{user_id}:events"
