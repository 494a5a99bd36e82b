"""One Redis subscriber per events process, fanning stream news out to every open follower.

A wake-up carries the new entry (live.publish), which goes straight to each follower's pending
list; a follower reads its stream itself (a short non-blocking XREAD over a small shared pool)
only when it starts, falls behind, or its keep-alive falls due, which also covers news lost while
Redis restarted. Entries are handed on in stream order, each exactly once (ids only go up).
So 2,000 open pages cost 2,000 sockets to browsers but only a handful of connections to Redis.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from typing import Any

from models import keys

log = logging.getLogger(__name__)


class Follower:
    """One open stream: where it has read up to, and a flag the hub raises when there is news."""

    MAX_PENDING = 500  # beyond this a slow follower drops them and reads the stream instead

    def __init__(self, key: str, after: str) -> None:
        self.key = key
        self.after = after
        self.pending: list[tuple[str, dict[str, str]]] = []
        self.stale = True  # read the stream first: replay what came before the page connected
        self.news = asyncio.Event()
        self.news.set()

    def offer(self, entry: tuple[str, dict[str, str]] | None) -> None:
        """A published entry (None: "something changed, read the stream")."""
        if entry is None or len(self.pending) >= self.MAX_PENDING:
            self.pending.clear()
            self.stale = True
        else:
            self.pending.append(entry)
        self.news.set()

    def take(self, read: list[tuple[str, dict[str, str]]]) -> list[tuple[str, dict[str, str]]]:
        """What was just read, then the pending entries newer than everything so far."""
        pending, self.pending = self.pending, []
        fresh = list(read)
        if read:
            self.after = read[-1][0]
        for entry_id, fields in pending:
            if _newer(entry_id, self.after):
                fresh.append((entry_id, fields))
                self.after = entry_id
        return fresh

    async def wait(self, timeout: float) -> None:
        """Until there is news or `timeout` seconds have passed."""
        try:
            await asyncio.wait_for(self.news.wait(), timeout)
        except TimeoutError:
            pass
        self.news.clear()


class Hub:
    """Wake-ups from `keys.STREAM_WAKE` to the followers of each key."""

    def __init__(self, redis_client: Any, *, batch: int = 200) -> None:
        self.redis = redis_client  # a redis.asyncio.Redis with decode_responses=True
        self.batch = batch
        self._followers: dict[str, set[Follower]] = defaultdict(set)
        self._task: asyncio.Task | None = None
        self.connected = asyncio.Event()

    @property
    def open_streams(self) -> int:
        """How many followers are connected to this process."""
        return sum(len(group) for group in self._followers.values())

    def follow(self, key: str, after: str) -> Follower:
        """Register a follower of `key` reading after entry id `after`."""
        follower = Follower(key, after)
        self._followers[key].add(follower)
        return follower

    def leave(self, follower: Follower) -> None:
        """Forget a follower whose browser has gone."""
        group = self._followers.get(follower.key)
        if group is not None:
            group.discard(follower)
            if not group:
                del self._followers[follower.key]

    async def read(self, follower: Follower) -> list[tuple[str, dict[str, str]]]:
        """New entries for the follower, in order: from the stream if it is stale, then pending."""
        read: list = []
        if follower.stale:
            follower.stale = False
            answer = await self.redis.xread({follower.key: follower.after}, count=self.batch)
            read = answer[0][1] if answer else []
            if len(read) >= self.batch:
                follower.offer(None)  # more to come: read again at once
        return follower.take(read)

    def start(self) -> None:
        """Begin listening (call from inside the running event loop)."""
        self._task = asyncio.get_running_loop().create_task(self._listen())

    async def stop(self) -> None:
        """Stop listening."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _listen(self) -> None:
        delay = 0.2
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(keys.STREAM_WAKE)
                    self.connected.set()
                    self._wake_all()  # anything written while we were away
                    delay = 0.2
                    while True:
                        message = await pubsub.get_message(timeout=30.0)
                        if message is not None:
                            self._wake(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - Redis restarting: retry with back-off
                self.connected.clear()
                log.warning("events subscriber lost Redis (%s); retrying", type(error).__name__)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _wake(self, message: str) -> None:
        if message.startswith("{"):
            news = json.loads(message)
            key, entry = news["k"], (news["i"], news["f"])
        else:
            key, entry = message, None
        for follower in self._followers.get(key, ()):
            follower.offer(entry)

    def _wake_all(self) -> None:
        for group in self._followers.values():
            for follower in group:
                follower.offer(None)


def _newer(entry_id: str, after: str) -> bool:
    """Whether stream id `entry_id` comes after `after` ("0" is before everything)."""
    def parts(value: str) -> tuple[int, int]:
        milliseconds, _, sequence = value.partition("-")
        return int(milliseconds), int(sequence or 0)

    return parts(entry_id) > parts(after)
