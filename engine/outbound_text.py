"""The check every text the service sends a customer passes: what must never be written to them.

A confirmation or reminder goes to a phone or a mailbox that others may read, so it may not hold
a restricted word (001:20.2-20.4, the appendix's families as `models.restricted_text` finds them),
a date of birth (a whole date with its year: the templates say due times without one), or a
memorable number (the shared secret of 001:7.3: 6 to 8 digits, config/identity.yaml), and an
e-mail never sensitive data (000:L35). The templates in config/messages.yaml hold none of these;
the check is there for the day one is edited or a value filled in carries one. It answers with a
reason to log, never with the words it found.
"""

from __future__ import annotations

import re

from models.restricted_text import restricted_text

RESTRICTED_WORD, DATE_OF_BIRTH, MEMORABLE_NUMBER = "restricted_word", "date_of_birth", \
    "memorable_number"
# A memorable number is 6 to 8 digits (config/identity.yaml's questions say so).
MEMORABLE_DIGITS = range(6, 9)

_MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
           r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_DATES_WITH_YEAR = re.compile(
    rf"\b{_DAY}(?:\s+of)?[\s,/.-]+(?:{_MONTHS})\.?[\s,/.-]+(?:19|20)\d\d\b"
    rf"|\b(?:{_MONTHS})\.?\s+{_DAY},?\s+(?:19|20)\d\d\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b(?:19|20)\d\d[/.-]\d{1,2}[/.-]\d{1,2}\b",
    re.IGNORECASE)
# A run of digits, possibly grouped by single spaces or hyphens ("123 456", "0800 100 900").
_DIGIT_GROUPS = re.compile(r"(?<![\d])\d(?:[ -]?\d)*(?![\d])")


def refusal(text: str) -> str | None:
    """Why `text` may not be sent to a customer, or None when it may."""
    if next(restricted_text().finditer(text), None) is not None:
        return RESTRICTED_WORD
    if _DATES_WITH_YEAR.search(text):
        return DATE_OF_BIRTH
    for group in _DIGIT_GROUPS.finditer(text):
        if sum(ch.isdigit() for ch in group.group()) in MEMORABLE_DIGITS:
            return MEMORABLE_NUMBER
    return None
