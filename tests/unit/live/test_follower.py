"""A follower hands on each stream entry once, in order, whether it was read or published."""

from __future__ import annotations

from live.hub import Follower, _newer


def entry(entry_id: str) -> tuple[str, dict[str, str]]:
    return entry_id, {"event": "x", "data": entry_id}


def test_published_entries_already_read_are_not_sent_twice():
    follower = Follower("k", "0")
    follower.stale = False
    follower.offer(entry("5-0"))  # published while the read below was in flight
    follower.offer(entry("6-0"))
    sent = follower.take([entry("4-0"), entry("5-0")])
    assert [i for i, _ in sent] == ["4-0", "5-0", "6-0"]
    assert follower.after == "6-0"
    follower.offer(entry("6-0"))
    assert follower.take([]) == []


def test_a_plain_wake_or_too_much_pending_means_read_the_stream():
    follower = Follower("k", "1-0")
    follower.stale = False
    follower.offer(None)
    assert follower.stale and follower.pending == []
    follower.stale = False
    for n in range(Follower.MAX_PENDING + 1):
        follower.offer(entry(f"{n + 2}-0"))
    assert follower.stale and follower.pending == []


def test_stream_ids_compare_as_numbers():
    assert _newer("10-0", "9-5") and _newer("9-10", "9-9") and _newer("1-0", "0")
    assert not _newer("9-5", "9-5")
