"""Triage by buttons when the assistant is switched off or not answering: the chat must still work.

The menu asks only what `triage.decide` reports missing, one question at a time: what the customer
needs, their age, their postcode (for face to face), and whether an 18-year-old claims through
Jobcentre Plus (001:5.2, 5.3). Buttons carry "/chat_..." payloads; typed answers are accepted too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ivr.chat.config import ChatConfig
from triage import Decision, FactsError, decide
from triage.places import find_nation

NEED_PAYLOAD = "/chat_need "
AGE_PAYLOAD = "/chat_age "
YES, NO = "/chat_yes", "/chat_no"
# Words a customer might type instead of pressing a need button, checked in this order.
_NEED_WORDS = (
    ("complaint", ("complain", "complaint", "feedback")),
    ("face_to_face", ("face to face", "face-to-face", "appointment", "in person", "meet")),
    ("advice", ("advice", "adviser", "advisor", "person", "human", "someone", "career change")),
    ("information", ("information", "info", "course", "apprentice", "funding", "job profile")),
)
# Facts the menu never asks on a chat: absent means "no". A customer using the website's chat is
# not in custody, and anonymity and a safeguarding concern are raised by the customer, not asked.
_ASSUMED_NO = ("in_custody", "anonymous", "safeguarding_concern")


@dataclass
class MenuTurn:
    """What the menu says next, and the decision once triage has all it needs."""

    texts: list[str] = field(default_factory=list)
    buttons: list[dict[str, str]] = field(default_factory=list)
    decision: Decision | None = None


def need_buttons(config: ChatConfig) -> list[dict[str, str]]:
    """The first question's quick replies."""
    needs = config.texts["needs"]
    return [{"title": n["title"], "payload": NEED_PAYLOAD + n["need"]} for n in needs]


def menu_turn(facts: dict[str, Any], text: str, config: ChatConfig) -> MenuTurn:
    """Fold the customer's answer into `facts` (in place) and ask the next question or decide."""
    step = _next_question(facts)
    understood = _understand(step, text, facts)
    decision = _decide(facts)
    if decision.destination != "incomplete":
        return MenuTurn(decision=decision)
    next_step = _next_question(facts)
    turn = _ask(next_step, config)
    if not understood:
        reason = "bad_postcode" if step == "postcode" and text.strip() else "not_understood"
        turn.texts.insert(0, config.text(reason))
    return turn


def _decide(facts: dict[str, Any]) -> Decision:
    try:
        return decide({**facts, "channel": "webchat"})
    except FactsError:
        facts.clear()  # an impossible answer slipped through: start again rather than fail
        return decide({"channel": "webchat"})


def _next_question(facts: dict[str, Any]) -> str:
    decision = _decide(facts)
    for name in decision.missing:
        if name in _ASSUMED_NO:
            facts[name] = False
            return _next_question(facts)
        return name
    return "need"


def _understand(step: str, text: str, facts: dict[str, Any]) -> bool:
    value = _parse(step, text.strip())
    if value is None and step == "postcode":
        # A nation or town in words ("I live in Cardiff") says where the customer lives too.
        place = find_nation(text)
        if place is not None and place[0] != "england":
            facts["nation"] = place[0]
            return True
    if value is None:
        return False
    facts[step] = value
    if step == "postcode" and _decide(facts).missing[:1] == ("postcode",):
        del facts[step]  # triage says it is not a UK postcode: ask again
        return False
    return True


def _parse(step: str, text: str) -> Any:
    lowered = text.lower()
    if step == "need":
        if lowered.startswith(NEED_PAYLOAD):
            need = lowered.removeprefix(NEED_PAYLOAD)
            return "advice" if need == "adviser" else need or None
        return next((need for need, words in _NEED_WORDS if any(w in lowered for w in words)), None)
    if step == "age":
        match = re.fullmatch(r"(?:/chat_age )?(?:i am |i'm )?(\d{1,3})(?: years old)?", lowered)
        return int(match.group(1)) if match and 0 < int(match.group(1)) <= 120 else None
    if step == "postcode":
        compact = re.sub(r"\s+", "", text).upper()
        return compact if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", compact) else None
    if lowered in (YES, "yes", "y"):
        return True
    if lowered in (NO, "no", "n"):
        return False
    return None


def _ask(step: str, config: ChatConfig) -> MenuTurn:
    if step == "age":
        buttons = [{"title": a["title"], "payload": f"{AGE_PAYLOAD}{a['age']}"}
                   for a in config.texts["ages"]]
        return MenuTurn([config.text("ask_age")], buttons)
    if step == "postcode":
        return MenuTurn([config.text("ask_postcode")])
    if step == "jobcentre_plus_claimant":
        return MenuTurn([config.text("ask_jobcentre_plus")],
                        [{"title": "Yes", "payload": YES}, {"title": "No", "payload": NO}])
    return MenuTurn([config.text("greeting")], need_buttons(config))
