"""The messaging channel's words and figures, read once from config/messages.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context
from pydantic import AliasPath, Field

from config.files import ConfigModel, config_file, load
from engine.confirmations import ConfirmationConfig

MESSAGES_CONFIG_FILE = config_file("messages.yaml")


class MessagesConfig(ConfigModel):
    """Everything config/messages.yaml says; a test changes it with model_copy."""

    reminder_minutes_before: int = Field(gt=0)
    sms: dict[str, str]
    email: dict[str, str]
    opt_out_keywords: tuple[str, ...]
    opt_in_keywords: tuple[str, ...]
    consent_label: str = Field(validation_alias=AliasPath("consent", "label"))
    consent_hint: str = Field(validation_alias=AliasPath("consent", "hint"))
    consent_not_mobile: str = Field(validation_alias=AliasPath("consent", "not_mobile"))
    information: ConfirmationConfig  # confirming the information given (engine.confirmations)

    def keyword(self, body: str) -> str | None:
        """"opt_out", "opt_in" or None for a reply's whole text, in any case and spacing."""
        word = " ".join(body.split()).upper()
        if word in {k.upper() for k in self.opt_out_keywords}:
            return "opt_out"
        if word in {k.upper() for k in self.opt_in_keywords}:
            return "opt_in"
        return None


def load_messages_config(path: Path = MESSAGES_CONFIG_FILE) -> MessagesConfig:
    """Read and check config/messages.yaml; a missing or wrong entry stops the app with its name."""
    return load(MessagesConfig, path)


@lru_cache(maxsize=1)
def _default_config() -> MessagesConfig:
    return load_messages_config()


def get_messages_config() -> MessagesConfig:
    """The current app's configuration (a test may pass messages_config= to create_app)."""
    if has_app_context():
        return current_app.extensions.get("messages_config") or _default_config()
    return _default_config()
