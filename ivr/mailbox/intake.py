"""Read the national mailbox over IMAP: each unseen email becomes an enquiry or joins its thread.

No message can stop the channel. Its size is asked for first and one over the cap is set aside
unread; a message is claimed (\\Seen and a keyword) before it is parsed, and one that fails to be
taken in, or whose taking-in was cut short by the process dying, is moved to the set-aside folder
and recorded for the written desk (models/set_aside.py) instead of being read again and again.
Each Message-ID is stored once, so nothing is duplicated. A new enquiry whose facts are incomplete
gets an automatic reply asking for what is missing; an automatic reply does not stop the clock.
"""

from __future__ import annotations

import imaplib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from ivr import safeguarding
from ivr.forms.enquiry import receive
from ivr.mailbox.account import ImapAccount
from ivr.mailbox.reading import Incoming, facts_from_parse, read
from ivr.mailbox.replies import Outbox, acknowledgement
from ivr.rasa_client import RasaClient, RasaUnavailable
from models import set_aside
from routing.directory import Directory
from routing.written import add_incoming, find_thread

log = logging.getLogger(__name__)

__all__ = ["ImapAccount", "MailLimits", "poll_once", "take_in"]

# IMAP keywords (RFC 3501 flag atoms): one being taken in now, and one set aside for a person.
CLAIMED = "CareersTakingIn"
SET_ASIDE = "CareersSetAside"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass(frozen=True)
class MailLimits:
    """What the intake will read: message size (bytes, before any parsing), words kept, and the
    folder a message goes to when it is set aside."""

    max_bytes: int = 10 * 1024 * 1024
    max_text_chars: int = 100_000
    set_aside_folder: str = "Set-aside"


def poll_once(account: ImapAccount, *, engine, directory: Directory, outbox: Outbox | None,
              rasa: RasaClient | None, clock: Callable[[], datetime], redis_client=None,
              limits: MailLimits = MailLimits()) -> int:
    """Take in every unseen message; return how many were new to us. One message failing sets
    that message aside; only the mailbox itself being unreachable raises (OSError, IMAP errors)."""
    taken = 0
    with account.connect() as imap:
        imap.login(account.user, account.password)
        imap.select(account.folder)
        aside = _SetAside(imap, limits.set_aside_folder, redis_client, clock)
        # Claimed by a process that died while taking it in: it may be what killed the process.
        for uid in _search(imap, "KEYWORD", CLAIMED):
            aside.put(uid, "interrupted", _size(imap, uid))
        for uid in _search(imap, "UNSEEN"):
            size = _size(imap, uid)
            if size is None or size > limits.max_bytes:
                aside.put(uid, "too_large", size)  # never fetched, never parsed
                continue
            _, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"")
            # Claimed before parsing, so even a crash that kills the process cannot loop on it.
            imap.uid("STORE", uid, "+FLAGS", f"(\\Seen {CLAIMED})")
            try:
                if raw and take_in(read(raw, max_chars=limits.max_text_chars), engine=engine,
                                   directory=directory, outbox=outbox, rasa=rasa, at=clock(),
                                   redis_client=redis_client):
                    taken += 1
            except Exception as error:  # noqa: BLE001 - whatever it is, a person looks at it
                aside.put(uid, "failed", size, error=type(error).__name__)
                continue
            imap.uid("STORE", uid, "-FLAGS", f"({CLAIMED})")
    return taken


