"""The advisers' chat queue on a real Redis: order, position, estimates and an atomic take-next."""

from __future__ import annotations

import threading

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
    taken = queue.take_next(["adult_digital_advice"], at=130.0)
    assert (taken.session_id, taken.waited_seconds) == ("a", 30.0)
    assert queue.place("adult_digital_advice", "c", at=131).position == 2
    assert queue.place("adult_digital_advice", "a", at=131) is None


def test_joining_twice_keeps_the_first_place(queue):
    queue.join("young_people", "a", at=1.0)
    queue.join("young_people", "b", at=2.0)
    assert queue.join("young_people", "a", at=3.0) == 1


def test_take_next_picks_the_longest_waiting_across_the_advisers_queues(queue):
    queue.join("adult_digital_advice", "adult", at=50.0)
    queue.join("young_people", "young", at=40.0)
    assert queue.take_next(list(QUEUES), at=60.0).queue_id == "young_people"
    assert queue.take_next(["young_people"], at=60.0) is None
    assert queue.take_next(list(QUEUES), at=60.0).session_id == "adult"
    assert queue.take_next(list(QUEUES), at=60.0) is None


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


def test_moving_average_of_waits_is_three_parts_old_to_one_part_new(queue):
    queue.join("young_people", "a", at=0.0)
    queue.take_next(["young_people"], at=100.0)  # first wait: 100 s
    assert queue.average_wait("young_people") == 100.0
    queue.join("young_people", "b", at=200.0)
    queue.take_next(["young_people"], at=220.0)  # (3 × 100 + 20) / 4 = 80
    assert queue.average_wait("young_people") == 80.0
    queue.join("young_people", "c", at=300.0)
    # The estimate is the recent average less what this chat has waited already.
    assert queue.place("young_people", "c", at=330.0).estimated_wait_seconds == 50
    assert queue.place("young_people", "c", at=500.0).estimated_wait_seconds == 0


def test_many_advisers_taking_at_once_never_get_the_same_chat(queue):
    sessions = [f"chat-{n}" for n in range(200)]
    for index, session in enumerate(sessions):
        queue.join(QUEUES[index % 3], session, at=float(index))
    taken: list[str] = []
    lock = threading.Lock()

    def adviser():
        while (chat := queue.take_next(list(QUEUES), at=1000.0)) is not None:
            with lock:
                taken.append(chat.session_id)

    threads = [threading.Thread(target=adviser) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(sessions)


def test_unknown_queue_is_refused(queue):
    with pytest.raises(ValueError, match="unknown queue"):
        queue.join("nowhere", "a", at=0.0)
