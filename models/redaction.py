"""Redaction of free text before it is stored: restricted words (001:20.2-20.4) and personal data.

Every stored transcript line and staff note goes through `redact`. Restricted words are matched as
whole tokens by a blank English spaCy pipeline with a PhraseMatcher on lower-cased text, so
"scone", "cellist" and "bailiff" survive while "con", "cells" and "bail" do not. Personal data
(phone numbers, email addresses, postcodes, dates, long digit strings, National Insurance numbers,
names given after a cue such as "my name is") is found by regular expressions.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from models.restricted_text import restricted_text
from models.restricted_words import restricted_forms

RESTRICTED = "[restricted]"
PHONE = "[phone]"
EMAIL = "[email]"
POSTCODE = "[postcode]"
DATE = "[date]"
NUMBER = "[number]"
NATIONAL_INSURANCE = "[ni_number]"
NAME = "[name]"

_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# Order matters: earlier alternatives win where they overlap (an email with digits stays an email).
_PATTERNS: tuple[tuple[str, str], ...] = (
    # At most 64 characters before the "@" (RFC 5321's longest local part) and a domain that
    # never gives back what it took: the match is tried from every position, and an unbounded
    # local part made each try read to the end of a long run ("aaaa…", quadratic). A longer local
    # part is still covered whole: rule_spans widens the match back to where the run starts.
    # Each label is taken whole by a lookahead and a back-reference, which is what a possessive
    # `[\w-]++` does; that syntax is Python 3.11's, and the assistant's tracker store imports this
    # module under Python 3.10.
    (EMAIL, r"[\w.+'-]{1,64}@(?=(?P<dom>[\w-]+))(?P=dom)(?:\.(?=(?P<lab>[\w-]+))(?P=lab))+"),
    # Any two letters, six digits and a letter: wider than valid prefixes, on purpose.
    (NATIONAL_INSURANCE, r"\b[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d]\b"),
    (POSTCODE, r"\b(?:gir\s?0aa|[a-z]{1,2}\d[a-z\d]?\s*\d[abd-hjlnp-uw-z]{2})\b"),
    (DATE, rf"\b{_DAY}(?:\s+of)?[\s,/.-]+(?:{_MONTHS})\.?[\s,/.-]+(?:19|20)?\d\d\b"),
    (DATE, rf"\b(?:{_MONTHS})\.?\s+{_DAY},?\s+(?:19|20)\d\d\b"),
    (
        DATE,
        r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b(?:19|20)\d\d[/.-]\d{1,2}[/.-]\d{1,2}\b",
    ),
    # A phone number: 10 to 13 digits, optionally +44 / (0), grouped by spaces, dots or hyphens.
    (PHONE, r"(?<![\w+])(?:\+|00)?\(?\d(?:[\s().-]{0,2}\d){9,12}\b"),
    (NUMBER, r"\b\d{6,}\b"),
)


# A name given after a cue; the cue is any case, the name must start with a capital letter.
_NAME = r"(?P<name>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,2})"
_NAMES_AFTER_CUES = (
    re.compile(r"\b(?i:my name is|my name's|name's|i'm called|i am called|call me)\s+" + _NAME),
    re.compile(r"\b(?i:this is|it's)\s+" + _NAME + r"(?=\s+(?i:speaking|here)\b)"),
)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    label: str


_DATA_REGEX = re.compile(
    "|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)), re.IGNORECASE
)
_DATA_LABELS = [label for label, _ in _PATTERNS]
_LOCAL_PART = re.compile(r"[\w.+'-]")
_LONG_RUN = re.compile(r"\S{100,}")


def rule_spans(text: str, *, known_names: Iterable[str] = ()) -> list[_Span]:
    """The spans found by rule alone: personal data, names after cues, restricted word families.

    Standard library only, so a process without spaCy (the assistant's tracker store) redacts
    with the same rules and the same word list as the app.
    """
    found, done = [], 0
    for m in _DATA_REGEX.finditer(text):
        label, start = _DATA_LABELS[int(m.lastgroup[1:])], m.start()
        if label == EMAIL:
            # Back over the rest of a local part longer than 64, never into an earlier match:
            # each character is stepped over at most once, so this stays linear.
            while start > done and _LOCAL_PART.match(text, start - 1):
                start -= 1
        found.append(_Span(start, m.end(), label))
        done = m.end()
    for regex in _NAMES_AFTER_CUES:
        found += [_Span(*m.span("name"), NAME) for m in regex.finditer(text)]
    for name in known_names:
        if name and len(name) > 1:
            pattern = re.compile(rf"\b{re.escape(name)}\b", re.IGNORECASE)
            found += [_Span(m.start(), m.end(), NAME) for m in pattern.finditer(text)]
    # Word families and spelling noise ("reoffending", "b.u.r.g.l.a.r.y"), 001:20.4.
    found += [_Span(m.start, m.end, RESTRICTED) for m in restricted_text().finditer(text)]
    return found


def redact_by_rule(text: str, *, known_names: Iterable[str] = ()) -> str:
    """`redact` without spaCy's lemma-based matcher: for processes that do not have spaCy."""
    return _apply(text, _merge(rule_spans(text, known_names=known_names))) if text else text


def _apply(text: str, spans: list[_Span]) -> str:
    pieces, cursor = [], 0
    for span in spans:
        pieces += [text[cursor : span.start], span.label]
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


class Redactor:
    """A blank English pipeline plus matchers, built once and shared by every caller."""

    def __init__(self, forms: Iterable[str]) -> None:
        import spacy  # imported here: a process that never redacts need not load it
        from spacy.matcher import PhraseMatcher

        self.nlp = spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        patterns = []
        for form in sorted(set(forms)):
            doc, dotted = self.nlp.make_doc(form), self.nlp.make_doc(form + ".")
            patterns.append(doc)
            if len(dotted) == len(doc):  # the tokenizer keeps the stop on this word ("M.")
                patterns.append(dotted)
        self.matcher.add("RESTRICTED", patterns)
        self._lock = threading.Lock()

    def spans(self, text: str, *, known_names: Iterable[str] = ()) -> list[_Span]:
        """Every span of `text` that must not be stored, with its placeholder, in text order."""
        found = rule_spans(text, known_names=known_names)
        # spaCy's tokenizer slows with the square of a word's length ("aaaa…" of 200,000 took
        # minutes). A run this long is no word; the same length of spaces keeps every offset, and
        # rule_spans has already read the run for restricted words, noise and all.
        doc = self.nlp.make_doc(_LONG_RUN.sub(lambda m: " " * len(m.group()), text))
        # The matcher's vocabulary grows as it sees new words; spaCy is not safe for that
        # from several threads at once, and gunicorn runs threads.
        with self._lock:
            matches = self.matcher(doc, as_spans=True)
        # A tokenizer exception can glue a full stop to a letter ("M."); the stop is not the word.
        found += [
            _Span(s.start_char, s.end_char - s.text.endswith("."), RESTRICTED) for s in matches
        ]
        return _merge(found)


def _merge(spans: list[_Span]) -> list[_Span]:
    """Overlapping spans become one, labelled as the one that starts first (longest on ties)."""
    merged: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            merged[-1] = _Span(last.start, max(last.end, span.end), last.label)
        else:
            merged.append(span)
    return merged


@lru_cache(maxsize=1)
def redactor() -> Redactor:
    """The shared redactor, built on first use (about a second: it reads spaCy's lemma tables)."""
    return Redactor(restricted_forms())


def redact(text: str, *, known_names: Iterable[str] = ()) -> str:
    """`text` with restricted words and personal data replaced by typed placeholders."""
    if not text:
        return text
    return _apply(text, redactor().spans(text, known_names=known_names))


def redact_value(value: object) -> object:
    """Redact every string in a JSON-like value; keys and codes naming restricted words go."""
    if isinstance(value, str):
        if _is_timestamp(value):
            return value
        return RESTRICTED if is_restricted_identifier(value) else redact(value)
    if isinstance(value, dict):
        return {
            k: redact_value(v) for k, v in value.items() if not is_restricted_identifier(str(k))
        }
    if isinstance(value, list | tuple):
        return [
            redact_value(v)
            for v in value
            if not (isinstance(v, str) and is_restricted_identifier(v))
        ]
    return value


def _is_timestamp(value: str) -> bool:
    """An ISO 8601 date and time (e.g. a callback's due time): not personal, kept as it is."""
    if len(value) < 16 or value[10] not in "T ":
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_IDENTIFIER = re.compile(r"^[A-Za-z0-9]+(?:[_:.-][A-Za-z0-9]+)+$")


def is_restricted_identifier(value: str) -> bool:
    """True for a code such as "custody_or_ex_offender" one of whose parts is a restricted word."""
    if not _IDENTIFIER.match(value):
        return False
    parts = re.split(r"[_:.-]", value.lower())
    forms = restricted_single_words()
    return any(part in forms for part in parts)


@lru_cache(maxsize=1)
def restricted_single_words() -> frozenset[str]:
    """Every restricted form that is a single word, lower-cased."""
    return frozenset(form for form in restricted_forms() if " " not in form and "-" not in form)


def warm_up() -> None:
    """Build the pipeline now (call at process start so the first customer does not wait)."""
    redact("warm up")
