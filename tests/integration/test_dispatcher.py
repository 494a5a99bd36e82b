"""Presence and the one dispatcher on a real Redis: who gets which contact, atomically."""

from __future__ import annotations

import multiprocessing

import pytest
import redis as redis_lib

from routing.directory import QUEUE_IDS
from routing.dispatcher import Dispatcher
from routing.presence import AVAILABLE, AWAY, BUSY, WRAP_UP, Presence
from tests.support.databases import TEST_REDIS_URL


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def presence(redis_client, clock):
    return Presence(redis_client, heartbeat_timeout=45, clock=clock)


@pytest.fixture
def dispatcher(redis_client, clock):
    return Dispatcher(redis_client, queue_ids=QUEUE_IDS, heartbeat_timeout=45, clock=clock)


def waiting_call(redis_client, dispatcher, call_sid, queue, at):
    redis_client.set(f"ct:call:{call_sid}", "{}")
    dispatcher.join(queue, call_sid, at=at)


def waiting_chat(redis_client, dispatcher, session_id, queue, at):
    redis_client.hset(f"ct:chat:{session_id}", "state", "queued")
    dispatcher.join(queue, session_id, at=at)


def adviser(presence, user_id, queues=("young_people", "adult_information"), cap=2,
            mode=AVAILABLE):
    presence.sign_on(user_id, queues=queues, chat_cap=cap, endpoint=f"client:a{user_id}")
    presence.set_mode(user_id, mode)


def test_presence_survives_a_new_sign_on_and_goes_away_without_heartbeats(presence, clock):
    adviser(presence, 1)
    assert presence.get(1).status == AVAILABLE
    presence.sign_on(1, queues=["young_people"], chat_cap=2, endpoint=None)  # a page reload
    assert presence.get(1).status == AVAILABLE
    clock.now += 46
    assert presence.get(1).status == AWAY and presence.get(1).reason == "no heartbeat"
    presence.heartbeat(1)
    assert presence.get(1).status == AVAILABLE


def test_longest_idle_available_adviser_with_the_skill_gets_the_call(
        redis_client, presence, dispatcher, clock):
    adviser(presence, 1)
    clock.now += 10
    adviser(presence, 2)
    adviser(presence, 3, queues=("complaints",))
    clock.now -= 100  # 3 is the longest idle but lacks the skill
    presence.set_mode(3, AWAY)
    presence.set_mode(3, AVAILABLE)
    clock.now += 100
    waiting_call(redis_client, dispatcher, "CA1", "young_people", at=clock.now - 30)
    [made] = dispatcher.assign_all()
    assert (made.member, made.adviser_id, made.channel) == ("CA1", 1, "call")
    assert made.waited(clock.now) == 30
    assert presence.get(1).status == BUSY


def test_safeguarding_first_then_by_time_waited(redis_client, presence, dispatcher, clock):
    waiting_chat(redis_client, dispatcher, "older", "young_people", at=1.0)
    waiting_chat(redis_client, dispatcher, "urgent", "safeguarding", at=900.0)
    waiting_chat(redis_client, dispatcher, "oldest", "adult_information", at=0.5)
    adviser(presence, 1, queues=("young_people", "adult_information", "safeguarding"), cap=1)
    assert dispatcher.assign_next().member == "urgent"
    adviser(presence, 2, queues=("young_people", "adult_information"), cap=1)
    assert dispatcher.assign_next().member == "oldest"
    adviser(presence, 3, queues=("young_people",), cap=1)
    assert dispatcher.assign_next().member == "older"


def test_chat_cap_and_one_call_at_a_time(redis_client, presence, dispatcher, clock):
    adviser(presence, 1, cap=2)
    for n in range(3):
        waiting_chat(redis_client, dispatcher, f"chat{n}", "young_people", at=n)
    waiting_call(redis_client, dispatcher, "CA9", "young_people", at=0.1)
    # Up to the cap of two chats; the call, waiting since 0.1, needs an adviser with nothing.
    assert [m.member for m in dispatcher.assign_all()] == ["chat0", "chat1"]
    dispatcher.finish("chat0", wrap_up_seconds=0)
    assert [m.member for m in dispatcher.assign_all()] == ["chat2"]
    dispatcher.finish("chat1", wrap_up_seconds=0)
    dispatcher.finish("chat2", wrap_up_seconds=0)
    assert [m.member for m in dispatcher.assign_all()] == ["CA9"]
    assert presence.get(1).calls == 1 and presence.get(1).chats == 0
    assert dispatcher.waiting()["young_people"] == 0


