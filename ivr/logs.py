"""Logging without personal data: a filter scrubs phone numbers and emails as a last defence."""

from __future__ import annotations

import logging
import re

# Long digit runs (phone numbers, with or without +44 and spaces) and email addresses.
_PHONE = re.compile(r"\+?\d[\d\s\-()]{8,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def scrub(text: str) -> str:
    """Replace anything that looks like a phone number or email address."""
    return _EMAIL.sub("[email]", _PHONE.sub("[phone]", text))


class PersonalDataFilter(logging.Filter):
    """Scrub each record's final message (after %-formatting) before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def configure(level: str) -> None:
    """Configure the root logger once: plain lines, scrubbed."""
    root = logging.getLogger()
    if any(isinstance(f, PersonalDataFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    root.addHandler(handler)
    root.setLevel(level.upper())
