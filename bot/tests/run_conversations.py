"""Run the end-to-end conversations in bot/tests/conversations/ through the REST channel.

Each conversation is sent turn by turn to a real assistant (its own, or RASA_URL's), and checked:
the decision payload, the questions asked (read from the tracker's `requested_slot` events), and
words each reply must or must not contain. Exit 0 when all pass, 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import urllib.request
import uuid
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.rasa import assistant_token, rasa_server, send  # noqa: E402

CONVERSATIONS = Path(__file__).parent / "conversations"
REDIS_URL = "redis://127.0.0.1:6379/13"


def load() -> list[dict]:
    """Every conversation, in file order."""
    conversations = []
    for path in sorted(CONVERSATIONS.glob("*.yml")):
        for item in yaml.safe_load(path.read_text()):
            item["file"] = path.name
            conversations.append(item)
    return conversations


def run(url: str, conversation: dict) -> list[str]:
    """Problems found in one conversation (empty when it behaved as expected)."""
    sender = f"e2e-{uuid.uuid4().hex}"
    metadata = {"channel": conversation.get("channel", "phone"), "dialled": "0800100900"}
    if conversation.get("known_facts"):
        metadata["facts"] = conversation["known_facts"]
    problems, payloads = [], []
    for number, turn in enumerate(conversation["turns"], start=1):
        turn = {"say": turn} if isinstance(turn, str) else turn
        messages = send(url, sender, turn["say"], metadata)
        if not messages:
            problems.append(f"turn {number}: empty reply")
        payloads += [m["custom"] for m in messages if "triage" in m.get("custom", {})]
        problems += _check_text(number, turn, " ".join(m.get("text", "") for m in messages))
    problems += _check_outcome(conversation.get("expect", {}), payloads, _asked(url, sender))
    return problems


def _check_text(number: int, turn: dict, text: str) -> list[str]:
    """Words the reply must contain (`reply`) or must not (`not_reply`), case-insensitively."""
    lowered = text.lower()
    problems = [f"turn {number}: reply lacks {word!r}: {text!r}"
                for word in _as_list(turn.get("reply")) if word.lower() not in lowered]
    problems += [f"turn {number}: reply has {word!r}: {text!r}"
                 for word in _as_list(turn.get("not_reply")) if word.lower() in lowered]
    return problems


def _check_outcome(expect: dict, payloads: list[dict], asked: list[str]) -> list[str]:
    """The last decision and the questions asked, against `expect`."""
    problems = []
    if "asked" in expect and asked != expect["asked"]:
        problems.append(f"asked {asked}, expected {expect['asked']}")
    if "destination" not in expect:
        return problems + ([f"unexpected decision {payloads[-1]}"] if payloads and
                           expect.get("no_decision") else [])
    if not payloads:
        return problems + ["no decision was sent"]
    last = payloads[-1]
    decision, facts = last["triage"]["decision"], last["triage"]["facts"]
    if decision["destination"] != expect["destination"]:
        problems.append(f"destination {decision['destination']}, expected {expect['destination']}")
    for group in _as_list(expect.get("priority_groups")):
        if group not in decision.get("priority_groups", []):
            problems.append(f"priority group {group} missing from {decision['priority_groups']}")
    if "offer_face_to_face" in expect and decision["offer_face_to_face"] != expect[
            "offer_face_to_face"]:
        problems.append(f"offer_face_to_face {decision['offer_face_to_face']}")
    for name, value in (expect.get("facts") or {}).items():
        if facts.get(name) != value:
            problems.append(f"fact {name}={facts.get(name)!r}, expected {value!r}")
    if "handover" in expect and last.get("handover") != expect["handover"]:
        problems.append(f"handover {last.get('handover')!r}, expected {expect['handover']!r}")
    return problems


def _asked(url: str, sender: str) -> list[str]:
    """The facts the form asked for, in order, from the tracker's requested_slot events."""
    tracker = f"{url}/conversations/{sender}/tracker?token={assistant_token()}"
    with urllib.request.urlopen(tracker, timeout=10) as response:
        events = json.load(response)["events"]
    asked: list[str] = []
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "requested_slot":
            value = event.get("value")
            if value and (not asked or asked[-1] != value):
                asked.append(value)
    return asked


def _as_list(value: object) -> list:
    """None -> [], a scalar -> [it], a list -> itself."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def main() -> int:
    """Run every conversation and report; the exit status says whether all passed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only conversations whose name contains this")
    args = parser.parse_args()
    conversations = [c for c in load() if not args.only or args.only in c["name"]]
    if not conversations:
        print("error: no conversations to run", file=sys.stderr)
        return 2
    url = os.environ.get("RASA_URL")
    if url:
        return _report(url, conversations)
    with rasa_server(redis_url=REDIS_URL) as started:
        return _report(started, conversations)


def _report(url: str, conversations: list[dict]) -> int:
    """Print one line per conversation and the problems of those that failed."""
    failed = 0
    for conversation in conversations:
        problems = run(url, conversation)
        failed += bool(problems)
        print(f"{'FAIL' if problems else 'ok  '} {conversation['file']}: {conversation['name']}")
        for problem in problems:
            print(f"       {problem}")
    print(f"{len(conversations) - failed} of {len(conversations)} conversations passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
