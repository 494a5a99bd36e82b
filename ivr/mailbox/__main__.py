"""`python -m ivr.mailbox`: read the national mailbox every MAIL_POLL_SECONDS until stopped."""

from __future__ import annotations

import logging
import signal
import sys
import time
from collections.abc import Callable
from datetime import datetime

from config import clock
from config.settings import Settings, SettingsError, load_settings
from ivr.logs import configure
from ivr.mailbox.intake import ImapAccount, MailLimits, poll_once
from ivr.mailbox.replies import Outbox
from ivr.rasa_client import RasaClient
from models.db import make_engine
from models.redis import connect
from routing.plan import default_directory
from routing.written import load_written_config

log = logging.getLogger("ivr.mailbox")


def centre_clock(settings: Settings) -> Callable[[], datetime]:
    """The centre's clock, on CLOCK_START's timeline when set, so an email's reply clock starts
    when the app and the advisers believe it is."""
    clock.start(settings.clock_start)
    return clock.now


def main() -> int:
    """Poll until SIGTERM or Ctrl-C; exit 2 when the mailbox is not configured."""
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if not settings.mail_imap_url:
        print("MAIL_IMAP_URL is not set: there is no mailbox to read", file=sys.stderr)
        return 2
    configure(settings.log_level)
    try:
        account = ImapAccount.from_url(settings.mail_imap_url, ca_file=settings.mail_ca_file)
        written = load_written_config()
        outbox = Outbox.from_url(settings.mail_smtp_url, written.service_address,
                                 written.service_name, ca_file=settings.mail_ca_file,
                                 public_base_url=settings.effective_public_base_url,
                                 ) if settings.mail_smtp_url else None
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    now = centre_clock(settings)
    engine = make_engine(settings.effective_database_url)
    rasa = (RasaClient(settings.rasa_url, timeout=10, token=settings.rasa_auth_token)
            if settings.rasa_enabled else None)
    # The supervisors' safeguarding alerts live in the app's Redis (003:L211).
    redis_client = connect(settings.redis_url)
    directory = default_directory()
    limits = MailLimits(max_bytes=settings.mail_max_message_bytes,
                        max_text_chars=settings.mail_max_text_chars,
                        set_aside_folder=settings.mail_set_aside_folder)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    log.info("reading the national mailbox every %.0f s", settings.mail_poll_seconds)
    while not stopping:
        try:
            taken = poll_once(account, engine=engine, directory=directory, outbox=outbox,
                              rasa=rasa, clock=now, redis_client=redis_client, limits=limits)
            if taken:
                log.info("took in %d email enquiries", taken)
        except (OSError, ConnectionError) as error:
            # The mailbox may be restarting; nothing is lost: a message cut off while being
            # taken in is still claimed, and the next poll sets it aside for a person.
            log.warning("mailbox unreachable (%s); trying again", type(error).__name__)
        except Exception as error:  # noqa: BLE001 - the channel keeps reading whatever happens
            # A message's own failure is set aside inside poll_once; this is the mailbox's.
            log.error("reading the mailbox failed (%s); trying again", type(error).__name__)
        time.sleep(settings.mail_poll_seconds)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(0)
