"""The console's figures and words, read once from config/console.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from flask import current_app

CONSOLE_CONFIG_FILE = Path(__file__).resolve().parents[1] / "config" / "console.yaml"


@dataclass(frozen=True)
class ConsoleConfig:
    """Everything config/console.yaml says; tests may build their own."""

    heartbeat_seconds: float = 15
    heartbeat_timeout_seconds: float = 45
    chat_cap: int = 3
    wrap_up_seconds: float = 120
    ring_seconds: int = 20
    accept_seconds: int = 8
    outcomes: dict[str, str] = field(default_factory=dict)  # code -> label, in order
    canned: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (title, text)
    website: str = ""
    interpreters: dict[str, str] = field(default_factory=dict)  # language -> number

    def canned_text(self, answer_id: str, **values: str) -> str:
        """A canned answer with its placeholders filled in; KeyError for an unknown id."""
        title, text = self.canned[answer_id]
        return text.format_map({"website": self.website, **values})


def load_console_config(path: Path = CONSOLE_CONFIG_FILE) -> ConsoleConfig:
    """Read and check config/console.yaml; a missing entry stops the app with its name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        config = ConsoleConfig(
            heartbeat_seconds=float(data["heartbeat_seconds"]),
            heartbeat_timeout_seconds=float(data["heartbeat_timeout_seconds"]),
            chat_cap=int(data["chat_cap"]),
            wrap_up_seconds=float(data["wrap_up_seconds"]),
            ring_seconds=int(data["ring_seconds"]),
            accept_seconds=int(data["accept_seconds"]),
            outcomes={str(o["code"]): str(o["label"]) for o in data["outcomes"]},
            canned={str(c["id"]): (str(c["title"]), str(c["text"]))
                    for c in data["canned_answers"]},
            website=str(data["website"]),
            interpreters={str(k): str(v) for k, v in data["interpreters"].items()},
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path.name}: missing or malformed entry {error}") from None
    if config.heartbeat_timeout_seconds <= config.heartbeat_seconds:
        raise ValueError(f"{path.name}: heartbeat_timeout_seconds must exceed heartbeat_seconds")
    for answer_id in config.canned:  # every placeholder must be one we fill in
        config.canned_text(answer_id, adviser="x", queue="x")
    return config


@lru_cache(maxsize=1)
def default_console_config() -> ConsoleConfig:
    """config/console.yaml, read once per process."""
    return load_console_config()


def get_console_config() -> ConsoleConfig:
    """The current app's console configuration (a test may pass console_config= to create_app)."""
    return current_app.extensions.get("console_config") or default_console_config()
