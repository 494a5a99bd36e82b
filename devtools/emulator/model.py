"""The emulator's account: call legs, queues, conferences and endpoints, and their JSON resources.

Everything lives in memory behind one lock. Resource shapes follow twilio-oai's
`api.v2010.account.call`, `api.v2010.account.queue` and `api.v2010.account.queue.member` schemas
(https://github.com/twilio/twilio-oai, spec/json/twilio_api_v2010.json).
"""

from __future__ import annotations

import queue as queue_module
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

API_VERSION = "2010-04-01"
# https://www.twilio.com/docs/voice/api/queue-resource: max_size defaults to 1000, at most 5000.
DEFAULT_MAX_SIZE, LARGEST_MAX_SIZE = 1000, 5000
FINAL = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# Endpoint behaviours: answer at once, ring until someone answers by the control API (or the
# Dial's timeout passes), decline (reported as busy), be busy, ring out, or fail to connect.
ENDPOINT_MODES = frozenset({"answer", "manual", "refuse", "busy", "no-answer", "failed"})
# https://www.twilio.com/docs/voice/answering-machine-detection: the values of AnsweredBy.
ANSWERED_BY = frozenset({"human", "machine_start", "machine_end_beep", "machine_end_silence",
                         "machine_end_other", "fax", "unknown"})


def new_sid(prefix: str) -> str:
    """A Twilio-shaped sid: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def rfc2822(moment: datetime | None) -> str | None:
    """Twilio's REST dates: 'Tue, 01 Dec 2026 09:00:00 +0000'."""
    return format_datetime(moment.astimezone(UTC)) if moment else None


def utcnow() -> datetime:
    """Now, in UTC (the emulator keeps real time; the app may run on CLOCK_START)."""
    return datetime.now(UTC)


@dataclass
class Leg:
    """One call leg: its resource fields, what it heard, and its inbox of events."""

    sid: str
    account_sid: str
    to: str
    from_: str
    direction: str  # inbound, outbound-api, outbound-dial
    parent_sid: str | None = None
    status: str = "queued"
    answered_by: str | None = None
    date_created: datetime = field(default_factory=utcnow)
    date_updated: datetime = field(default_factory=utcnow)
    start_time: datetime | None = None
    end_time: datetime | None = None
    patient: bool = False
    heard: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)  # what the leg did, verb by verb
    waiting: str | None = None  # input, queue, ringing, dialing, bridged, conference
    turn: int = 0  # counts the times the leg began waiting (the control API's "settled")
    done: bool = False  # ended, and its last webhooks (status callback, actions) sent
    gather_input: str = ""
    queue_sid: str | None = None
    peer_sid: str | None = None
    conference: str | None = None
    end_conference_on_exit: bool = False
    # As a conference participant (the Participant resource): on hold (hears only the hold
    # music, is not heard), muted (not heard), its label, and the conference it was dialled
    # into by the Participants API (joined when it answers).
    hold: bool = False
    muted: bool = False
    label: str | None = None
    # Coaching (the Participant's `coaching` and `call_sid_to_coach`): heard by that call alone.
    coaching: bool = False
    call_sid_to_coach: str | None = None
    # A Participants API leg's `Beep`: whether the others hear it join (true, onEnter) and
    # leave (true, onExit); a TwiML join is always heard here.
    beep: str = "true"
    joining: str | None = None  # the room a Participants API leg joins when answered
    callback: tuple[str, str, frozenset[str]] | None = None  # url, method, events
    sequence: int = 0
    inbox: queue_module.Queue = field(default_factory=queue_module.Queue)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def ended(self) -> bool:
        """True once the leg has a final status."""
        return self.status in FINAL

    @property
    def state(self) -> str | None:
        """What the leg waits for now; a queued caller between wait documents is in "queue"."""
        return self.waiting or ("queue" if self.queue_sid and not self.ended else None)

    def duration(self) -> int:
        """Whole seconds from answer to end (or now), as Twilio's `duration` and CallDuration."""
        if not self.start_time:
            return 0
        return int(((self.end_time or utcnow()) - self.start_time).total_seconds())

    def touch(self, **changes: Any) -> None:
        """Change fields and wake whoever waits on this leg's state."""
        with self.changed:
            for name, value in changes.items():
                setattr(self, name, value)
            self.date_updated = utcnow()
            self.changed.notify_all()

    def hear(self, text: str) -> None:
        """Append something this leg's person heard."""
        with self.changed:
            self.heard.append(text)
            self.changed.notify_all()

    def resource(self, uri_base: str) -> dict[str, Any]:
        """The Call resource (https://www.twilio.com/docs/voice/api/call-resource)."""
        uri = f"{uri_base}/Calls/{self.sid}.json"
        return {
            "sid": self.sid, "date_created": rfc2822(self.date_created),
            "date_updated": rfc2822(self.date_updated), "parent_call_sid": self.parent_sid,
            "account_sid": self.account_sid, "to": self.to, "to_formatted": self.to,
            "from": self.from_, "from_formatted": self.from_, "phone_number_sid": None,
            "status": self.status, "start_time": rfc2822(self.start_time),
            "end_time": rfc2822(self.end_time),
            "duration": str(self.duration()) if self.ended else None,
            "price": None, "price_unit": "USD", "direction": self.direction,
            "answered_by": self.answered_by, "api_version": API_VERSION, "forwarded_from": None,
            "group_sid": None, "caller_name": None, "queue_time": "0", "trunk_sid": None,
            "uri": uri, "subresource_uris": {
                "notifications": uri.replace(".json", "/Notifications.json"),
                "recordings": uri.replace(".json", "/Recordings.json")},
        }


