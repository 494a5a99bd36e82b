"""The events front on real Redis: streams handed over by Flask views, the phone pool, shedding.

The front runs in-process (aiohttp); behind it, real Flask apps on werkzeug servers stand in for
the two gunicorn pools: the chat app itself, and a small app using the generic `live.flask.stream`
as the staff console's live pages will.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from live import publish
from live.flask import stream
from live.front import Front, FrontConfig, load_renderers
from live.sse import StreamLimits
from tests.support.databases import TEST_REDIS_URL

STAFF_KEY = "ct:test:desk"


class Served:
    """A WSGI app on a free loopback port, in a thread."""

    def __init__(self, app) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def staff_app(redis_client) -> Flask:
    """What a console live page does: authorise, then hand the stream over."""
    app = Flask(__name__)

    @app.get("/console/live")
    def desk():
        return stream(redis_client, STAFF_KEY)

    @app.get("/slow")
    def slow():
        time.sleep(1.0)
        return "slow"

    @app.post("/voice/incoming")
    def voice():
        return "<Response><Say>voice pool</Say></Response>", 200, {"Content-Type": "text/xml"}

    return app


@pytest.fixture
def pools(settings, redis_client):
    chat = Served(create_app(settings))
    staff = Served(staff_app(redis_client))
    yield chat, staff
    chat.close()
    staff.close()


@asynccontextmanager
async def front(web_url: str, voice_url: str, **changes):
    load_renderers("ivr.chat.live")
    config = FrontConfig(web_url=web_url, voice_url=voice_url, redis_url=TEST_REDIS_URL,
                         limits=StreamLimits(keepalive_seconds=1.0, max_seconds=30), **changes)
    runner = web.AppRunner(Front(config).application())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        async with aiohttp.ClientSession() as http:
            yield http, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def frames(response, count: int, timeout: float = 5.0) -> list[dict]:
    """The next `count` events (id, event, data) from an SSE response."""
    found, current = [], {}

    async def read():
        async for raw in response.content:
            line = raw.decode().rstrip("\n")
            if not line:
                if "event" in current:
                    found.append(dict(current))
                current.clear()
                if len(found) >= count:
                    return
            elif not line.startswith((":", "retry:")):
                name, _, value = line.partition(": ")
                current[name] = value

    await asyncio.wait_for(read(), timeout)
    return found


def test_a_chat_stream_goes_through_the_front_and_resumes_after_last_event_id(pools,
                                                                              redis_client):
    chat, staff = pools

    async def scenario():
        async with front(chat.url, staff.url) as (http, base):
            async with http.post(base + "/api/chat/sessions") as created:
                assert created.status == 201
                session_id = (await created.json())["session_id"]
            url = f"{base}/api/chat/sessions/{session_id}/events"
            async with http.get(url, headers={"Accept": "text/event-stream"}) as events:
                assert events.headers["Content-Type"].startswith("text/event-stream")
                assert events.headers["Access-Control-Allow-Origin"] == "*"
                greeting = (await frames(events, 1))[0]
                assert greeting["event"] == "message"
                assert "welcome" in json.loads(greeting["data"])["text"].lower()
                written = time.monotonic()
                await asyncio.to_thread(_append, redis_client, session_id, "An adviser line")
                line = (await frames(events, 1))[0]
                assert json.loads(line["data"])["text"] == "An adviser line"
                assert time.monotonic() - written < 1.0
            headers = {"Accept": "text/event-stream", "Last-Event-ID": line["id"]}
            await asyncio.to_thread(_append, redis_client, session_id, "After the reconnect")
            async with http.get(url, headers=headers) as events:
                resumed = await frames(events, 1)
                assert [json.loads(f["data"])["text"] for f in resumed] == ["After the reconnect"]

    asyncio.run(scenario())


def _append(redis_client, session_id: str, text: str) -> None:
    from ivr.chat.store import ChatStore

    ChatStore(redis_client, ttl_seconds=600, max_lines=100).append(session_id, "adviser", text)


def test_an_unknown_chat_is_404_through_the_front(pools):
    chat, staff = pools

    async def scenario():
        async with front(chat.url, staff.url) as (http, base):
            async with http.get(base + "/api/chat/sessions/" + "x" * 43 + "/events") as answer:
                assert answer.status == 404

    asyncio.run(scenario())


def test_any_view_can_hand_a_redis_stream_to_the_front_with_keep_alives(pools, redis_client):
    chat, staff = pools

    async def scenario():
        async with front(staff.url, staff.url) as (http, base):
            first = publish.add(redis_client, STAFF_KEY, publish.event("call", '{"n": 1}'))
            async with http.get(base + "/console/live") as events:
                replay = await frames(events, 1)
                assert replay == [{"id": first, "event": "call", "data": '{"n": 1}'}]
                await asyncio.sleep(1.3)
                publish.add(redis_client, STAFF_KEY, publish.event("call", '{"n": 2}'))
                raw = await asyncio.wait_for(events.content.read(200), 3)
                assert b": keep-alive" in raw or b'{"n": 2}' in raw

    asyncio.run(scenario())


def test_one_chat_cannot_hold_every_stream_of_the_front(pools):
    """Many streams of one session are refused (429) beyond its cap; another chat still gets in."""
    chat, staff = pools

    async def scenario():
        async with front(chat.url, staff.url, max_streams_per_key=3) as (http, base):
            sessions = []
            for _ in range(2):
                async with http.post(base + "/api/chat/sessions") as created:
                    sessions.append((await created.json())["session_id"])
            url = f"{base}/api/chat/sessions/{{}}/events"
            held = [await http.get(url.format(sessions[0])) for _ in range(3)]
            refused = await http.get(url.format(sessions[0]))
            assert [r.status for r in held] == [200, 200, 200]
            assert refused.status == 429 and int(refused.headers["Retry-After"]) >= 1
            assert "too many" in (await refused.json())["error"]
            other = await http.get(url.format(sessions[1]))
            assert other.status == 200
            held[0].close()
            # The front notices a browser gone at its next write (a keep-alive, every second).
            for _ in range(50):
                again = await http.get(url.format(sessions[0]))
                if again.status == 200:
                    break
                again.close()
                await asyncio.sleep(0.2)
            assert again.status == 200
            for response in (*held, other, again):
                response.close()

    asyncio.run(scenario())


def test_one_address_cannot_open_streams_without_end(pools):
    """Across many chats, one client address (an IPv6 /64 behind a trusted ingress) is capped."""
    chat, staff = pools

    async def scenario():
        async with front(chat.url, staff.url, max_streams_per_address=2,
                         trusted_proxies=1) as (http, base):
            sessions = []
            for _ in range(4):
                async with http.post(base + "/api/chat/sessions") as created:
                    sessions.append((await created.json())["session_id"])
            url = f"{base}/api/chat/sessions/{{}}/events"

            def via(address: str) -> dict:
                return {"X-Forwarded-For": address}

            first = await http.get(url.format(sessions[0]), headers=via("2001:db8:9:1::1"))
            second = await http.get(url.format(sessions[1]), headers=via("2001:db8:9:1::2"))
            third = await http.get(url.format(sessions[2]), headers=via("2001:db8:9:1::3"))
            elsewhere = await http.get(url.format(sessions[3]), headers=via("198.51.100.4"))
            assert [first.status, second.status, third.status, elsewhere.status] == [
                200, 200, 429, 200]
            for response in (first, second, third, elsewhere):
                response.close()

    asyncio.run(scenario())


def test_without_the_front_the_same_view_streams_from_the_worker(redis_client):
    first = publish.add(redis_client, STAFF_KEY, publish.event("call", '{"n": 1}'))
    response = staff_app(redis_client).test_client().get("/console/live", buffered=False)
    assert response.mimetype == "text/event-stream"
    chunks = iter(response.response)
    text = (next(chunks) + next(chunks)).decode()
    assert f"id: {first}\nevent: call\ndata: {{\"n\": 1}}" in text
    response.close()


def test_the_phone_goes_to_its_own_pool_and_a_busy_web_pool_says_503_at_once(pools):
    chat, staff = pools

    async def scenario():
        async with front(staff.url, staff.url, web_max_inflight=1,
                         web_wait_seconds=0.2, retry_after_seconds=7) as (http, base):
            slow = asyncio.create_task(http.get(base + "/slow"))
            await asyncio.sleep(0.2)
            started = time.monotonic()
            async with http.get(base + "/slow") as refused:
                assert refused.status == 503
                assert refused.headers["Retry-After"] == "7"
                assert "busy" in (await refused.json())["error"]
            assert time.monotonic() - started < 0.8
            async with http.post(base + "/voice/incoming") as voice:  # not behind the web slot
                assert voice.status == 200 and "voice pool" in await voice.text()
            (await slow).release()

    asyncio.run(scenario())


def test_while_the_voice_pool_restarts_the_caller_hears_a_pause_and_a_retry(pools):
    chat, _staff = pools

    async def scenario():
        async with front(chat.url, "http://127.0.0.1:9") as (http, base):
            async with http.post(base + "/voice/incoming?x=1") as answer:
                body = await answer.text()
            assert answer.status == 200 and "<Pause" in body
            assert "/voice/incoming?x=1&amp;front_retry=1" in body
            async with http.post(base + "/voice/incoming?front_retry=1") as again:
                assert "<Hangup/>" in await again.text()

    asyncio.run(scenario())
