"""A real mail server on this machine for development and tests: Dovecot (IMAP) and an SMTP host.

The national email channel reads a real mailbox over IMAP and replies over SMTP; no mail service
outside this machine is reachable, so `make run` and the tests start a private Dovecot (Debian's
dovecot-imapd, installed by scripts/mail.sh) and a small SMTP server (aiosmtpd) that hands every
message to Dovecot's own delivery agent. The app never imports this package: it only knows the
IMAP and SMTP settings.
"""
