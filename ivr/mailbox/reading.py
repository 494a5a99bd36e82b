"""Reading an email enquiry: its thread ids, its own words (not the quoted history), its facts.

Pure functions over the standard library's email parser, plus the assistant's parse result, so
they are unit-tested without a mail server.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parseaddr
from typing import Any

from triage import FACT_FIELDS
from triage.languages import canonical as canonical_language
from triage.places import nation_of
from triage.postcodes import normalise as normal_postcode

# The assistant's intents that name a need (bot/domain.yml).
INTENT_NEEDS = {"ask_information": "information", "ask_advice": "advice",
                "ask_face_to_face": "face_to_face", "make_complaint": "complaint",
                "give_feedback": "feedback"}
_INT_FACTS = frozenset({"age", "qualification_level", "months_out_of_work"})
_BOOL_FACTS = frozenset({"jobcentre_plus_claimant", "in_custody", "in_work", "facing_redundancy",
                         "learning_difficulty_or_disability", "ex_offender",
                         "in_education_or_training", "anonymous"})
_QUOTE_HEADER = re.compile(r"^\s*(On .{0,200} wrote:|-----Original Message-----|From: .+)$",
                           re.IGNORECASE)
# A tag ends at the next "<" as well as ">": "<<<<…" without a ">" is one pass, not one per "<".
_TAGS = re.compile(r"<[^<>]+>")
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")


@dataclass(frozen=True)
class Incoming:
    """What the intake needs from one email."""

    message_id: str
    refers_to: list[str]
    sender: str
    subject: str
    text: str
    attachments: int
    # False for a bounce (null Return-Path) or another responder's mail (RFC 3834 Auto-Submitted).
    may_auto_reply: bool = True


# Where the words are cut when a message has more (spaCy refuses 1,000,000 characters).
MAX_TEXT_CHARS = 100_000
SHORTENED = "\n[The rest of this message, {left} characters, was not kept.]"


def read(raw: bytes, *, max_chars: int = MAX_TEXT_CHARS) -> Incoming:
    """Parse one RFC 5322 message; attachments are counted, never kept; words beyond `max_chars`
    are cut off before any further reading, so no body is too long for redaction.

    The sender is the envelope sender: the Return-Path the delivering server wrote (RFC 5321
    section 4.4), or the From when there is none. A Reply-To is the sender's claim and never
    chosen: it would let anyone have the service write to a third party.
    """
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)
    refers = _MESSAGE_ID.findall(str(message.get("In-Reply-To", "")))
    refers += _MESSAGE_ID.findall(str(message.get("References", "")))
    return_path = message.get("Return-Path")
    envelope = parseaddr(str(return_path))[1] if return_path is not None else None
    sender = envelope or parseaddr(str(message.get("From") or ""))[1]
    automatic = str(message.get("Auto-Submitted", "no")).strip().lower() not in ("", "no")
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = body.get_content()
        left = max(0, len(text) - max_chars)
        text = text[:max_chars]
        if body.get_content_type() == "text/html":
            text = html.unescape(_TAGS.sub(" ", text))
        text = own_words(text) + (SHORTENED.format(left=left) if left else "")
    message_ids = _MESSAGE_ID.findall(str(message.get("Message-ID", "")))
    return Incoming(message_id=message_ids[0] if message_ids else "",
                    refers_to=list(dict.fromkeys(refers)), sender=sender,
                    subject=str(message.get("Subject", ""))[:200], text=text.strip(),
                    attachments=sum(1 for _ in message.iter_attachments()),
                    may_auto_reply=envelope != "" and not automatic)


def own_words(text: str) -> str:
    """The new part of a message: quoted history (> lines, "On … wrote:") is dropped."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_HEADER.match(line):
            break
        if not line.lstrip().startswith(">"):
            lines.append(line.rstrip())
    return "\n".join(lines).strip()


def facts_from_parse(parsed: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """Triage facts from the assistant's parse of `text`, plus places and postcodes in words."""
    facts: dict[str, Any] = {}
    parsed = parsed or {}
    intent = (parsed.get("intent") or {}).get("name")
    if intent in INTENT_NEEDS:
        facts["need"] = INTENT_NEEDS[intent]
    for entity in parsed.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if name in FACT_FIELDS and name != "channel" and name not in facts:
            coerced = _coerce(name, value)
            if coerced is not None:
                facts[name] = coerced
    if "postcode" not in facts:
        for word in re.findall(r"\b[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}\b", text):
            if (postcode := normal_postcode(word)) is not None:
                facts["postcode"] = postcode
                break
    if "nation" not in facts and "postcode" not in facts and (nation := nation_of(text)):
        facts["nation"] = nation
    return facts


def _coerce(name: str, value: Any) -> Any:
    if name in _INT_FACTS:
        try:
            return int(str(value).strip())
        except ValueError:
            return None
    if name in _BOOL_FACTS:
        return value if isinstance(value, bool) else {"true": True, "false": False}.get(
            str(value).lower())
    if name == "postcode":
        return normal_postcode(str(value))
    if name == "language":
        return canonical_language(str(value))
    if name == "need":
        return value if value in INTENT_NEEDS.values() else None
    return str(value) if name == "nation" else None