class _SetAside:
    """Moves messages to the set-aside folder and records them for the written desk."""

    def __init__(self, imap: imaplib.IMAP4, folder: str, redis_client, clock) -> None:
        self.imap, self.folder, self.redis, self.clock = imap, folder, redis_client, clock
        self.ready = False

    def put(self, uid: bytes, reason: str, size: int | None, error: str = "") -> None:
        """Flag it first (so it is never taken again even if the move fails), then move it."""
        self.imap.uid("STORE", uid, "+FLAGS", f"(\\Seen {SET_ASIDE})")
        self.imap.uid("STORE", uid, "-FLAGS", f"({CLAIMED})")
        folder, where = self._move(uid)
        # The kind of failure only: never the words or the sender (they stay in the mailbox).
        log.error("an email was set aside for a person (%s%s, %s bytes) in %s", reason,
                  f": {error}" if error else "", size if size is not None else "unknown", folder)
        if self.redis is not None:
            set_aside.record(self.redis, at=self.clock(), folder=folder, uid=where, reason=reason,
                             size=size or 0, error=error)

    def _move(self, uid: bytes) -> tuple[str, str]:
        if not self.ready:
            self.imap.create(_quoted(self.folder))  # NO when it exists already, which is fine
            self.ready = True
        typ, _ = self.imap.uid("MOVE", uid, _quoted(self.folder))
        if typ != "OK":
            return "INBOX", uid.decode()  # flagged in place: still never read again
        _, copied = self.imap.response("COPYUID")
        # "[COPYUID validity source destination]": the message's UID in the set-aside folder.
        parts = (copied[0] or b"").split() if copied and copied[0] else []
        return self.folder, (parts[2].decode() if len(parts) == 3 else uid.decode())


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _search(imap: imaplib.IMAP4, *criteria: str) -> list[bytes]:
    _, found = imap.uid("SEARCH", None, *criteria)
    return (found[0] or b"").split() if found else []


def _size(imap: imaplib.IMAP4, uid: bytes) -> int | None:
    """The message's size as the server counts it, without fetching any of it."""
    _, data = imap.uid("FETCH", uid, "(RFC822.SIZE)")
    for part in data or []:
        line = part[0] if isinstance(part, tuple) else part
        if isinstance(line, bytes) and (found := _SIZE.search(line)):
            return int(found.group(1))
    return None


def take_in(incoming: Incoming, *, engine, directory: Directory, outbox: Outbox | None,
            rasa: RasaClient | None, at: datetime, redis_client=None) -> bool:
    """Store one email: a new enquiry, or the next message of its thread. False if seen before.

    Every message is screened for safeguarding, a reply in a thread as much as a new enquiry;
    a concern alerts supervisors on `redis_client` (003:L211).
    """
    if not incoming.message_id or not incoming.sender:
        log.info("email without a Message-ID or sender ignored")
        return False
    with Session(engine) as session:
        thread = find_thread(session=session, message_ids=incoming.refers_to)
        if thread is not None:
            concern = safeguarding.check(incoming.text)
            if concern is not None and redis_client is not None:
                safeguarding.alert(redis_client, contact=thread.contact_key, channel="email",
                                   concern=concern, where="enquiry", at=at)
            return add_incoming(session=session, enquiry_id=thread.id,
                                message_id=incoming.message_id, text=incoming.text, at=at,
                                attachments_dropped=incoming.attachments,
                                concern=concern is not None)
        if find_thread(session=session, message_ids=[incoming.message_id]) is not None:
            return False
        facts = facts_from_parse(_parse(rasa, incoming), incoming.text)
        received = receive(session=session, facts=facts, text=incoming.text or "(no text)",
                           reply_to=incoming.sender, channel="email", at=at, directory=directory,
                           message_id=incoming.message_id, subject=incoming.subject,
                           attachments_dropped=incoming.attachments, redis_client=redis_client,
                           # The worker's round confirms it (no app here); only to a sender
                           # that may be answered automatically.
                           confirm_by_email=incoming.may_auto_reply)
        if outbox is not None and incoming.may_auto_reply:
            try:
                acknowledgement(outbox, session=session, enquiry=received.enquiry,
                                missing=received.route.decision.get("missing", []), at=at)
            except OSError as error:
                # The enquiry is stored and waiting; only the automatic reply is lost.
                log.warning("automatic reply not sent (%s)", type(error).__name__)
    return True


def _parse(rasa: RasaClient | None, incoming: Incoming) -> dict[str, Any] | None:
    if rasa is None or not incoming.text:
        return None
    try:
        return rasa.parse(f"{incoming.subject}\n{incoming.text}"[:2000])
    except RasaUnavailable:
        # The rules still run on what can be read without the assistant (postcodes, places).
        log.warning("assistant unavailable for an email enquiry; triaged without its NLU")
        return None