def test_wrap_up_holds_the_adviser_until_its_time_ends(redis_client, presence, dispatcher, clock):
    adviser(presence, 1)
    waiting_call(redis_client, dispatcher, "CA1", "young_people", at=0)
    dispatcher.assign_all()
    dispatcher.finish("CA1", wrap_up_seconds=60)
    assert presence.get(1).status == WRAP_UP
    waiting_call(redis_client, dispatcher, "CA2", "young_people", at=1)
    assert dispatcher.assign_all() == []
    clock.now += 61
    presence.heartbeat(1)
    assert presence.get(1).status == AVAILABLE
    assert [m.member for m in dispatcher.assign_all()] == ["CA2"]


def test_a_declined_call_keeps_its_place_and_the_adviser_goes_away(
        redis_client, presence, dispatcher, clock):
    adviser(presence, 1)
    waiting_call(redis_client, dispatcher, "CA1", "young_people", at=5.0)
    waiting_call(redis_client, dispatcher, "CA2", "young_people", at=6.0)
    [made] = dispatcher.assign_all()
    assert made.member == "CA1"
    assert dispatcher.decline("CA1", reason="no answer")
    assert presence.get(1).status == AWAY and presence.get(1).reason == "no answer"
    assert redis_client.zrange("ct:queue:young_people", 0, 0) == ["CA1"]
    adviser(presence, 2)
    assert dispatcher.assign_next().member == "CA1"


def test_transfer_to_another_queue_keeps_the_place_by_time_waited(
        redis_client, presence, dispatcher, clock):
    adviser(presence, 1, queues=("young_people",))
    waiting_chat(redis_client, dispatcher, "moved", "young_people", at=1.0)
    waiting_chat(redis_client, dispatcher, "later", "complaints", at=2.0)
    dispatcher.assign_all()
    assert dispatcher.hand_back("moved", to_queue="complaints")
    assert redis_client.zrange("ct:queue:complaints", 0, -1) == ["moved", "later"]
    assert presence.get(1).chats == 0


def test_stale_advisers_are_sent_away_by_the_dispatcher(redis_client, presence, dispatcher, clock):
    adviser(presence, 1)
    clock.now += 100
    waiting_call(redis_client, dispatcher, "CA1", "young_people", at=clock.now)
    assert dispatcher.assign_all() == []
    assert redis_client.hget("ct:adviser:1", "mode") == AWAY


def _race(adviser_id: int, start, results) -> None:
    client = redis_lib.Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    dispatcher = Dispatcher(client, queue_ids=QUEUE_IDS)
    start.wait()
    got = [a.member for a in dispatcher.assign_all()]
    results.put((adviser_id, got))


def test_two_advisers_on_two_processes_racing_for_one_contact_get_it_once(redis_client):
    presence = Presence(redis_client)
    dispatcher = Dispatcher(redis_client, queue_ids=QUEUE_IDS)
    for round_ in range(20):
        redis_client.flushdb()
        adviser(presence, 1, cap=1)
        adviser(presence, 2, cap=1)
        waiting_call(redis_client, dispatcher, f"CA{round_}", "young_people", at=1.0)
        context = multiprocessing.get_context("fork")
        start, results = context.Event(), context.Queue()
        workers = [context.Process(target=_race, args=(n, start, results)) for n in (1, 2)]
        for worker in workers:
            worker.start()
        start.set()
        got = [results.get(timeout=20) for _ in workers]
        for worker in workers:
            worker.join(timeout=20)
        taken = [member for _, members in got for member in members]
        assert taken == [f"CA{round_}"]
        holders = [n for n in (1, 2) if redis_client.smembers(f"ct:adviser:{n}:contacts")]
        assert len(holders) == 1


def test_moving_average_of_waits_is_three_parts_old_to_one_part_new(
        redis_client, presence, dispatcher, clock):
    from routing.chat_queue import ChatQueue

    queue = ChatQueue(redis_client, queue_ids=QUEUE_IDS)
    adviser(presence, 1, cap=5)
    clock.now = 100.0
    presence.heartbeat(1)
    waiting_chat(redis_client, dispatcher, "a", "young_people", at=0.0)
    dispatcher.assign_all()  # first wait: 100 s
    assert queue.average_wait("young_people") == 100.0
    clock.now = 220.0
    presence.heartbeat(1)
    waiting_chat(redis_client, dispatcher, "b", "young_people", at=200.0)
    dispatcher.assign_all()  # (3 × 100 + 20) / 4 = 80
    assert queue.average_wait("young_people") == 80.0
    queue.join("young_people", "c", at=300.0)
    # The estimate is the recent average less what this chat has waited already.
    assert queue.place("young_people", "c", at=330.0).estimated_wait_seconds == 50
