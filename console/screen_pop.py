"""The screen pop: one panel for calls and chats with what the customer has already said.

Channel, dialled number, time waited, the triage decision with its cited reasons, priority groups,
the offer-face-to-face flag, the facts given and the redacted transcript so far, so nobody asks
the customer twice (004:L1208). Offending facts are never shown (001:20.2): custody is dropped
and the offender priority group appears only as the neutral indicator.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlmodel import Session

from engine.desk_ports import desk_ports
from models.contacts import NEUTRAL_INDICATOR, UnknownContact, get_contact, timeline
from routing.dispatcher import Assignment

_HIDDEN_FACTS = ("in_custody",)
_SPOKEN = {"customer_said": "customer", "assistant_said": "assistant", "adviser_said": "adviser"}


def screen_pop(member: str, channel: str, held: Assignment | None, now: float) -> dict[str, Any]:
    """The panel's data for the call or chat `member` (None fields when not known yet)."""
    if channel == "chat":
        facts, decision, contact_key, transcript, queue, concern = _chat(member)
    else:
        facts, decision, contact_key, transcript, queue, concern = _call(member)
    dialled, notes = None, []
    with Session(current_app.extensions["engine"]) as db:
        try:
            contact = get_contact(session=db, key=contact_key)
            dialled = contact.dialled
            events = timeline(session=db, contact_key=contact_key)
            if channel == "call":
                transcript = [{"from": _SPOKEN[e.kind], "text": _words(e)}
                              for e in events if e.kind in _SPOKEN and _words(e)]
            notes = [{"at": e.at.isoformat(), "by": (e.detail or {}).get("by"), "text": e.text}
                     for e in events if e.kind == "adviser_note"]
        except UnknownContact:
            pass
    decision = decision or {}
    groups = [NEUTRAL_INDICATOR if g == "non_community" else g
              for g in decision.get("priority_groups") or []]
    return {
        "member": member, "channel": "phone" if channel == "call" else "webchat",
        "queue": held.queue_id if held else queue, "dialled": dialled,
        "waited_seconds": round(held.waited(now)) if held else None,
        "destination": decision.get("destination"), "reasons": decision.get("reasons") or [],
        "priority_groups": groups, "offer_face_to_face": bool(decision.get("offer_face_to_face")),
        "facts": {k: v for k, v in (facts or {}).items() if k not in _HIDDEN_FACTS},
        "transcript": transcript,
        "notes": notes,  # staff's private notes on the contact, oldest first
        # Why a safeguarding contact was escalated, though its stored words stay redacted
        # (001:20.4): the kind, whether it was said outright, and whether it is about someone else.
        "concern": concern,
    }


def _words(event) -> str:
    """What was said, or which keypad question was answered (the keys are in the facts)."""
    if event.text:
        return event.text
    question = (event.detail or {}).get("keypad")
    return f"(answered the {question.replace('_', ' ')} question on the keypad)" if question else ""


def _chat(member: str):
    store = desk_ports().chat_store()
    chat = store.load(member)
    if chat is None:
        return {}, None, member, [], None, None
    lines = [{"from": line.get("from"), "text": line.get("text", "")}
             for line in store.transcript(member)]
    return chat.facts, chat.decision, chat.contact_key, lines, chat.queue_id, chat.concern


def _call(member: str):
    state = current_app.extensions["voice"].store.load(member)
    if state is None:
        return {}, None, member, [], None, None
    return (state.facts, state.decision, state.contact_key, [], (state.plan or {}).get("queue"),
            state.concern)
