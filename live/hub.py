"""One Redis subscriber per events process, fanning stream wake-ups out to every open follower.

Followers read their own stream with short non-blocking XREADs over a small shared connection
pool, so 2,000 open pages cost 2,000 sockets to browsers but only a handful to Redis. A follower
also re-reads when its keep-alive falls due, which covers a wake-up lost while Redis restarted.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Any

from models import keys

log = logging.getLogger(__name__)


class Follower:
    """One open stream: where it has read up to, and a flag the hub raises when there is news."""

    def __init__(self, key: str, after: str) -> None:
        self.key = key
        self.after = after
        self.news = asyncio.Event()
        self.news.set()  # read once at once: replay what came before the page connected

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
        """Entries after the follower's position (non-blocking); advances the position."""
        answer = await self.redis.xread({follower.key: follower.after}, count=self.batch)
        entries = answer[0][1] if answer else []
        if entries:
            follower.after = entries[-1][0]
        return entries

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

    def _wake(self, key: str) -> None:
        for follower in self._followers.get(key, ()):
            follower.news.set()

    def _wake_all(self) -> None:
        for group in self._followers.values():
            for follower in group:
                follower.news.set()
