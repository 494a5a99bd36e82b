"""The chat channel's figures and words, read once from config/chat.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from pydantic import AliasPath, Field

from config.files import ConfigModel, config_file, load

CHAT_CONFIG_FILE = config_file("chat.yaml")


@dataclass(frozen=True, slots=True)
class Limit:
    """At most `limit` requests per `window_seconds`."""

    limit: int
    window_seconds: int


def _at(*path: str):
    """A field read from a nested entry of chat.yaml (the file groups them; the code does not)."""
    return Field(validation_alias=AliasPath(*path))


class ChatConfig(ConfigModel):
    """Everything config/chat.yaml says, and only there; a test changes it with model_copy."""

    session_ttl_seconds: int
    max_text_chars: int
    transcript_max_lines: int
    session_messages: Limit = _at("rate_limits", "session_messages")
    address_messages: Limit = _at("rate_limits", "address_messages")
    address_sessions: Limit = _at("rate_limits", "address_sessions")
    handling_seconds: float = _at("queue", "handling_seconds")
    advisers: int = _at("queue", "advisers")
    stream_seconds: float = _at("events", "stream_seconds")
    poll_milliseconds: int = _at("events", "poll_milliseconds")
    keepalive_seconds: float = _at("events", "keepalive_seconds")
    retry_milliseconds: int = _at("events", "retry_milliseconds")
    callback_attempts: int
    texts: dict[str, Any]  # words, and the menus' buttons

    def text(self, key: str, /, **values: object) -> str:
        """The configured words called `key`, with {placeholders} filled in."""
        return str(self.texts[key]).format(**values)


def load_chat_config(path: Path = CHAT_CONFIG_FILE) -> ChatConfig:
    """Read and check config/chat.yaml; a missing or wrong entry stops the app with its name."""
    return load(ChatConfig, path)


@lru_cache(maxsize=1)
def _default_config() -> ChatConfig:
    return load_chat_config()


def get_chat_config() -> ChatConfig:
    """The current app's chat configuration (a test may pass chat_config= to create_app)."""
    return current_app.extensions.get("chat_config") or _default_config()
