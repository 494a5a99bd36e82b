#!/usr/bin/env bash
# Make sure Debian's Dovecot is installed: the national email channel is tested and demonstrated
# against a real IMAP server (devtools/devmail starts a private instance; the system one stays off).
source "$(dirname "$0")/common.sh"
[ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/dovecot-lda ] && exit 0
[ "$(id -u)" = 0 ] || die "Dovecot is not installed and this is not root: install dovecot-imapd, then run again"
say "Installing Dovecot (IMAP) from Debian's packages"
DEBIAN_FRONTEND=noninteractive apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd >/dev/null
# The package may start the system-wide server; nothing here uses it.
service dovecot stop >/dev/null 2>&1 || true