@dataclass
class Member:
    """A caller waiting in a queue."""

    call_sid: str
    enqueued: float  # time.monotonic()
    date_enqueued: datetime = field(default_factory=utcnow)

    def wait_time(self) -> int:
        """Seconds in the queue so far."""
        return int(time.monotonic() - self.enqueued)


@dataclass
class Queue:
    """A Twilio queue: members front first, and a moving average of finished waits."""

    sid: str
    account_sid: str
    friendly_name: str
    max_size: int = DEFAULT_MAX_SIZE
    members: list[Member] = field(default_factory=list)
    average_wait: float | None = None
    date_created: datetime = field(default_factory=utcnow)
    date_updated: datetime = field(default_factory=utcnow)

    def position(self, call_sid: str) -> int | None:
        """1 for the front of the queue; None when not in it."""
        for index, member in enumerate(self.members, start=1):
            if member.call_sid == call_sid:
                return index
        return None

    def remove(self, call_sid: str) -> Member | None:
        """Take a member out, folding its wait into the moving average."""
        for member in self.members:
            if member.call_sid == call_sid:
                self.members.remove(member)
                wait = member.wait_time()
                # (3 x old + new) / 4, as Asterisk's app_queue keeps its holdtime estimate.
                self.average_wait = wait if self.average_wait is None else \
                    (3 * self.average_wait + wait) / 4
                self.date_updated = utcnow()
                return member
        return None

    def average_wait_time(self) -> int:
        """The moving average of finished waits; the current members' mean before the first."""
        if self.average_wait is not None:
            return int(round(self.average_wait))
        waits = [m.wait_time() for m in self.members]
        return int(sum(waits) / len(waits)) if waits else 0

    def resource(self, uri_base: str) -> dict[str, Any]:
        """The Queue resource (https://www.twilio.com/docs/voice/api/queue-resource)."""
        return {
            "date_updated": rfc2822(self.date_updated), "current_size": len(self.members),
            "friendly_name": self.friendly_name, "uri": f"{uri_base}/Queues/{self.sid}.json",
            "account_sid": self.account_sid, "average_wait_time": self.average_wait_time(),
            "sid": self.sid, "date_created": rfc2822(self.date_created),
            "max_size": self.max_size,
        }

    def member_resource(self, member: Member, uri_base: str) -> dict[str, Any]:
        """The Member resource (https://www.twilio.com/docs/voice/api/member-resource)."""
        return {
            "call_sid": member.call_sid, "date_enqueued": rfc2822(member.date_enqueued),
            "position": self.position(member.call_sid),
            "uri": f"{uri_base}/Queues/{self.sid}/Members/{member.call_sid}.json",
            "wait_time": member.wait_time(), "queue_sid": self.sid,
        }


