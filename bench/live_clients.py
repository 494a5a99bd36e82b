"""The browsers of bench_live.py, in their own process: open webchats, follow them, chat.

Driven over standard input and output, one JSON object a line:
  {"do": "open", "chats": N}         create N chats and follow each one's event stream
  {"do": "close_streams"} / {"do": "reopen"}   close every stream / follow every chat again
  {"do": "probe", "seconds": S}      write one line into every chat over S seconds; time delivery
  {"do": "chat", "chats": K}         K of the chats each send a message every second, until
  {"do": "stop_chat"}                which answers the chat API's latencies
  {"do": "quit"}
Requests come from many loopback addresses (127.0.1.x), as many customers do, so the per-address
limits of config/chat.yaml apply as they would in life.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import statistics
import sys
import time

import aiohttp
import redis.asyncio as aioredis

from live import publish
from models import keys

ADDRESSES = [f"127.0.1.{i}" for i in range(1, 251)]


def summary(values: list[float]) -> dict:
    """n, p50, p95 and max of `values` (milliseconds)."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "max": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return {"n": len(values), "p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1)}


class Browsers:
    """Many customers' webchat pages."""

    def __init__(self, base: str, redis_url: str) -> None:
        self.base = base
        self.redis = aioredis.Redis.from_url(redis_url, decode_responses=True)
        self.sessions: list[str] = []
        self.first_frame: dict[str, asyncio.Event] = {}
        self.latencies: list[float] = []
        self.failed = 0
        self.refusals = 0  # 503s met while connecting (each page tried again a second later)
        self.ended: dict[str, str] = {}  # streams that stopped, and why
        self.tasks: list[asyncio.Task] = []
        self.addresses = itertools.cycle(ADDRESSES)
        self.clients: dict[str, aiohttp.ClientSession] = {}
        self.chat_samples: list[float] = []
        self.chat_errors = 0
        self.chatting = False

    def client(self, address: str | None = None) -> aiohttp.ClientSession:
        """A client whose connections come from `address` (one per address)."""
        address = address or next(self.addresses)
        if address not in self.clients:
            connector = aiohttp.TCPConnector(limit=0, local_addr=(address, 0))
            self.clients[address] = aiohttp.ClientSession(
                connector=connector, timeout=aiohttp.ClientTimeout(total=None, sock_read=None))
        return self.clients[address]

    async def open(self, chats: int) -> dict:
        """Create `chats` chats, follow them all, and wait until each has its greeting."""
        started = time.monotonic()
        gate = asyncio.Semaphore(24)

        async def create() -> None:
            async with gate:
                async with self.client().post(self.base + "/api/chat/sessions") as answer:
                    if answer.status != 201:
                        self.failed += 1
                        return
                    session_id = (await answer.json())["session_id"]
            self.sessions.append(session_id)
            self.first_frame[session_id] = asyncio.Event()
            self.tasks.append(asyncio.create_task(self.follow(session_id)))

        await asyncio.gather(*(create() for _ in range(chats)))
        created = time.monotonic() - started
        answer = await self._all_served(started)
        return {"asked": chats, "created": len(self.sessions), "refused": self.failed,
                "create_seconds": round(created, 1), **answer}

    async def reopen(self) -> dict:
        """Follow every chat again (after close_streams), as pages reloaded at once would."""
        started = time.monotonic()
        self.ended.clear()
        for session_id in self.sessions:
            self.first_frame[session_id] = asyncio.Event()
            self.tasks.append(asyncio.create_task(self.follow(session_id)))
        return await self._all_served(started)

    async def close_streams(self) -> dict:
        """Close every page's stream (the chats themselves stay)."""
        tasks, self.tasks = self.tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return {"closed": len(tasks)}

    async def _all_served(self, started: float) -> dict:
        waits = [event.wait() for event in self.first_frame.values()]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), timeout=60)
        except TimeoutError:
            pass
        served = sum(event.is_set() for event in self.first_frame.values())
        return {"streams_served": served, "refusals_retried": self.refusals,
                "all_served_seconds": round(time.monotonic() - started, 1)}

    async def follow(self, session_id: str) -> None:
        """One page's EventSource: read frames until the bench ends; after a 503, try again."""
        client = self.client()
        for _ in range(30):  # bounded, as the widget's own retries are in effect
            try:
                if await self._read_stream(client, session_id):
                    self.ended[session_id] = "stream ended"
                    return
            except asyncio.CancelledError:
                return
            except Exception as error:  # noqa: BLE001 - counted and shown, not hidden
                self.ended[session_id] = type(error).__name__
                return
            self.refusals += 1
            await asyncio.sleep(1.0)

    async def _read_stream(self, client: aiohttp.ClientSession, session_id: str) -> bool:
        url = f"{self.base}/api/chat/sessions/{session_id}/events"
        async with client.get(url, headers={"Accept": "text/event-stream"}) as answer:
            if answer.status != 200:
                return False
            async for line in answer.content:
                if not line.startswith(b"data: "):
                    continue
                received = time.time()
                self.first_frame[session_id].set()
                text = json.loads(line[6:]).get("text", "")
                if text.startswith("probe "):
                    self.latencies.append((received - float(text.split()[1])) * 1000)
        return True

    async def probe(self, seconds: float) -> dict:
        """A new line for every chat, written evenly over `seconds`; how soon each arrived."""
        self.latencies = []
        batch = 50
        groups = [self.sessions[i:i + batch] for i in range(0, len(self.sessions), batch)]
        pause = seconds / max(1, len(groups))
        script = self.redis.register_script(publish.ADD_SCRIPT)  # as ChatStore.append writes
        for group in groups:
            async with self.redis.pipeline(transaction=False) as pipe:
                for session_id in group:
                    fields = ["type", "message", "from", "system",
                              "text", f"probe {time.time():.6f}", "buttons", "[]"]
                    await script(keys=[keys.key(keys.CHAT_EVENTS, session_id=session_id)],
                                 args=[400, 7200, keys.STREAM_WAKE, *fields], client=pipe)
                await pipe.execute()
            await asyncio.sleep(pause)
        deadline = time.monotonic() + 10
        while len(self.latencies) < len(self.sessions) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        within = sum(1 for v in self.latencies if v <= 1000)
        reasons: dict[str, int] = {}
        for reason in self.ended.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        return {"lines": len(self.sessions), "received": len(self.latencies),
                "within_1s": within, "latency_ms": summary(self.latencies),
                "streams_ended": reasons}

    async def chat(self, chats: int) -> dict:
        """`chats` chats each send a message every second until stop_chat."""
        self.chatting, self.chat_samples, self.chat_errors = True, [], 0
        for index, session_id in enumerate(self.sessions[:chats]):
            self.tasks.append(asyncio.create_task(self.chatter(session_id, index)))
        return {"chatting": min(chats, len(self.sessions))}

    async def chatter(self, session_id: str, index: int) -> None:
        """One customer typing a line a second (free text: the menu answers each)."""
        client = self.client(ADDRESSES[index % len(ADDRESSES)])
        url = f"{self.base}/api/chat/sessions/{session_id}/messages"
        await asyncio.sleep(index / 50)  # spread over the second, as people are
        while self.chatting:
            started = time.perf_counter()
            try:
                async with client.post(url, json={"text": "What apprenticeships are there?"},
                                       timeout=aiohttp.ClientTimeout(total=30)) as answer:
                    await answer.read()
                    if answer.status != 200:
                        self.chat_errors += 1
            except (aiohttp.ClientError, TimeoutError):
                self.chat_errors += 1
            elapsed = time.perf_counter() - started
            self.chat_samples.append(elapsed * 1000)
            await asyncio.sleep(max(0.0, 1.0 - elapsed))

    async def stop_chat(self) -> dict:
        """Stop the chatters; their latencies."""
        self.chatting = False
        await asyncio.sleep(1.2)
        return {"messages": len(self.chat_samples), "errors": self.chat_errors,
                "latency_ms": summary(self.chat_samples)}

    async def close(self) -> None:
        """Close every page."""
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for client in self.clients.values():
            await client.close()
        await self.redis.aclose()


async def main() -> None:
    """Obey commands from standard input until quit."""
    # The customers' browsers stand in for devices elsewhere: their CPU is not the centre's.
    os.nice(10)
    base, redis_url = sys.argv[1], sys.argv[2]
    browsers = Browsers(base, redis_url)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command = json.loads(line)
        do = command.pop("do")
        if do == "quit":
            break
        answer = await getattr(browsers, do)(**command)
        print(json.dumps(answer), flush=True)
    await browsers.close()


if __name__ == "__main__":
    asyncio.run(main())
