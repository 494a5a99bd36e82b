"""Callback working rules as data (config/callbacks.yaml): leases, retry spacing, outcome codes."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, PositiveInt, field_validator, model_validator

from config.files import ConfigFileError, ConfigModel, config_file, load
from models.callbacks import MAX_ATTEMPTS

CONFIG_FILE = config_file("callbacks.yaml")
CallbackConfigError = ConfigFileError  # the name callers know: the file is unusable, says why


class WhoWillCall(ConfigModel):
    """Who the customer is told will call them back."""

    contractor: str = Field(min_length=1)
    contact_centre: str = Field(min_length=1)


class CallbackRules(ConfigModel):
    """How callbacks are worked: config/callbacks.yaml says what each field means (no defaults
    here; a test changes one with `model_copy(update=...)`)."""

    lease_seconds: PositiveInt
    heartbeat_seconds: PositiveInt
    dial_lease_seconds: PositiveInt
    # One spacing after each unsuccessful attempt but the last (000:L29: three tries).
    retry_after_minutes: tuple[PositiveInt, ...] = Field(min_length=MAX_ATTEMPTS - 1,
                                                         max_length=MAX_ATTEMPTS - 1)
    due_soon_minutes: PositiveInt
    busy_callback_hours: PositiveInt
    research_callback_hours: PositiveInt
    who_will_call: WhoWillCall
    adviser_ring_seconds: PositiveInt
    customer_ring_seconds: PositiveInt
    machine_detection: Literal["Enable", "DetectMessageEnd"]  # Twilio's machineDetection
    relay_uk_dial_prefix: str = Field(pattern=r"^[0-9]{4,6}$")
    outcome_codes: dict[str, str] = Field(min_length=1)  # code -> label, in order

    @field_validator("relay_uk_dial_prefix", mode="before")
    @classmethod
    def _digits_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("outcome_codes")
    @classmethod
    def _codes_are_names(cls, codes: dict[str, str]) -> dict[str, str]:
        bad = [code for code, label in codes.items() if not code.isidentifier() or not label]
        if bad:
            raise ValueError(f"a code is a name without spaces and has a label: {', '.join(bad)}")
        return codes

    @model_validator(mode="after")
    def _heartbeat_inside_lease(self) -> CallbackRules:
        if self.heartbeat_seconds >= self.lease_seconds:
            raise ValueError("heartbeat_seconds must be shorter than lease_seconds")
        return self

    def retry_after_seconds(self, attempt_number: int) -> int:
        """Seconds before a callback is offered again after unsuccessful attempt number n."""
        spacing = self.retry_after_minutes
        return 60 * spacing[min(attempt_number, len(spacing)) - 1]

    @property
    def outcome_labels(self) -> dict[str, str]:
        """Outcome code -> label, in the configured order."""
        return dict(self.outcome_codes)


@lru_cache(maxsize=4)
def load_rules(path: Path = CONFIG_FILE) -> CallbackRules:
    """The callback rules from config/callbacks.yaml (read once); ConfigFileError names the
    entry at fault."""
    return load(CallbackRules, path)