def conference_resource(account: Account, name: str) -> dict[str, Any]:
    """The Conference resource (twilio-oai `api.v2010.account.conference`), in progress."""
    sid = account.conference_sids[name]
    uri = f"{account.uri_base}/Conferences/{sid}.json"
    return {"account_sid": account.sid, "date_created": None, "date_updated": None,
            "api_version": API_VERSION, "friendly_name": name, "region": "ie1", "sid": sid,
            "status": "in-progress", "uri": uri, "reason_conference_ended": None,
            "call_sid_ending_conference": None,
            "subresource_uris": {"participants": uri.replace(".json", "/Participants.json")}}


def participant_resource(account: Account, conference_sid: str, leg: Leg) -> dict[str, Any]:
    """The Participant resource (twilio-oai `api.v2010.account.conference.participant`)."""
    return {"account_sid": account.sid, "call_sid": leg.sid, "label": leg.label,
            "call_sid_to_coach": leg.call_sid_to_coach, "coaching": leg.coaching,
            "conference_sid": conference_sid,
            "date_created": rfc2822(leg.start_time), "date_updated": rfc2822(leg.date_updated),
            "end_conference_on_exit": leg.end_conference_on_exit, "muted": leg.muted,
            "hold": leg.hold, "start_conference_on_enter": True,
            "status": "connected" if leg.conference else "connecting", "queue_time": "0",
            "uri": f"{account.uri_base}/Conferences/{conference_sid}/Participants/{leg.sid}.json"}


def audience(speaker: Leg, others: list[Leg]) -> list[Leg]:
    """Who in a conference hears `speaker`'s words, of the other participants `others`.

    A muted or held participant is heard by nobody; the held hear only their hold music. A
    coach is heard by the participant they coach alone: twilio-oai spec/json/
    twilio_api_v2010.json, CreateParticipant and UpdateParticipant, `CallSidToCoach`: "The SID
    of the participant who is being `coached`. The participant being coached is the only
    participant who can hear the participant who is `coaching`"
    (https://www.twilio.com/docs/voice/api/conference-participant-resource). The coach hears
    everyone, as any participant does.
    """
    if speaker.hold or speaker.muted:
        return []
    listeners = [other for other in others if not other.hold]
    if speaker.coaching:
        listeners = [other for other in listeners if other.sid == speaker.call_sid_to_coach]
    return listeners


@dataclass
class Endpoint:
    """How a number or `client:NAME` behaves when rung, and whether AMD hears a machine."""

    mode: str = "manual"
    answered_by: str = "human"


@dataclass
class Account:
    """All state of the emulated account."""

    sid: str
    token: str
    lock: threading.RLock = field(default_factory=threading.RLock)
    legs: dict[str, Leg] = field(default_factory=dict)
    queues: dict[str, Queue] = field(default_factory=dict)
    conferences: dict[str, list[str]] = field(default_factory=dict)
    conference_sids: dict[str, str] = field(default_factory=dict)  # room name -> CF… sid
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    # Legs whose webhooks no longer reach the app (a network fault): every request about them
    # fails as an unreachable app's would, status callbacks included.
    unreachable: set[str] = field(default_factory=set)
    changed: threading.Condition = field(default_factory=threading.Condition)

    @property
    def uri_base(self) -> str:
        """The account's REST path prefix."""
        return f"/{API_VERSION}/Accounts/{self.sid}"

    def add_leg(self, leg: Leg) -> Leg:
        """Register a new leg."""
        with self.lock:
            self.legs[leg.sid] = leg
        self.notify()
        return leg

    def notify(self) -> None:
        """Wake everyone waiting for any change (a leg ringing, a queue member arriving)."""
        with self.changed:
            self.changed.notify_all()

    def queue_named(self, name: str, *, create: bool = True) -> Queue | None:
        """The queue with this friendly name (created on first use, as <Enqueue> does)."""
        with self.lock:
            for q in self.queues.values():
                if q.friendly_name == name:
                    return q
            if not create:
                return None
            q = Queue(new_sid("QU"), self.sid, name)
            self.queues[q.sid] = q
            return q

    def queue_of(self, call_sid: str) -> Queue | None:
        """The queue a call is waiting in, if any."""
        with self.lock:
            return next((q for q in self.queues.values() if q.position(call_sid)), None)

    def endpoint(self, address: str) -> Endpoint:
        """How `address` behaves (a number or client:NAME); unknown ones ring until answered."""
        with self.lock:
            return self.endpoints.get(address) or Endpoint()
