"""Rasa's Redis lock store, with a waiting turn let in as soon as the one before it finishes.

Rasa serialises the turns of one conversation with a ticket lock; a turn that finds the lock
taken polls it every second, so a Twilio retry or a customer's quick second message waited a
whole second after the first turn was done. This store polls every `poll_seconds` (50 ms) and
is otherwise Rasa's RedisLockStore (bot/endpoints.yml: `type: bot.lock_store.PromptLockStore`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot import rasa_process
from bot.redis_auth import redis_credentials

rasa_process.install()

POLL_SECONDS = 0.05
_SETTINGS = ("host", "port", "db", "username", "password", "use_ssl", "ssl_certfile",
             "ssl_keyfile", "ssl_ca_certs", "key_prefix", "socket_timeout")


class PromptLockStore(RedisLockStore):
    """RedisLockStore polling a taken lock every `poll_seconds` rather than every second."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        """Built by Rasa from bot/endpoints.yml's lock_store entry (or from keyword arguments)."""
        given = {**redis_credentials(),
                 **(dict(endpoint_config.kwargs) if endpoint_config is not None else {})}
        if endpoint_config is not None and endpoint_config.url:
            given.setdefault("host", endpoint_config.url)
        given.update(kwargs)
        self.poll_seconds = float(given.pop("poll_seconds", POLL_SECONDS))
        settings = {k: v for k, v in given.items() if k in _SETTINGS}
        for name in ("port", "db"):
            if name in settings:
                settings[name] = int(settings[name])
        super().__init__(**settings)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float | None = None) -> AsyncGenerator[TicketLock, None]:
        """Rasa's lock, polled every `poll_seconds` unless a wait is given."""
        wait = self.poll_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        async with super().lock(conversation_id, lock_lifetime, wait) as ticket_lock:
            yield ticket_lock
