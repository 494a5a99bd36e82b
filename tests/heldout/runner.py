"""Run the held-out conversations end to end: signed Twilio webhooks and the chat API, real Rasa.

A simulated customer says its opening turns, then answers whatever the assistant asks from its
answers (a side question first, once, when it has one), until the app routes it or 8 turns pass;
then it says its closing, if any. The outcome is read from the app's own state: the call's
decision and plan, the chat's route. Results are compared with the expected route.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import defaultdict
from pathlib import Path
from typing import Any

from ivr.chat.store import ChatStore
from tests.support.twilio import call_state, new_call

HERE = Path(__file__).resolve().parent
MAX_TURNS = 8
QUESTIONS = (  # what the assistant asked, from its words; a check of a fact comes first
    ("confirm", re.compile(r"just to check|to confirm|did you say|is that right", re.I)),
    ("age", re.compile(r"how old|your age", re.I)),
    ("jobcentre_plus_claimant", re.compile(r"jobcentre plus", re.I)),
    ("postcode", re.compile(r"postcode|where do you live|where you live", re.I)),
    ("need", re.compile(r"information, advice|what would you like help with|what can we help|"
                        r"in a few words|what can i help|looking for information", re.I)),
)


def load(name: str = "conversations.json") -> list[dict[str, Any]]:
    """The held-out conversations."""
    return json.loads((HERE / name).read_text())


def asked(heard: list[str]) -> str | None:
    """The fact the assistant's last words ask for, or None."""
    for text in reversed(heard[-3:]):
        for name, pattern in QUESTIONS:
            if pattern.search(text):
                return name
    return None


def next_turn(convo: dict, pending: list, heard: list[str], used: dict) -> tuple[str, float]:
    """What the customer says next, and how sure the speech recogniser is of it."""
    if pending:
        return _spoken(pending.pop(0))
    question = asked(heard)
    if convo.get("side_question") and not used.get("side") and question:
        used["side"] = True
        return _spoken(convo["side_question"])
    if question == "confirm":
        check = next(t for t in reversed(heard) if QUESTIONS[0][1].search(t))
        return _spoken(_confirmation(convo, check))
    answers = convo["answers"]
    if question and question in answers:
        return _spoken(answers[question])
    return _spoken(answers.get("need") or "i don't know")


def _spoken(turn: str | dict) -> tuple[str, float]:
    """A turn's words and the recogniser's confidence (0.9 unless the conversation says)."""
    if isinstance(turn, dict):
        return turn["say"], turn["confidence"]
    return turn, 0.9


def _confirmation(convo: dict, question: str) -> str:
    """Yes when the check names the customer's true value, otherwise their correction."""
    confirm = convo.get("confirm")
    if not confirm:
        return "yes"
    words = re.sub(r"[^a-z0-9 ]", " ", question.lower())
    named = any(re.search(rf"\b{re.escape(value.lower())}\b", words) for value in
                confirm["match"])
    return confirm["yes"] if named else confirm["no"]


def run_phone(app, convo: dict) -> dict:
    """One conversation as a phone call; its outcome."""
    call = new_call(app)
    heard = call.start()
    pending, used, turns = list(convo["turns"]), {}, 0
    outcome = None
    while turns < MAX_TURNS:
        if call.waiting is None or call.waiting.kind != "gather" or "speech" not in (
                call.waiting.input or ""):
            break
        text, confidence = next_turn(convo, pending, heard, used)
        heard = call.say(text, confidence)
        turns += 1
        outcome = _phone_outcome(app, call)
        if outcome:
            break
    final = _phone_while_waiting(app, call, convo) if outcome else None
    ended_politely = None
    if outcome and convo.get("closing"):
        if call.waiting is not None and call.waiting.kind == "gather":
            call.say(convo["closing"])
        ended_politely = call.ended and "goodbye" in " ".join(call.heard[-3:]).lower()
    return {"got": outcome or "none", "turns": turns, "ended_politely": ended_politely,
            "final": final}


def _phone_while_waiting(app, call, convo: dict) -> str | None:
    """What the customer says once queued (declining the identity step on the way there), and
    the route it leaves: said at a Gather that listens for speech, or at the queue's wait
    message (which listens too)."""
    if not convo.get("while_waiting"):
        return None
    for _ in range(3):  # the identity step's questions come between the decision and the queue
        if call.waiting is None or call.waiting.kind != "gather":
            break
        call.say("no thanks")
    for text in convo["while_waiting"]:
        waiting = call.waiting
        if waiting is not None and (waiting.kind == "queue" or (
                waiting.kind == "gather" and "speech" in (waiting.input or ""))):
            call.say(text)
    return _phone_outcome(app, call) or "none"


