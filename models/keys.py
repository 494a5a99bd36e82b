"""Every Redis key name the system uses, in one place: nothing collides and erasure finds them.

Per-contact keys are also registered with `per_contact`, so erasure (models/erasure.py) and the
end of a call or chat reach every one of them without knowing who added it. A new key that names a
contact takes one line here:

    MY_KEY = PREFIX + "thing:{call_sid}"
    per_contact(PREFIX + "thing:{contact}")                 # a key per contact
    per_contact(PREFIX + "things:*", holds_contacts=True)   # a shared set/zset/list/hash/stream
                                                             # whose members or entries name one

A pattern names the contact by exactly one of `{contact}` (the contact key: the CallSid, or
"webchat-" + a digest for a chat), `{session}` (the chat session id the chat API returned) or
`{digest}` (the hex digest of a chat session id, as rate limits and chat contact keys hold it)
or `{callback}` (the id of a callback made for the contact); any other part may be `*`.
`store="tracker"` puts it in the assistant's Redis database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PREFIX = "ct:"


@dataclass(frozen=True)
class ContactPattern:
    """A Redis key pattern that names one contact, or a shared collection holding contacts."""

    pattern: str
    store: str = "live"  # "live" (REDIS_URL) or "tracker" (the assistant's database)
    holds_contacts: bool = False  # members, fields or stream entries are contact identifiers


CONTACT_PATTERNS: list[ContactPattern] = []
IDENTIFIERS = ("contact", "session", "digest", "callback")


def per_contact(pattern: str, *, store: str = "live", holds_contacts: bool = False) -> str:
    """Register a key pattern that names a contact (see the module docstring); returns it."""
    if store not in ("live", "tracker"):
        raise ValueError(f"unknown store {store!r}")
    named = [f"{{{name}}}" in pattern for name in IDENTIFIERS]
    if sum(named) != (0 if holds_contacts else 1):
        raise ValueError(f"{pattern}: name the contact by one of {IDENTIFIERS}")
    CONTACT_PATTERNS.append(ContactPattern(pattern, store, holds_contacts))
    return pattern

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
# Supervisor figures (routing.figures): counters per local day, and per hour of it; contacts
# waiting now per queue; which events were counted and which contacts reached a person, by digest
# (never the contact key itself, so no figure key names a customer's contact).
FIGURES_DAY = PREFIX + "fig:day:{date}"
FIGURES_HOUR = PREFIX + "fig:hour:{date}"
FIGURES_WAITING = PREFIX + "fig:waiting:{queue_id}"
FIGURES_SEEN = PREFIX + "fig:seen:{date}"
FIGURES_REACHED = PREFIX + "fig:reached:{date}"
FIGURES_LINE = PREFIX + "fig:line:{contact}"  # a call's line name, by the contact's digest
# Safeguarding alerts for supervisors (003:L211): a Redis stream, one entry per concern raised
# on any channel; fields in routing/safeguarding_alerts.py. Never a transcript.
SAFEGUARDING_ALERTS = PREFIX + "alerts:safeguarding"
# The supervisors' safeguarding panel follows this stream: fields event="alert", data=JSON
# {"id" (the alert's stream id), "change" (raised, acknowledged, assigned, outcome, closed)},
# ids and codes only, never a contact. And how far the panel has copied the alerts into the
# database (the last stream id recorded as a case, models.safeguarding_cases).
SAFEGUARDING_PANEL = PREFIX + "alerts:safeguarding:panel"
SAFEGUARDING_RECORDED = PREFIX + "alerts:safeguarding:recorded"
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
# A warm transfer ringing at a prime contractor, for its advisers' consoles: one hash per call
# (contractor, the ringing leg's sid, since when, and who took it: the one HSETNX that decides
# between the whisper's 1 and the console's Accept), and one sorted set per contractor of the
# calls ringing there now (CallSid -> since). Their live pages hear only "transfer" and a kind
# on the contractor's callback stream, never whose call it is.
TRANSFER_OFFER = PREFIX + "call:{call_sid}:transfer"
TRANSFERS_RINGING = PREFIX + "transfers:{contractor_id}"
# What the adviser on a live call did with it from the desk (engine.desk_calls): one hash per call
# whose "action" field is set once (HSETNX), so of two processes racing the same transfer one
# wins; a warm transfer keeps its contractor, its leg and its step beside it.
DESK_CALL = PREFIX + "call:{call_sid}:desk"
# A supervisor on the call (engine.call_monitoring): who, their leg, mode and step; set once.
CALL_MONITOR = PREFIX + "call:{call_sid}:monitor"
# The call a supervisor is on (a hash of one field: its CallSid), so they are on one at a time.
SUPERVISOR_MONITORING = PREFIX + "supervisor:{user_id}:monitoring"
# Leases that let one of several worker replicas do a duty (summary, retention) at a time.
WORKER_LEASE = PREFIX + "worker:{duty}:lease"
# A contact the reconciler (routing.reconcile) is ending because its customer has gone unseen: set
# once by the one replica that takes it out of its queue, so two rounds never end it twice.
RECONCILED = PREFIX + "reconciled:{member}"
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

# The registry of keys that name a contact (add yours beside these).
per_contact(PREFIX + "call:{contact}")
per_contact(PREFIX + "call:{contact}:lock")
per_contact(PREFIX + "call:{contact}:transfer")
per_contact(PREFIX + "call:{contact}:desk")
per_contact(PREFIX + "call:{contact}:monitor")
per_contact(PREFIX + "transfers:*", holds_contacts=True)
per_contact(PREFIX + "chat:{session}")
per_contact(PREFIX + "chat:{session}:events")
per_contact(PREFIX + "rate:*:{digest}:*")
per_contact(PREFIX + "queue:*", holds_contacts=True)
per_contact(PREFIX + "callback:{callback}:lease")
per_contact(CALLBACKS_DUE, holds_contacts=True)
for _template in RASA_CONVERSATION_KEYS:
    per_contact(_template.format(sender_id="{contact}"), store="tracker")
    per_contact(_template.format(sender_id="{session}"), store="tracker")


def session_digest(session_id: str) -> str:
    """The digest by which keys name a chat session without holding its id (a credential)."""
    return hashlib.sha256(session_id.encode()).hexdigest()[:24]


def chat_contact_key(session_id: str) -> str:
    """A chat's contact key, derived from its session id: one identity across every store."""
    return f"webchat-{session_digest(session_id)}"


