"""The Rasa server's own plumbing: the lock store lets a waiting turn in promptly, on real Redis,
and calls to the action server reuse one kept-alive connection."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from urllib.parse import urlparse

import pytest
import redis
from aiohttp import web
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_process
from bot.lock_store import PromptLockStore

REDIS = urlparse(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9"))


@pytest.fixture
def lock_store():
    db = int((REDIS.path or "/9").lstrip("/") or 9)
    try:
        redis.Redis(host=REDIS.hostname, port=REDIS.port or 6379, db=db).ping()
    except redis.RedisError:
        pytest.skip("no Redis at TEST_REDIS_URL")
    endpoint = EndpointConfig(url=REDIS.hostname, port=str(REDIS.port or 6379), db=str(db),
                              key_prefix="testlock", type="bot.lock_store.PromptLockStore")
    return PromptLockStore(endpoint_config=endpoint)


def test_a_waiting_turn_is_let_in_within_a_tenth_of_a_second(lock_store):
    released: list[float] = []
    acquired: list[float] = []

    async def first() -> None:
        async with lock_store.lock("conversation-1"):
            await asyncio.sleep(0.3)
            released.append(time.monotonic())

    async def second() -> None:
        await asyncio.sleep(0.05)
        async with lock_store.lock("conversation-1"):
            acquired.append(time.monotonic())

    async def both() -> None:
        await asyncio.gather(first(), second())

    asyncio.run(both())
    assert acquired[0] >= released[0], "the turns of one conversation never overlap"
    assert acquired[0] - released[0] < 0.15  # Rasa's own store polls once a second


def test_action_calls_reuse_one_connection():
    peers: list[tuple] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": []})

    async def run() -> None:
        rasa_process.install()
        app = web.Application()
        app.router.add_post("/webhook", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        endpoint = EndpointConfig(url=f"http://127.0.0.1:{port}/webhook")
        try:
            for _ in range(3):
                assert await endpoint.request(json={"next_action": "x"}, method="post") == {
                    "events": [], "responses": []}
        finally:
            await rasa_process.close_sessions()
            await runner.cleanup()

    asyncio.run(run())
    assert len(peers) == 3 and len(set(peers)) == 1


def test_rasa_s_timeout_line_keeps_the_event_and_withholds_the_words(caplog):
    rasa_process.install()
    logger = logging.getLogger("rasa.core.channels.rest")
    with caplog.at_level(logging.ERROR, logger="rasa.core.channels.rest"):
        logger.error(json.dumps({"text": "I'm 17 and my name is Sam", "event":
                                 "rest.message.received.timeout", "level": "error"}))
    (line,) = [r.getMessage() for r in caplog.records]
    assert json.loads(line) == {"text": "[withheld]", "event": "rest.message.received.timeout",
                                "level": "error"}
    assert "Sam" not in caplog.text


def test_the_assistants_redis_stores_use_the_password_and_tls_they_are_given(monkeypatch):
    """A Redis that wants AUTH (or TLS) is spoken to with it by the tracker and lock stores."""
    from bot.redis_auth import redis_credentials

    assert redis_credentials({}) == {}
    assert redis_credentials({"REDIS_PASSWORD": "s3cret", "REDIS_SSL": "True"}) == {
        "password": "s3cret", "use_ssl": True}
    monkeypatch.setenv("REDIS_PASSWORD", "s3cret")
    endpoint = EndpointConfig(url="127.0.0.1", port=6379, db=3,
                              type="bot.lock_store.PromptLockStore")
    store = PromptLockStore(endpoint_config=endpoint)
    assert store.red.connection_pool.connection_kwargs["password"] == "s3cret"
