"""The written channels' figures and words, read once from config/forms.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from flask import current_app
from pydantic import AliasPath, Field

from config.files import ConfigModel, config_file, load
from ivr.chat.config import Limit

FORMS_CONFIG_FILE = config_file("forms.yaml")


class FormsConfig(ConfigModel):
    """Everything config/forms.yaml says, and only there; a test changes it with model_copy."""

    call_me_queue: str = Field(validation_alias=AliasPath("call_me", "queue"))
    days_ahead: int = Field(validation_alias=AliasPath("call_me", "days_ahead"))
    slot_minutes: int = Field(validation_alias=AliasPath("call_me", "slot_minutes"))
    min_window_minutes: int = Field(validation_alias=AliasPath("call_me", "min_window_minutes"))
    lead_minutes: int = Field(validation_alias=AliasPath("call_me", "lead_minutes"))
    max_about_chars: int = Field(validation_alias=AliasPath("call_me", "max_about_chars"))
    call_me_per_address: Limit = Field(
        validation_alias=AliasPath("call_me", "rate_limits", "per_address"))
    call_me_per_number: Limit = Field(
        validation_alias=AliasPath("call_me", "rate_limits", "per_number"))
    enquiry_max_text_chars: int = Field(validation_alias=AliasPath("enquiry", "max_text_chars"))
    enquiry_per_address: Limit = Field(
        validation_alias=AliasPath("enquiry", "rate_limits", "per_address"))
    texts: dict[str, Any]
    written: dict[str, Any] = Field(repr=False)  # routing.written's own section, read there

    def text(self, key: str, /, **values: object) -> str:
        """The configured words called `key`, with {placeholders} filled in."""
        return str(self.texts[key]).format(**values)


def load_forms_config(path: Path = FORMS_CONFIG_FILE) -> FormsConfig:
    """Read and check config/forms.yaml; a missing or wrong entry stops the app with its name."""
    return load(FormsConfig, path)


@lru_cache(maxsize=1)
def _default_config() -> FormsConfig:
    return load_forms_config()


def get_forms_config() -> FormsConfig:
    """The current app's forms configuration (a test may pass forms_config= to create_app)."""
    return current_app.extensions.get("forms_config") or _default_config()
