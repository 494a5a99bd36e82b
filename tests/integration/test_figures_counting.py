"""Figure counters on synthetic timelines, against hand-computed figures (real Redis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from models.contacts import NewEvent
from routing.figure_definitions import load_definitions
from routing.figures import Figures
from routing.figures_live import dashboard_json, snapshot
from routing.plan import default_directory

QUEUES = tuple(default_directory().queues)
# Tuesday 1 December 2026, 10:00 in London (GMT, so also 10:00 UTC).
MORNING = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def figures(redis_client):
    return Figures(redis_client, load_definitions())


def queued(figures, key, *, joined, waited, result, queue="adult_information",
           channel="phone"):
    """One contact joining `queue` at `joined` and leaving after `waited` seconds."""
    figures.observe(channel, key, [NewEvent("started", joined - timedelta(seconds=60),
                                            f"{key}:started")])
    figures.observe(channel, key, [NewEvent("enqueued", joined, f"{key}:1:enqueued",
                                            {"queue": queue})])
    at = joined + timedelta(seconds=waited)
    if result == "answered":
        detail = {"where": "queue", "queue": queue, "queue_time": waited, "result": "bridged"}
        figures.observe(channel, key, [NewEvent("answered", at, f"{key}:answered", detail)])
    elif result == "abandoned":
        detail = {"where": "queue", "queue": queue, "queue_time": waited, "result": "hangup"}
        figures.observe(channel, key, [NewEvent("abandoned", at, f"{key}:abandoned", detail)])
    return at


def today(redis_client, at):
    snap = snapshot(redis_client=redis_client, engine=None, now=at,
                    definitions=load_definitions(), queue_ids=QUEUES)
    return dashboard_json(snap)


def test_answered_at_14_and_16_abandoned_at_4_and_40(figures, redis_client):
    queued(figures, "CA1", joined=MORNING, waited=14, result="answered")
    queued(figures, "CA2", joined=MORNING, waited=16, result="answered")
    queued(figures, "CA3", joined=MORNING, waited=4, result="abandoned")
    queued(figures, "CA4", joined=MORNING, waited=40, result="abandoned")
    body = today(redis_client, MORNING + timedelta(minutes=5))
    q = body["queues"]["adult_information"]
    assert q["offered"] == 4
    assert q["answered"] == 2
    assert q["answered_within_threshold"] == 1          # 14 s only: 16 s is late
    assert q["abandoned"] == 2
    assert q["short_abandoned"] == 1                    # 4 s is under the 5 s cut-off
    # answered within 15 s ÷ (answered + abandoned after 15 s) = 1 ÷ (2 + 1)
    assert q["service_level"] == pytest.approx(1 / 3)
    assert q["abandonment_rate"] == pytest.approx(2 / 4)
    assert q["average_speed_of_answer_seconds"] == pytest.approx(15.0)   # (14 + 16) ÷ 2
    assert q["waiting"] == 0
    assert body["queues"]["young_people"]["offered"] == 0
    assert body["queues"]["young_people"]["service_level"] is None


def test_a_retried_event_counts_once(figures, redis_client):
    queued(figures, "CA1", joined=MORNING, waited=14, result="answered")
    queued(figures, "CA1", joined=MORNING, waited=14, result="answered")
    q = today(redis_client, MORNING + timedelta(minutes=1))["queues"]["adult_information"]
    assert (q["offered"], q["answered"]) == (1, 1)


def test_waiting_now_and_longest_wait(figures, redis_client):
    figures.observe("phone", "CA1", [NewEvent("enqueued", MORNING, "CA1:e",
                                              {"queue": "young_people"})])
    figures.observe("webchat", "web-1", [NewEvent("enqueued", MORNING + timedelta(seconds=30), None,
                                                  {"queue": "young_people"})])
    q = today(redis_client, MORNING + timedelta(seconds=90))["queues"]["young_people"]
    assert q["waiting"] == 2
    assert q["longest_wait_seconds"] == 90
    # A chat taken without a stated wait: its wait comes from when it joined.
    figures.observe("webchat", "web-1", [NewEvent("answered", MORNING + timedelta(seconds=40), None,
                                                  {"queue": "young_people"})])
    body = today(redis_client, MORNING + timedelta(seconds=90))
    assert body["queues"]["young_people"]["waiting"] == 1
    assert body["channels"]["webchat"]["young_people"]["average_speed_of_answer_seconds"] == 10


def test_a_call_waiting_across_midnight_counts_on_the_day_it_joined(figures, redis_client):
    joined = datetime(2026, 12, 1, 23, 59, 50, tzinfo=UTC)      # 23:59:50 in London (GMT)
    queued(figures, "CA1", joined=joined, waited=20, result="answered")
    first = today(redis_client, joined)["queues"]["adult_information"]
    second = today(redis_client, joined + timedelta(seconds=30))["queues"]["adult_information"]
    assert (first["offered"], first["answered"], first["answered_within_threshold"]) == (1, 1, 0)
    assert (second["offered"], second["answered"]) == (0, 0)


def test_the_day_the_clocks_go_back_has_25_hours(figures, redis_client):
    # Sunday 25 October 2026: 01:00 BST becomes 01:00 GMT. 23:30 UTC on the 24th is 00:30 BST
    # on the 25th; 23:30 UTC on the 25th is 23:30 GMT, still the 25th.
    early = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    late = datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    queued(figures, "CA1", joined=early, waited=5, result="answered")
    queued(figures, "CA2", joined=late, waited=5, result="answered")
    queued(figures, "CA3", joined=datetime(2026, 10, 24, 22, 59, tzinfo=UTC), waited=5,
           result="answered")                                # 23:59 BST on the 24th
    q = today(redis_client, late + timedelta(minutes=1))["queues"]["adult_information"]
    assert q["offered"] == 2
    before = today(redis_client, datetime(2026, 10, 24, 22, 59, 30, tzinfo=UTC))
    assert before["queues"]["adult_information"]["offered"] == 1


def test_the_offender_group_is_never_counted(figures, redis_client):
    decision = {"destination": "prime_contractor_face_to_face",
                "priority_groups": ["non_community", "jobcentre_plus_claimant"]}
    figures.observe("webchat", "web-1",
                    [NewEvent("triaged", MORNING, None, {"decision": decision})])
    raw = redis_client.hgetall(f"ct:fig:day:{MORNING.date().isoformat()}")
    assert "priority_group|webchat|jobcentre_plus_claimant" in raw
    assert not any("community" in name for name in raw)


def test_containment_transfers_and_left(figures, redis_client):
    # Contained: started and ended with nobody.
    figures.observe("phone", "CA1", [NewEvent("started", MORNING, "CA1:started"),
                                     NewEvent("ended", MORNING, "CA1:ended")])
    # Warm transfer that connected, then ended: not contained.
    figures.observe("phone", "CA2", [NewEvent("started", MORNING, "CA2:started"),
                                     NewEvent("transfer_attempted", MORNING, "CA2:t",
                                              {"contractor": "north-west"}),
                                     NewEvent("transferred", MORNING, "CA2:x",
                                              {"contractor": "north-west"}),
                                     NewEvent("ended", MORNING, "CA2:ended")])
    # A failed warm transfer that became a cold one.
    figures.observe("phone", "CA3", [NewEvent("transfer_failed", MORNING, "CA3:f",
                                              {"contractor": "london", "status": "no-answer"}),
                                     NewEvent("callback_created", MORNING, "CA3:c",
                                              {"contractor_id": "london",
                                               "source": "cold_transfer"})])
    # Left the queue for a callback: neither answered nor abandoned, no longer waiting.
    figures.observe("phone", "CA4", [NewEvent("enqueued", MORNING, "CA4:e",
                                              {"queue": "adult_information"})])
    figures.left_queue("phone", "CA4", queue="adult_information", at=MORNING)
    figures.note("phone", "keypad_fallback", at=MORNING, contact_key="CA5", event_id="kp")
    figures.note("phone", "keypad_fallback", at=MORNING, contact_key="CA5", event_id="kp")
    figures.note("phone", "assistant_error", at=MORNING)
    body = today(redis_client, MORNING)
    assert body["transfers"] == {"london": {"warm": 0, "failed_warm": 1, "cold": 1},
                                 "north-west": {"warm": 1, "failed_warm": 0, "cold": 0}}
    assert body["assistant"]["phone"] == {
        "started": 2, "contained": 1, "containment": 0.5, "keypad_fallbacks": 1,
        "assistant_errors": 1, "abandoned_in_assistant": 0}
    q = body["queues"]["adult_information"]
    assert (q["offered"], q["answered"], q["abandoned"], q["waiting"]) == (1, 0, 0, 0)


def test_each_language_lines_own_queue_counts_as_the_language_lines(figures, redis_client):
    queued(figures, "CA1", joined=MORNING, waited=8, result="answered",
           queue="language_lines:polish")
    q = today(redis_client, MORNING + timedelta(minutes=1))["queues"]["language_lines"]
    assert (q["offered"], q["answered"], q["answered_within_threshold"]) == (1, 1, 1)
