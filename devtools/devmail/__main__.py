"""`python -m devtools.devmail FOLDER [--imap-port N] [--smtp-port N]`: the development mail server.

Runs until stopped (make run starts it).

Prints MAIL_IMAP_URL and MAIL_SMTP_URL for the service's mailbox, and the customer's account a
newcomer can use with any mail program (or Python's smtplib and imaplib) to try the channel.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from pathlib import Path

from devtools.devmail.dovecot import Dovecot, Mailbox, MailServerMissing
from devtools.devmail.smtp import start_smtp, start_smtps

SERVICE = Mailbox("enquiries", "Enquiries-Dev-1", "enquiries@careers.localhost")
CUSTOMER = Mailbox("customer", "Customer-Dev-1", "customer@example.com")


def main(argv: list[str]) -> int:
    """Start Dovecot and the SMTP host under FOLDER; write their addresses to FOLDER/mail.json."""
    parser = argparse.ArgumentParser(prog="python -m devtools.devmail")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--imap-port", type=int, default=None)
    parser.add_argument("--smtp-port", type=int, default=None)
    args = parser.parse_args(argv[1:])
    root = args.folder.resolve()
    try:
        dovecot = Dovecot(root, [SERVICE, CUSTOMER], port=args.imap_port).start()
    except (MailServerMissing, RuntimeError, OSError) as error:
        print(error, file=sys.stderr)
        return 2
    smtp, smtps = start_smtp(dovecot, port=args.smtp_port), start_smtps(dovecot)
    addresses = {
        "imap_url": f"imap://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{dovecot.port}/INBOX",
        "smtp_url": f"smtp://127.0.0.1:{smtp.port}",
        # The same over TLS, as production must be (MAIL_CA_FILE trusts the made certificate).
        "imaps_url": (f"imaps://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{dovecot.tls_port}"
                      "/INBOX"),
        "smtps_url": f"smtps://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{smtps.port}",
        "ca_file": str(dovecot.ca_file),
        "service_address": SERVICE.address,
        "customer": {"address": CUSTOMER.address, "user": CUSTOMER.user,
                     "password": CUSTOMER.password, "imap_port": dovecot.port,
                     "smtp_port": smtp.port},
    }
    # Written whole, then renamed: `make run` polls for this file and must never read half of it.
    partial = root / "mail.json.partial"
    partial.write_text(json.dumps(addresses, indent=2), encoding="utf-8")
    partial.replace(root / "mail.json")
    print(json.dumps(addresses), flush=True)
    stopping: list[bool] = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        while not stopping:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        smtps.stop()
        smtp.stop()
        dovecot.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
