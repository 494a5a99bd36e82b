"""Read the national mailbox over IMAP: each unseen email becomes an enquiry or joins its thread.

A message is marked \\Seen only after its enquiry is committed, and each Message-ID is stored once,
so a crash between the two reads the message again without duplicating it. A new enquiry whose
facts are incomplete gets an automatic reply asking for what is missing (in the same thread); an
adviser's answer still stops the response clock, an automatic reply does not.
"""

from __future__ import annotations

import imaplib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlmodel import Session

from ivr import safeguarding
from ivr.forms.enquiry import receive
from ivr.mailbox.reading import Incoming, facts_from_parse, read
from ivr.mailbox.replies import Outbox, acknowledgement
from ivr.rasa_client import RasaClient, RasaUnavailable
from routing.directory import Directory
from routing.written import add_incoming, find_thread

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImapAccount:
    """Where the national mailbox is: imap://USER:PASSWORD@HOST:PORT/FOLDER."""

    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"

    @classmethod
    def from_url(cls, url: str) -> ImapAccount:
        """Parse an imap:// URL (the MAIL_IMAP_URL setting)."""
        parts = urlsplit(url)
        if parts.scheme != "imap" or not parts.hostname or not parts.username:
            raise ValueError("MAIL_IMAP_URL must look like imap://user:password@host:port/INBOX")
        return cls(host=parts.hostname, port=parts.port or 143, user=unquote(parts.username),
                   password=unquote(parts.password or ""),
                   folder=unquote(parts.path.strip("/")) or "INBOX")


def poll_once(account: ImapAccount, *, engine, directory: Directory, outbox: Outbox | None,
              rasa: RasaClient | None, clock: Callable[[], datetime], redis_client=None) -> int:
    """Take in every unseen message; return how many were new to us."""
    taken = 0
    with imaplib.IMAP4(account.host, account.port, timeout=10) as imap:
        imap.login(account.user, account.password)
        imap.select(account.folder)
        _, found = imap.uid("SEARCH", None, "UNSEEN")
        for uid in (found[0] or b"").split():
            _, data = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"")
            if raw and take_in(read(raw), engine=engine, directory=directory, outbox=outbox,
                               rasa=rasa, at=clock(), redis_client=redis_client):
                taken += 1
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return taken


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
                           attachments_dropped=incoming.attachments, redis_client=redis_client)
        if outbox is not None:
            acknowledgement(outbox, session=session, enquiry=received.enquiry,
                            missing=received.route.decision.get("missing", []), at=at)
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
