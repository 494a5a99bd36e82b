"""`python -m live`: run the events front on PORT, forwarding to the pools named in settings."""

from __future__ import annotations

import logging
import resource
import sys

from aiohttp import web

from config.settings import FrontSettings, SettingsError, load_settings
from live.front import Front, FrontConfig, load_renderers
from live.sse import StreamLimits


def _raise_open_files() -> int:
    # Every open page is a socket: lift the soft limit to the hard one.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def main() -> int:
    """Serve until SIGTERM or SIGINT."""
    try:
        settings = load_settings(FrontSettings)
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    if not (settings.front_web_url and settings.front_voice_url and settings.redis_url):
        print("FRONT_WEB_URL, FRONT_VOICE_URL and REDIS_URL must be set", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(name)s %(message)s")
    files = _raise_open_files()
    load_renderers(settings.live_renderers)
    config = FrontConfig(
        web_url=settings.front_web_url.rstrip("/"), voice_url=settings.front_voice_url.rstrip("/"),
        redis_url=settings.redis_url,
        web_max_inflight=settings.effective_web_max_inflight,
        web_max_waiting=settings.web_max_waiting, web_wait_seconds=settings.web_wait_seconds,
        max_streams=min(settings.live_max_streams, max(1, files - 200)),
        max_streams_per_key=settings.live_max_streams_per_key,
        max_streams_per_address=settings.live_max_streams_per_address,
        trusted_proxies=settings.trusted_proxies,
        retry_after_seconds=settings.retry_after_seconds,
        limits=StreamLimits(retry_milliseconds=1000,
                            keepalive_seconds=settings.live_keepalive_seconds,
                            max_seconds=settings.live_stream_seconds))
    web.run_app(Front(config).application(), host=settings.bind_host, port=settings.port,
                access_log=None, print=None, backlog=2048)
    return 0


if __name__ == "__main__":
    sys.exit(main())
