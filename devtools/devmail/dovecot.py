"""A private Dovecot instance: its own config, users, maildirs and ports, under one directory.

IMAP on `port` in clear (loopback only, as the development settings allow) and IMAPS on
`tls_port` with a certificate made at start (devtools/devmail/tls.py, its file `ca_file`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from devtools.devmail.tls import self_signed

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
LDA = "/usr/lib/dovecot/dovecot-lda"


class MailServerMissing(RuntimeError):
    """Dovecot is not installed here (scripts/mail.sh installs it)."""


@dataclass(frozen=True)
class Mailbox:
    """A mail account on the private server."""

    user: str
    password: str
    address: str = ""

    def __post_init__(self) -> None:
        if not self.address:
            object.__setattr__(self, "address", f"{self.user}@careers.localhost")


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _check_reachable(path: Path) -> None:
    """Every folder above `path` must be searchable by others, or Dovecot cannot read it."""
    for folder in [path, *path.parents]:
        if not folder.stat().st_mode & 0o001:
            raise RuntimeError(f"{folder} is not searchable by other users; put the mail "
                               "server's folder somewhere that is (e.g. under /tmp or var/)")


def _mail_user() -> pwd.struct_passwd:
    # Dovecot never reads mail as root; as root we use its own system user, else ourselves.
    return pwd.getpwnam("dovecot") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())


class Dovecot:
    """Start, stop and deliver to a Dovecot serving IMAP on 127.0.0.1:`port` from `root`."""

    def __init__(self, root: Path, mailboxes: list[Mailbox], port: int | None = None) -> None:
        if not Path(DOVECOT).exists():
            raise MailServerMissing("dovecot is not installed: run scripts/mail.sh")
        self.root, self.mailboxes = Path(root), mailboxes
        self.port = port or free_port()
        self.tls_port = free_port()
        self.config = self.root / "dovecot.conf"
        self.ca_file = self.root / "cert.pem"

    def start(self) -> Dovecot:
        """Write the configuration and start the server; wait until IMAP answers."""
        owner = _mail_user()
        self.root.mkdir(parents=True, exist_ok=True)
        # Dovecot's own processes run as its user and must reach the config and users files.
        self.root.chmod(0o755)
        _check_reachable(self.root)
        for sub in ("run", "state", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        os.chown(self.root / "mail", owner.pw_uid, owner.pw_gid)
        users = "".join(f"{m.user}:{{PLAIN}}{m.password}:::::\n" for m in self.mailboxes)
        (self.root / "users").write_text(users, encoding="utf-8")
        self_signed(self.root)
        self.config.write_text(self._config(owner), encoding="utf-8")
        # The master daemonises and keeps any inherited pipe open: give it files, not pipes.
        with open(self.root / "start.log", "ab") as log:
            subprocess.run([DOVECOT, "-c", str(self.config)], check=True, stdin=subprocess.DEVNULL,
                           stdout=log, stderr=log, timeout=30)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"dovecot did not listen on {self.port}; see {self.root}/dovecot.log")

    def stop(self) -> None:
        """Stop the server (its master process and children)."""
        pid_file = self.root / "run" / "master.pid"
        subprocess.run([DOVECOT, "-c", str(self.config), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
        if pid_file.exists():
            try:
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass

    def deliver(self, user: str, message: bytes) -> None:
        """Hand one message to Dovecot's delivery agent for `user`'s INBOX."""
        subprocess.run([LDA, "-c", str(self.config), "-d", user], input=message, check=True,
                       capture_output=True, timeout=30)

    def _config(self, owner: pwd.struct_passwd) -> str:
        root = self.root
        login_user = "dovenull" if os.geteuid() == 0 else owner.pw_name
        return f"""# Written by devtools/devmail/dovecot.py for development and tests only.
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%n
first_valid_uid = {owner.pw_uid}
last_valid_uid = {owner.pw_uid}
default_internal_user = {owner.pw_name}
default_login_user = {login_user}
passdb {{
  driver = passwd-file
  args = username_format=%n {root}/users
}}
userdb {{
  driver = static
  args = uid={owner.pw_uid} gid={owner.pw_gid} home={root}/mail/%n
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {self.tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol lda {{
  postmaster_address = postmaster@careers.localhost
}}
"""
