"""The events front: the one public port of `make run`, in front of the app's worker pools.

It forwards /voice/* to the voice pool and everything else to the web pool (so chat load never
takes a phone webhook's thread), and streams server-sent events itself: when a view answers a
forwarded GET with `live.flask.stream()`'s hand-over headers, the front follows that Redis stream
for the browser through the process's one Hub. At its limits it answers 503 with Retry-After at
once rather than letting requests wait.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import logging
import time
from collections import Counter
from dataclasses import dataclass

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web
from multidict import CIMultiDict

from engine.addresses import address_key
from live import arrival
from live.flask import AFTER_HEADER, FRONT_HEADER, PARAMS_HEADER, RENDERER_HEADER, STREAM_HEADER
from live.hub import Hub
from live.sse import RENDERERS, StreamContext, StreamLimits, pump, resume_point

log = logging.getLogger(__name__)
# Hop-by-hop headers (RFC 9110 7.6.1) and those the front recomputes.
_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length", "host"}
_LIVE = {h.lower() for h in (FRONT_HEADER, STREAM_HEADER, RENDERER_HEADER, AFTER_HEADER,
                             PARAMS_HEADER)}

# When the front received the request (live.arrival's stamp), forwarded to the pools.
ARRIVED = web.RequestKey("arrived", str)
BUSY = "We are very busy just now. Please try again in a moment."
TOO_MANY_STREAMS = "too many live connections open: close another tab and try again"


@dataclass(frozen=True)
class FrontConfig:
    """Where the pools are and how much the front lets through."""

    web_url: str
    voice_url: str
    redis_url: str
    voice_prefixes: tuple[str, ...] = ("/voice/",)
    web_max_inflight: int = 64
    web_max_waiting: int = 512
    web_wait_seconds: float = 3.0
    max_streams: int = 5000
    # One chat or desk followed from a few tabs; one address (an office behind one NAT holds a
    # floor of advisers). Without these one session could take every stream and refuse the rest.
    max_streams_per_key: int = 8
    max_streams_per_address: int = 300
    # Proxies in front of this one whose X-Forwarded-For is believed (an ingress: 1).
    trusted_proxies: int = 0
    retry_after_seconds: int = 30
    limits: StreamLimits = StreamLimits()


class Front:
    """The aiohttp application: proxy plus event streams."""

    def __init__(self, config: FrontConfig) -> None:
        self.config = config
        # A blocking pool: a burst of followers waits a moment for one of a few connections
        # rather than failing (and then waiting for its keep-alive to read again).
        pool = aioredis.BlockingConnectionPool.from_url(
            config.redis_url, decode_responses=True, max_connections=32, timeout=20,
            socket_connect_timeout=2)
        self.redis = aioredis.Redis(connection_pool=pool)
        self.hub = Hub(self.redis)
        self.web_slots: asyncio.Semaphore | None = None
        self.web_waiting = 0
        self._http: aiohttp.ClientSession | None = None
        self._per_key: Counter[str] = Counter()
        self._per_address: Counter[str] = Counter()

    def application(self) -> web.Application:
        """The aiohttp app; every path goes through `forward`."""
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.forward)
        app.on_startup.append(self._startup)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _startup(self, _app: web.Application) -> None:
        # No pool limit here: the web pool is capped by web_inflight, and the voice pool must
        # never be refused by the front (Twilio would hear an error).
        # Idle connections are let go before gunicorn's keep-alive (5 s) closes them, so a kept
        # connection is never reused just as the pool closes it (a phone webhook would fail).
        connector = aiohttp.TCPConnector(limit=0, force_close=False, keepalive_timeout=3.0)
        self._http = aiohttp.ClientSession(connector=connector, auto_decompress=False,
                                           timeout=aiohttp.ClientTimeout(total=60))
        self.web_slots = asyncio.Semaphore(self.config.web_max_inflight)
        self.hub.start()

    async def _cleanup(self, _app: web.Application) -> None:
        await self.hub.stop()
        if self._http is not None:
            await self._http.close()
        await self.redis.aclose()

    async def forward(self, request: web.Request) -> web.StreamResponse:
        """Send the request to its pool; stream the answer if the view handed a stream over."""
        # Stamped on arrival: the pools see how long a request waited for a thread (arrival).
        request[ARRIVED] = arrival.earlier(request.headers.get(arrival.HEADER), time.time())
        voice = request.path.startswith(self.config.voice_prefixes)
        if request.method == "GET" and self.hub.open_streams >= self.config.max_streams \
                and "text/event-stream" in request.headers.get("Accept", ""):
            return self.busy(BUSY)
        if voice:  # the phone is never refused here: Twilio would hear an error
            answer = await self._exchange(request, self.config.voice_url)
            return voice_unavailable(request) if answer is None else answer
        if self.web_waiting >= self.config.web_max_waiting:
            return self.busy(BUSY)
        self.web_waiting += 1
        try:
            await asyncio.wait_for(self.web_slots.acquire(), self.config.web_wait_seconds)
        except TimeoutError:
            return self.busy(BUSY)
        finally:
            self.web_waiting -= 1
        try:
            answer = await self._exchange(request, self.config.web_url)
        finally:
            self.web_slots.release()  # before streaming: a follower holds no slot
        if answer is None:
            return self.busy("the service is restarting: please try again in a moment", 5)
        if isinstance(answer, dict):
            return await self.stream(request, answer)
        return answer

    async def _exchange(self, request: web.Request, upstream: str
                        ) -> web.Response | dict[str, str] | None:
        """The pool's answer; a hand-over's headers; or None when the pool is not there."""
        body = await request.read()
        try:
            async with self._http.request(request.method, upstream + request.path_qs,
                                          headers=self._headers(request), data=body,
                                          allow_redirects=False) as answer:
                if STREAM_HEADER in answer.headers and request.method == "GET":
                    handed_over = dict(answer.headers)
                    payload = None
                else:
                    handed_over, payload = None, await answer.read()
                status, headers = answer.status, answer.headers.copy()
        except (aiohttp.ClientError, TimeoutError):
            return None
        if handed_over is not None:
            return handed_over
        response_headers = CIMultiDict((k, v) for k, v in headers.items()
                                       if k.lower() not in _HOP and k.lower() not in _LIVE)
        return web.Response(status=status, headers=response_headers, body=payload)

    def _headers(self, request: web.Request) -> CIMultiDict:
        headers = CIMultiDict((k, v) for k, v in request.headers.items()
                              if k.lower() not in _HOP and k.lower() not in _LIVE)
        # Appended, never replaced: behind an ingress that ends TLS, the pools (trusting one
        # more proxy) must still see the ingress's https and host, or Twilio's signatures fail.
        for name, value in (("X-Forwarded-For", request.remote or "unknown"),
                            ("X-Forwarded-Proto", request.scheme),
                            ("X-Forwarded-Host", request.host)):
            earlier = request.headers.get(name)
            headers[name] = f"{earlier}, {value}" if earlier else value
        if request.method == "GET":
            headers[FRONT_HEADER] = "1"
        headers[arrival.HEADER] = request.get(ARRIVED) or arrival.stamp()
        return headers

    async def stream(self, request: web.Request, handed_over: dict[str, str]
                     ) -> web.StreamResponse:
        """Follow the handed-over Redis stream for this browser."""
        factory = RENDERERS.get(handed_over.get(RENDERER_HEADER, "raw"))
        if factory is None:
            log.error("unknown renderer %r", handed_over.get(RENDERER_HEADER))
            return self.busy("this live page is not available", 60)
        key, address = handed_over[STREAM_HEADER], address_key(self.client_address(request))
        if self._per_key[key] >= self.config.max_streams_per_key \
                or self._per_address[address] >= self.config.max_streams_per_address:
            return self.busy(TOO_MANY_STREAMS, 5, status=429)
        self._per_key[key] += 1
        self._per_address[address] += 1
        try:
            return await self._follow(request, handed_over, factory)
        finally:
            for counts, name in ((self._per_key, key), (self._per_address, address)):
                counts[name] -= 1
                if counts[name] <= 0:
                    del counts[name]

    def client_address(self, request: web.Request) -> str:
        """The browser's address: the peer, or what the trusted proxies say it was."""
        if not self.config.trusted_proxies:
            return request.remote or ""
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")
                if h.strip()]
        # Each trusted proxy appended the address it was called from; the client is the entry
        # the outermost trusted proxy added (anything left of it was sent by the client itself).
        return hops[-self.config.trusted_proxies] if len(hops) >= self.config.trusted_proxies \
            else request.remote or ""

    async def _follow(self, request: web.Request, handed_over: dict[str, str], factory
                      ) -> web.StreamResponse:
        params = json.loads(handed_over.get(PARAMS_HEADER) or "{}")
        renderer = factory(StreamContext(handed_over[STREAM_HEADER], self.redis, params))
        headers = {k: v for k, v in handed_over.items()
                   if k.lower() not in _HOP and k.lower() not in _LIVE
                   and k.lower() != "content-type"}
        response = web.StreamResponse(headers={**headers, "Content-Type": "text/event-stream",
                                               "Cache-Control": "no-store",
                                               "X-Accel-Buffering": "no"})
        await response.prepare(request)

        async def write(text: str) -> None:
            await response.write(text.encode())

        try:
            await pump(write, self.hub, renderer,
                       resume_point(handed_over.get(AFTER_HEADER)), self.config.limits)
        except (ConnectionResetError, asyncio.CancelledError, aiohttp.ClientConnectionError):
            pass  # the browser went away
        return response

    def busy(self, reason: str, retry_after: int | None = None, *,
             status: int = 503) -> web.Response:
        """503 (or `status`) at once, with Retry-After, in the chat API's error shape."""
        seconds = retry_after or self.config.retry_after_seconds
        return web.json_response({"error": reason}, status=status,
                                 headers={"Retry-After": str(seconds),
                                          "Access-Control-Allow-Origin": "*"})


def voice_unavailable(request: web.Request) -> web.Response:
    """Safe TwiML while the voice pool restarts: a moment's pause, then the same URL once more."""
    if "front_retry=1" in request.query_string:
        twiml = ("<Response><Say language=\"en-GB\">Sorry, we cannot take your call just now. "
                 "Please call again in a few minutes.</Say><Hangup/></Response>")
    else:
        joiner = "&amp;" if request.query_string else "?"
        retry = request.path_qs.replace("&", "&amp;") + joiner + "front_retry=1"
        twiml = ("<Response><Say language=\"en-GB\">Please hold on a moment.</Say>"
                 f"<Pause length=\"3\"/><Redirect method=\"POST\">{retry}</Redirect></Response>")
    return web.Response(text='<?xml version="1.0" encoding="UTF-8"?>' + twiml,
                        content_type="text/xml")


def load_renderers(modules: str) -> None:
    """Import each plug-in module named in the comma-separated list; they call live.sse.register."""
    for name in filter(None, (m.strip() for m in modules.split(","))):
        importlib.import_module(name)
