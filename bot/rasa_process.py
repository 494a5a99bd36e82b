"""Rasa's per-turn overheads, removed inside the Rasa server's own process; behaviour unchanged.

Loaded by bot/tracker_store.py and bot/lock_store.py (Rasa imports both when it starts, from
bot/endpoints.yml), so nothing else needs to know. Each change keeps what Rasa does and only
stops it repeating work on every action call of every turn (profiled under `make bench-load`):
calls to the action server reuse kept-alive connections from one HTTP session per event loop,
rather than a new session and TCP connection for every action. (bot/components/speedups.py,
loaded with the model, already builds the action replies' schema validator once.)

It also keeps the customer's words out of Rasa's own error lines: when a turn times out (the app
gave up waiting), Rasa's REST channel logs the message's text; here the words are withheld and
the event kept.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from typing import Any

import aiohttp
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

# Below the action server's keep-alive (Sanic closes an idle connection after 5 s), so a kept
# connection is never reused just as the server closes it.
KEEPALIVE_SECONDS = 2.0
_installed = False
# Rasa's loggers that put a customer's words in a line at INFO or above, and the fields with them.
_WORDY_LOGGERS = ("rasa.core.channels.rest", "rasa.core.http_interpreter")
_WORDS = ("text", "user_text", "message", "user_message", "json_message")
WITHHELD = "[withheld]"


class WithholdWords(logging.Filter):
    """Replaces the customer's words in Rasa's JSON log lines (and any other line) by a mark."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always passes the record on, with the words withheld."""
        message = record.getMessage()
        try:
            data = json.loads(message)
        except ValueError:
            data = None
        if isinstance(data, dict):
            record.msg = json.dumps({k: WITHHELD if k in _WORDS else v for k, v in data.items()})
        else:
            record.msg = f"{record.name}: a line about a message (words withheld)"
        record.args = ()
        return True


class _Kept:
    """`async with` over a shared session that outlives the block (EndpointConfig.request)."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *_exc: object) -> None:
        return None


_sessions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _session(self: EndpointConfig) -> Any:
    """One session per endpoint and event loop, configured as Rasa's own would be."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return _new_session(self, None)  # no loop yet: Rasa's behaviour, a session of its own
    by_endpoint = _sessions.setdefault(loop, {})
    key = (self.url, repr(self.headers), repr(self.basic_auth))
    session = by_endpoint.get(key)
    if session is None or session.closed:
        session = by_endpoint[key] = _new_session(self, aiohttp.TCPConnector(
            limit=100, keepalive_timeout=KEEPALIVE_SECONDS))
    return _Kept(session)


def _new_session(endpoint: EndpointConfig, connector: aiohttp.BaseConnector | None
                 ) -> aiohttp.ClientSession:
    auth = (aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            if endpoint.basic_auth else None)
    return aiohttp.ClientSession(headers=endpoint.headers, auth=auth, connector=connector,
                                 timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT))


async def close_sessions() -> None:
    """Close this event loop's kept sessions (when a server or a test stops)."""
    for session in _sessions.pop(asyncio.get_running_loop(), {}).values():
        await session.close()


def install() -> None:
    """Apply the changes once per process."""
    global _installed
    if _installed:
        return
    EndpointConfig.session = _session
    for name in _WORDY_LOGGERS:
        logging.getLogger(name).addFilter(WithholdWords())
    _installed = True

