"""The held-out conversations (tests/heldout/, never used in training) end to end, real Rasa.

Every conversation runs through the phone channel (signed Twilio webhooks) or the chat API into
the app, with the real assistant and the identity step on: its questions come after the routing
decision, which is what is counted, so the customer turns are the same with it or without it.
The run fails below the targets: at least 98% routed right, a median of at most 3 customer
turns, every explicit safeguarding mention and at least 95% of indirect ones caught, at most 1%
false alarms. The figures and the per-kind table are written to var/heldout/report.json.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from config.settings import Settings
from ivr.chat.config import Limit
from tests.heldout import runner
from tests.integration.test_chat_api import make_app
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import rasa_server
from tests.support.twilio import WEEKDAY_MORNING, voice_app

# The whole run (1,312 conversations) takes 5 to 10 minutes on two shared cores.
pytestmark = pytest.mark.timeout(1200)
REPORT = Path(__file__).resolve().parents[2] / "var" / "heldout" / "report.json"
TARGETS = {"routed_right": 0.98, "median_turns": 3, "explicit_recall": 1.0,
           "indirect_recall": 0.95, "false_alarm_rate": 0.01}
CONCURRENT = 6
# The first slice, whose failures the assistant was tuned on; a second ("fresh") written after
# that tuning and later tuned on too; a third written one conversation at a time and run once
# before any change it prompted (tests/heldout/bank_third.py).
SLICES = {"tuned": "conversations.json", "fresh": "conversations_fresh.json",
          "third": "conversations_third.json"}
# The fourth, written from the business rules alone and frozen before any change it prompted
# (tests/heldout/fourth.md): reported apart from the three above and never part of their
# figures. Its floors are what the assistant reached when it was frozen, so it cannot slip back;
# its target is the same 98%, not met yet (the README gives both).
FOURTH = "conversations_fourth.json"
# 0.64 (205 of 320) when frozen; 0.72 after the changes it prompted in one round; its misses were
# read for the first time on 7 December 2026 and it reached 0.82 (263): tuned on since.
FOURTH_FLOORS = {"routed_right": 0.78}
# The fifth, written the same way and frozen before the fourth was read (tests/heldout/fifth.md):
# never read, never tuned on. 0.65 (208 of 320) at first sight, 0.74 (237) after the changes the
# fourth prompted: the honest measure of them.
FIFTH = "conversations_fifth.json"
FIFTH_FLOORS = {"routed_right": 0.70}


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    # Two Rasa processes, as `make run` serves it, so concurrent conversations share the load.
    with rasa_server(log_dir=tmp_path_factory.mktemp("assistant"), workers=2) as url:
        yield url


@pytest.fixture(scope="module")
def summary(assistant, postgres_url):
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant, rasa_timeout_seconds=10.0, identity_checks=True,
                        _env_file=None)
    unlimited = Limit(1_000_000, 60)  # one test client makes every conversation
    phone = voice_app(settings, WEEKDAY_MORNING)
    chat = make_app(settings, address_sessions=unlimited, address_messages=unlimited)
    slices = {name: runner.load(file)
              for name, file in {**SLICES, "fourth": FOURTH, "fifth": FIFTH}.items()}
    convos = [c for group in slices.values() for c in group]

    def run(convo):
        return runner.run_phone(phone, convo) if convo["channel"] == "phone" else \
            runner.run_chat(chat, convo)

    # Several conversations at once keep the run to a few minutes on two cores.
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        results = list(pool.map(run, convos))
    gated = len(convos) - len(slices["fourth"]) - len(slices["fifth"])  # these two come last
    figures = runner.summarise(convos[:gated], results[:gated])
    figures["slices"], start = {}, 0
    for name, group in slices.items():
        end = start + len(group)
        figures["slices"][name] = runner.summarise(convos[start:end], results[start:end])
        start = end
    misses = [{"id": c["id"], "kind": c["kind"], "expect": c["expect"], **r}
              for c, r in zip(convos, results, strict=True) if not runner.right(c, r)]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps({**figures, "misses": misses}, indent=1) + "\n")
    print(json.dumps({k: v for k, v in figures.items() if k != "slices"}, indent=1))
    return figures


def test_there_are_at_least_300_conversations_on_both_channels():
    convos = runner.load()
    assert len(convos) >= 300 and len(runner.load("conversations_fresh.json")) >= 100
    assert len(runner.load("conversations_third.json")) >= 150
    assert {c["channel"] for c in convos} == {"phone", "webchat"}


def test_routed_right(summary):
    assert summary["routed_right"] >= TARGETS["routed_right"], summary["by_kind"]


def test_the_fresh_slice_is_routed_right_too(summary):
    fresh = summary["slices"]["fresh"]
    assert fresh["routed_right"] >= TARGETS["routed_right"], fresh["by_kind"]


def test_the_third_slice_is_routed_right_too(summary):
    third = summary["slices"]["third"]
    assert third["routed_right"] >= TARGETS["routed_right"], third["by_kind"]


def test_the_fourth_slice_holds_its_floor(summary):
    fourth = summary["slices"]["fourth"]
    assert fourth["routed_right"] >= FOURTH_FLOORS["routed_right"], fourth["by_kind"]


def test_the_fifth_slice_holds_its_floor(summary):
    fifth = summary["slices"]["fifth"]
    assert fifth["routed_right"] >= FIFTH_FLOORS["routed_right"], fifth["by_kind"]


def test_the_fifth_slice_is_frozen_as_written():
    convos = runner.load(FIFTH)
    assert len(convos) == 320 and len({c["id"] for c in convos}) == 320
    assert sum(c["channel"] == "phone" for c in convos) == 160


def test_the_fourth_slice_is_frozen_as_written():
    convos = runner.load(FOURTH)
    assert len(convos) == 320 and len({c["id"] for c in convos}) == 320
    assert sum(c["channel"] == "phone" for c in convos) == 160


def test_median_customer_turns(summary):
    assert summary["median_turns"] <= TARGETS["median_turns"]


def test_safeguarding_recall_and_false_alarms(summary):
    assert summary["explicit_recall"] >= TARGETS["explicit_recall"]
    assert summary["indirect_recall"] >= TARGETS["indirect_recall"]
    assert summary["false_alarm_rate"] <= TARGETS["false_alarm_rate"]
