"""The console's figures and words, read once from config/console.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from pydantic import Field, field_validator, model_validator

from config.files import ConfigModel, config_file, labels_by_code, load

CONSOLE_CONFIG_FILE = config_file("console.yaml")


class ConsoleConfig(ConfigModel):
    """Everything config/console.yaml says, and only there; a test changes it with model_copy."""

    heartbeat_seconds: float
    heartbeat_timeout_seconds: float
    chat_cap: int
    wrap_up_seconds: float
    ring_seconds: int
    accept_seconds: int
    away_reasons: dict[str, str]  # code -> label, in order
    # Reasons the server gives (not offered to the adviser): code -> label on the adviser board.
    server_away_reasons: dict[str, str]
    ring_volume: float = Field(ge=0, le=1)
    title_flash_seconds: float = Field(gt=0)
    outcomes: dict[str, str]  # code -> label, in order
    # id -> (title, text)
    canned: dict[str, tuple[str, str]] = Field(validation_alias="canned_answers")
    website: str
    interpreters: dict[str, str]  # language -> number

    @field_validator("outcomes", "away_reasons", "server_away_reasons", mode="before")
    @classmethod
    def _labels_by_code(cls, value: Any) -> Any:
        return labels_by_code(value)

    @field_validator("canned", mode="before")
    @classmethod
    def _canned_by_id(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        try:
            return {str(c["id"]): (str(c["title"]), str(c["text"])) for c in value}
        except (KeyError, TypeError):
            raise ValueError("each canned answer needs an id, a title and a text") from None

    @model_validator(mode="after")
    def _consistent(self) -> ConsoleConfig:
        if self.heartbeat_timeout_seconds <= self.heartbeat_seconds:
            raise ValueError("heartbeat_timeout_seconds must exceed heartbeat_seconds")
        for answer_id in self.canned:  # every placeholder must be one we fill in
            try:
                self.canned_text(answer_id, adviser="x", queue="x")
            except (KeyError, IndexError, ValueError):
                raise ValueError(f"canned answer {answer_id} has an unknown placeholder") from None
        return self

    def canned_text(self, answer_id: str, **values: str) -> str:
        """A canned answer with its placeholders filled in; KeyError for an unknown id."""
        title, text = self.canned[answer_id]
        return text.format_map({"website": self.website, **values})


def load_console_config(path: Path = CONSOLE_CONFIG_FILE) -> ConsoleConfig:
    """Read and check config/console.yaml; a missing entry stops the app with its name."""
    return load(ConsoleConfig, path)


@lru_cache(maxsize=1)
def default_console_config() -> ConsoleConfig:
    """config/console.yaml, read once per process."""
    return load_console_config()


def get_console_config() -> ConsoleConfig:
    """The current app's console configuration (a test may pass console_config= to create_app)."""
    return current_app.extensions.get("console_config") or default_console_config()