def key(template: str, **parts: object) -> str:
    """Fill a key template, refusing empty parts that would merge unrelated keys."""
    if any(value in (None, "") for value in parts.values()):
        raise ValueError(f"empty key part for {template}")
    return template.format(**parts)

# Staff console: failed sign-ins per username (a sorted set of times) and the lock that follows.
SIGNIN_FAILURES = PREFIX + "signin:{username}:failures"
SIGNIN_LOCK = PREFIX + "signin:{username}:lock"
# Sign-in attempts not (yet) successful per minute window: per client address (a digest), and
# from every address together.
SIGNIN_BY_ADDRESS = PREFIX + "signin-address:{address}:{window}"
SIGNIN_ALL = PREFIX + "signin-all:{window}"
# Server-side staff sessions: one per session id digest (the cookie holds the id itself), and
# the digests of each user's sessions, so a new password or a disabled account ends them all.
STAFF_SESSION = PREFIX + "staff-session:{digest}"
STAFF_SESSIONS = PREFIX + "staff:{user_id}:sessions"
# Presence of every adviser signed in: the set of their ids, and one hash per adviser.
ADVISERS = PREFIX + "advisers"
ADVISER = PREFIX + "adviser:{user_id}"
# What the dispatcher has given an adviser (a set of contact members) and who has a contact.
ADVISER_CONTACTS = PREFIX + "adviser:{user_id}:contacts"
ASSIGNMENT = PREFIX + "assigned:{member}"
# The adviser's live stream (offers, screen pops, presence changes) for the console page.
ADVISER_EVENTS = PREFIX + "adviser:{user_id}:events"
# Contacts an adviser has finished but not yet wrapped up (member -> channel).
ADVISER_WRAP_UPS = PREFIX + "adviser:{user_id}:wrapups"
# A staff account's alert preferences (hash: sound "1"/"0", volume 0-1), kept across sign-ins.
STAFF_ALERTS = PREFIX + "staff:{user_id}:alerts"
# Outcome codes a desk action set for the adviser's contacts (member -> code): the wrap-up
# records it unless the adviser chooses another.
ADVISER_SET_OUTCOMES = PREFIX + "adviser:{user_id}:outcomes"
# Live event streams (live/): every writer of a stream that pages follow publishes the stream's
# key on this one pub/sub channel, so each events process needs a single subscriber connection.
STREAM_WAKE = PREFIX + "streams:wake"
# `make run`'s launcher: one hash field per child process, its status as JSON (see scripts/run.py).
PROCESSES = PREFIX + "processes"
# National mailbox messages set aside unread (too large, or failing to be taken in): a list of JSON
# records, newest first, that the written desk shows until a person has dealt with each one.
MAIL_SET_ASIDE = PREFIX + "mail:set-aside"
# Webchats active lately (sorted set: session id -> last activity, epoch seconds) for load shedding.
CHATS_OPEN = PREFIX + "chats:open"
# Wall screens allowed to read the wallboard: sha256 of the screen's token -> its name and issue.
WALLBOARD_SCREENS = PREFIX + "wallboard:screens"

# Erasure reaches these too (the registry above): the dispatcher's and console's keys name a
# contact by its member (the CallSid or the chat session id), the load-shedding set and the
# supervisors' safeguarding alerts hold contacts among their members or entries.
per_contact(ASSIGNMENT.format(member="{contact}"))
per_contact(ASSIGNMENT.format(member="{session}"))
per_contact(RECONCILED.format(member="{contact}"))
per_contact(RECONCILED.format(member="{session}"))
per_contact(ADVISER_CONTACTS.format(user_id="*"), holds_contacts=True)
per_contact(ADVISER_WRAP_UPS.format(user_id="*"), holds_contacts=True)
per_contact(ADVISER_SET_OUTCOMES.format(user_id="*"), holds_contacts=True)
per_contact(SUPERVISOR_MONITORING.format(user_id="*"), holds_contacts=True)
per_contact(ADVISER_EVENTS.format(user_id="*"), holds_contacts=True)
per_contact(CHATS_OPEN, holds_contacts=True)
per_contact(SAFEGUARDING_ALERTS, holds_contacts=True)
