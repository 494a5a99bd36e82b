"""The advisers' chat queue on a real Redis: order, position and estimates."""

from __future__ import annotations

import pytest

from routing.chat_queue import ChatQueue

QUEUES = ("adult_digital_advice", "young_people", "safeguarding")


@pytest.fixture
def queue(redis_client):
    return ChatQueue(redis_client, queue_ids=QUEUES, handling_seconds=240, advisers=2)


def test_chats_are_served_first_come_first_served_with_positions(queue):
    for index, session in enumerate(("a", "b", "c")):
        assert queue.join("adult_digital_advice", session, at=100.0 + index) == index + 1
    assert queue.place("adult_digital_advice", "c", at=110).position == 3
    queue.leave("adult_digital_advice", "a")
    assert queue.place("adult_digital_advice", "c", at=131).position == 2
    assert queue.place("adult_digital_advice", "a", at=131) is None


def test_joining_twice_keeps_the_first_place(queue):
    queue.join("young_people", "a", at=1.0)
    queue.join("young_people", "b", at=2.0)
    assert queue.join("young_people", "a", at=3.0) == 1


def test_leaving_removes_the_chat_and_later_ones_move_up(queue):
    queue.join("adult_digital_advice", "a", at=1.0)
    queue.join("adult_digital_advice", "b", at=2.0)
    assert queue.leave("adult_digital_advice", "a") is True
    assert queue.leave("adult_digital_advice", "a") is False
    assert queue.place("adult_digital_advice", "b", at=3.0).position == 1
    assert queue.sizes()["adult_digital_advice"] == 1


def test_estimate_before_any_wait_is_position_times_handling_time_over_advisers(queue):
    queue.join("adult_digital_advice", "a", at=0.0)
    queue.join("adult_digital_advice", "b", at=1.0)
    # PLATFORM-NOTES "Estimated wait": position × average handling time ÷ advisers.
    assert queue.place("adult_digital_advice", "b", at=2.0).estimated_wait_seconds == 2 * 240 // 2


def test_estimate_uses_the_advisers_signed_in_for_the_queue(redis_client):
    staffed = ChatQueue(redis_client, queue_ids=QUEUES, handling_seconds=240,
                        staffing=lambda queue_id: {"young_people": 3}.get(queue_id, 0))
    for name in ("a", "b", "c"):
        staffed.join("young_people", name, at=0.0)
        staffed.join("adult_digital_advice", name, at=0.0)
    assert staffed.place("young_people", "c", at=1.0).estimated_wait_seconds == 3 * 240 // 3
    # Nobody signed in: counted as one adviser, so the estimate is never a division by zero.
    assert staffed.place("adult_digital_advice", "c", at=1.0).estimated_wait_seconds == 3 * 240


def test_unknown_queue_is_refused(queue):
    with pytest.raises(ValueError, match="unknown queue"):
        queue.join("nowhere", "a", at=0.0)
