"""How every process of ours writes its log lines: plain text, or one JSON object a line.

Standard library only, so the app, the worker and the assistant's action server (another Python)
share it. A request id travels with a contact's turn (the app's `X-Request-Id`, then Rasa's
message metadata, then the action server) and is written on every line logged while it is set.
Messages are scrubbed of phone numbers and email addresses as a last defence: logs carry ids,
kinds and counts, never personal data.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id",
                                                                         default=None)
# What a caller-supplied id may look like (an ingress's id, a uuid); anything else is replaced.
_VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Long digit runs (phone numbers, with or without +44 and spaces) and email addresses.
_PHONE = re.compile(r"\+?\d[\d\s\-()]{8,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(text: str) -> str:
    """Replace anything that looks like a phone number or email address."""
    return _EMAIL.sub("[email]", _PHONE.sub("[phone]", text))


def new_request_id(offered: str | None = None) -> str:
    """`offered` if it is a well-formed id (from the load balancer), else a fresh one."""
    if offered and _VALID_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class PersonalDataFilter(logging.Filter):
    """Scrub each record's final message (after %-formatting) before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, service, logger, message, request id, error kind."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "service": self.service,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None) or REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        for name in ("duration_ms", "status", "path", "action"):
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["traceback"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, separators=(",", ":"), default=str)


def handler(*, fmt: str, service: str) -> logging.Handler:
    """A stderr handler writing `fmt` ("json" or "text"), scrubbed."""
    out = logging.StreamHandler()
    if fmt == "json":
        out.setFormatter(JsonFormatter(service))
    else:
        out.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    out.addFilter(PersonalDataFilter())
    return out


def configure(level: str, *, fmt: str = "text", service: str = "app") -> None:
    """Configure the root logger once for this process."""
    root = logging.getLogger()
    if any(isinstance(f, PersonalDataFilter) for h in root.handlers for f in h.filters):
        return
    root.addHandler(handler(fmt=fmt, service=service))
    root.setLevel(level.upper())
