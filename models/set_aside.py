"""National mailbox messages set aside for a person: recorded by the mailbox, shown on the desk.

A message the mailbox will not read (over the size cap) or could not take in (any failure) is moved
to the mailbox's set-aside folder so it is never retried in a loop. What is recorded here lets the
written desk see it without the console importing the channel: when, why, how large, and where it
is in the mailbox. Never its words, subject or sender: those stay in the mailbox.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime

from models import keys

# Enough for a person to work through; older records are dropped, the messages stay in the folder.
KEEP = 500
REASONS = {
    "too_large": "larger than the mailbox reads",
    "failed": "could not be taken in",
    "interrupted": "taking it in was interrupted",
}


@dataclass(frozen=True)
class SetAside:
    """One message set aside: where it is, when, why (a REASONS key) and the error's kind."""

    at: str
    folder: str
    uid: str
    reason: str
    size: int
    error: str = ""
    id: str = ""  # for the desk to say a person has dealt with it

    @property
    def why(self) -> str:
        """The reason in words for the desk."""
        return REASONS.get(self.reason, self.reason)

    @property
    def when(self) -> datetime:
        """`at` as a datetime."""
        return datetime.fromisoformat(self.at)


def record(redis_client, *, at: datetime, folder: str, uid: str, reason: str, size: int,
           error: str = "") -> SetAside:
    """Note a message set aside (newest first; the list is trimmed to KEEP)."""
    if reason not in REASONS:
        raise ValueError(f"unknown reason {reason!r}")
    entry = SetAside(at=at.isoformat(), folder=folder, uid=str(uid), reason=reason,
                     size=int(size), error=error[:80], id=uuid.uuid4().hex)
    pipe = redis_client.pipeline()
    pipe.lpush(keys.MAIL_SET_ASIDE, json.dumps(asdict(entry)))
    pipe.ltrim(keys.MAIL_SET_ASIDE, 0, KEEP - 1)
    pipe.execute()
    return entry


def waiting(redis_client, limit: int = 50) -> list[SetAside]:
    """The newest set-aside messages, for the written desk."""
    found = []
    for raw in redis_client.lrange(keys.MAIL_SET_ASIDE, 0, max(0, limit - 1)):
        try:
            found.append(SetAside(**json.loads(raw)))
        except (TypeError, ValueError):
            continue  # an unreadable record must not take the desk down
    return found


_ID = re.compile(r"[0-9a-f]{32}")


def dismiss(redis_client, entry_id: str) -> bool:
    """Forget one record once a person has dealt with its message; False if there is none."""
    if not _ID.fullmatch(entry_id):
        return False
    for raw in redis_client.lrange(keys.MAIL_SET_ASIDE, 0, -1):
        try:
            found = json.loads(raw).get("id") == entry_id
        except (AttributeError, ValueError):
            continue
        if found:
            return bool(redis_client.lrem(keys.MAIL_SET_ASIDE, 1, raw))
    return False


def count(redis_client) -> int:
    """How many set-aside messages are recorded."""
    return int(redis_client.llen(keys.MAIL_SET_ASIDE))
