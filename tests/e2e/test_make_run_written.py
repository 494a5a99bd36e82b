"""Written contact under `make run`, as a newcomer tries it: the call-me form, the national email.

The launcher starts a private mail server and the mailbox intake; a customer's email to the
national address becomes a triaged enquiry and an acknowledgement arrives in their mailbox; a
call-me request becomes a callback in the contact centre's website-callback queue.
"""

from __future__ import annotations

import imaplib
import json
import os
import re
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
import uuid
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (result := check()) is not None:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def test_email_and_call_me_under_make_run(tmp_path):
    port = _free_port()
    database = tmp_path / "run.sqlite3"
    env = {**os.environ, "PORT": str(port), "RASA_ENABLED": "false", "REDIS_URL": "",
           "DATABASE_URL": f"sqlite:///{database}", "WEB_WORKERS": "1", "VOICE_WORKERS": "1",
           "MAIL_POLL_SECONDS": "1", "CLOCK_START": "2026-03-02T10:00:00+00:00"}
    child = subprocess.Popen([sys.executable, "scripts/run.py"], cwd=REPO, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
    output: list[str] = []
    try:
        line = _until(lambda: _read_until(child, output, "Customer mailbox:"), 120,
                      "make run's addresses")
        smtp_port = int(re.search(r"smtp://127\.0\.0\.1:(\d+)", "".join(output)).group(1))
        imap_port = int(re.search(r"imap://127\.0\.0\.1:(\d+)", line).group(1))
        user, password = re.search(r"user (\S+), password (\S+)\)", line).groups()
        # The mailboxes outlive a run (like var/): count only what this run brings.
        before = _inbox_count(imap_port, user, password)
        message = EmailMessage()
        message["From"], message["To"] = "customer@example.com", "enquiries@careers.localhost"
        message["Subject"] = "my complaint"
        message["Message-ID"] = f"<run-{uuid.uuid4().hex}@example.com>"
        message.set_content("hello, I am 16 and I want to know about apprenticeships")
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.send_message(message)
        engine = create_engine(f"sqlite:///{database}")
        queue = _until(lambda: _one(engine, "select queue_id from written_enquiry"), 60,
                       "the email's enquiry")
        assert queue.startswith("written_")
        acknowledged = _until(
            lambda: _inbox_count(imap_port, user, password) - before or None, 30,
            "the acknowledgement")
        assert acknowledged == 1
        # A number of its own: make run's Redis (under var/) remembers earlier runs' requests.
        number = f"0113 496 0{uuid.uuid4().int % 900 + 100}"
        body = json.dumps({"phone": number, "window": {
            "start": "2026-03-02T14:00:00+00:00", "end": "2026-03-02T16:00:00+00:00"}})
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/call-me", body.encode(),
                                         {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 201
        assert _one(engine, "select queue_id from callback") == "website_callbacks"
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
            try:
                child.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)


def _read_until(child, output: list[str], marker: str) -> str | None:
    assert child.poll() is None, "".join(output) + child.stdout.read()
    line = child.stdout.readline()
    output.append(line)
    return line if marker in line else None


def _one(engine, query: str):
    with engine.connect() as connection:
        try:
            return connection.execute(text(query)).scalar()
        except Exception:  # noqa: BLE001 - the table may not be there yet
            return None


def _inbox_count(port: int, user: str, password: str) -> int:
    with imaplib.IMAP4("127.0.0.1", port, timeout=5) as imap:
        imap.login(user, password)
        _, data = imap.select("INBOX", readonly=True)
        return int(data[0])