def _phone_outcome(app, call) -> str | None:
    state = call_state(app, call.call_sid)
    plan, decision = state.get("plan") or {}, state.get("decision") or {}
    destination = decision.get("destination")
    in_queue = call.waiting is not None and call.waiting.kind in ("queue", "dial")
    if plan and plan.get("action") != "ask" and destination and destination != "incomplete":
        return destination
    if in_queue or call.ended:
        return "to_adviser" if destination in (None, "incomplete") else destination
    return None


def run_chat(app, convo: dict) -> dict:
    """One conversation on the chat API; its outcome."""
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    heard = [m["text"] for m in _transcript(app, session_id)]
    pending, used, turns = list(convo["turns"]), {}, 0
    outcome = None
    while turns < MAX_TURNS and outcome is None:
        answer = client.post(f"/api/chat/sessions/{session_id}/messages",
                             json={"text": next_turn(convo, pending, heard, used)[0]}).get_json()
        turns += 1
        heard = [m["text"] for m in answer.get("messages", [])] or heard
        route = answer.get("route")
        if route:
            destination = route.get("destination")
            outcome = destination if destination and destination != "incomplete" else \
                "to_adviser"
    final = None
    if outcome and convo.get("while_waiting"):
        for text in convo["while_waiting"]:
            client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        route = _route(app, session_id) or {}
        final = route.get("destination") or "none"
    ended_politely = None
    if outcome and convo.get("closing"):
        answer = client.post(f"/api/chat/sessions/{session_id}/messages",
                             json={"text": convo["closing"]}).get_json()
        words = " ".join(m["text"] for m in answer.get("messages", [])).lower()
        state = _session(app, session_id)
        ended_politely = ("goodbye" in words or "thank you" in words) and state == "ended"
    return {"got": outcome or "none", "turns": turns, "ended_politely": ended_politely,
            "final": final}


def _transcript(app, session_id):
    return ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=100).transcript(session_id)


def _route(app, session_id):
    session = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(session_id)
    return session.route if session else None


def _session(app, session_id):
    session = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(session_id)
    return session.state if session else None


def right(convo: dict, result: dict) -> bool:
    """Routed right: the expected route, and a polite end when the customer closed; where the
    customer says more while queued, the route that leaves too (`expect_final`, else unchanged)."""
    if result["got"] != convo["expect"]:
        return False
    if convo.get("while_waiting") and \
            result.get("final") != convo.get("expect_final", convo["expect"]):
        return False
    return result["ended_politely"] is not False


def summarise(convos: list[dict], results: list[dict]) -> dict:
    """Routed-right %, median turns, safeguarding recall and false alarms, per-kind accuracy."""
    by_kind: dict[str, list[bool]] = defaultdict(list)
    by_channel: dict[str, list[bool]] = defaultdict(list)
    for convo, result in zip(convos, results, strict=True):
        by_kind[convo["kind"]].append(right(convo, result))
        by_channel[convo["channel"]].append(right(convo, result))
    oks = [right(c, r) for c, r in zip(convos, results, strict=True)]
    routed = [r["turns"] for r in results if r["got"] != "none"]
    safe = [(c.get("safeguarding"), r["got"] == "safeguarding")
            for c, r in zip(convos, results, strict=True)]
    explicit = [hit for kind, hit in safe if kind == "explicit"]
    indirect = [hit for kind, hit in safe if kind == "indirect"]
    others = [hit for kind, hit in safe if kind is None]
    return {
        "conversations": len(convos),
        "routed_right": sum(oks) / len(oks),
        "median_turns": statistics.median(routed) if routed else None,
        "explicit_recall": _share(explicit),
        "indirect_recall": _share(indirect),
        "false_alarm_rate": _share(others),
        "by_channel": {k: round(sum(v) / len(v), 3) for k, v in by_channel.items()},
        "by_kind": {k: {"n": len(v), "right": round(sum(v) / len(v), 3)}
                    for k, v in sorted(by_kind.items())},
    }


def _share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None
