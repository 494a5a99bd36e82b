"""The chat channel's figures and words, read once from config/chat.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

CHAT_CONFIG_FILE = Path(__file__).resolve().parents[2] / "config" / "chat.yaml"


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `limit` requests per `window_seconds`."""

    limit: int
    window_seconds: int


@dataclass(frozen=True)
class ChatConfig:
    """Everything config/chat.yaml says; tests and the benchmark may build their own."""

    session_ttl_seconds: int = 7200
    max_text_chars: int = 1000
    transcript_max_lines: int = 400
    session_messages: Limit = Limit(30, 60)
    address_messages: Limit = Limit(600, 60)
    address_sessions: Limit = Limit(60, 600)
    handling_seconds: float = 300.0
    advisers: int = 1
    stream_seconds: float = 25.0
    poll_milliseconds: int = 1000
    keepalive_seconds: float = 10.0
    retry_milliseconds: int = 1000
    callback_attempts: int = 3
    texts: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, /, **values: object) -> str:
        """The configured words called `key`, with {placeholders} filled in."""
        return str(self.texts[key]).format(**values)


def load_chat_config(path: Path = CHAT_CONFIG_FILE) -> ChatConfig:
    """Read and check config/chat.yaml; a missing or wrong entry stops the app with its name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        limits, queue, events = data["rate_limits"], data["queue"], data["events"]
        return ChatConfig(
            session_ttl_seconds=int(data["session_ttl_seconds"]),
            max_text_chars=int(data["max_text_chars"]),
            transcript_max_lines=int(data["transcript_max_lines"]),
            session_messages=Limit(**limits["session_messages"]),
            address_messages=Limit(**limits["address_messages"]),
            address_sessions=Limit(**limits["address_sessions"]),
            handling_seconds=float(queue["handling_seconds"]),
            advisers=int(queue["advisers"]),
            stream_seconds=float(events["stream_seconds"]),
            poll_milliseconds=int(events["poll_milliseconds"]),
            keepalive_seconds=float(events["keepalive_seconds"]),
            retry_milliseconds=int(events["retry_milliseconds"]),
            callback_attempts=int(data["callback_attempts"]),
            texts=dict(data["texts"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path.name}: missing or malformed entry {error}") from None


@lru_cache(maxsize=1)
def _default_config() -> ChatConfig:
    return load_chat_config()


def get_chat_config() -> ChatConfig:
    """The current app's chat configuration (a test may pass chat_config= to create_app)."""
    return current_app.extensions.get("chat_config") or _default_config()
