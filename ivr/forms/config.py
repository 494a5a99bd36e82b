"""The written channels' figures and words, read once from config/forms.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import current_app

from ivr.chat.config import Limit

FORMS_CONFIG_FILE = Path(__file__).resolve().parents[2] / "config" / "forms.yaml"


@dataclass(frozen=True)
class FormsConfig:
    """Everything config/forms.yaml says; tests may build their own."""

    call_me_queue: str = "website_callbacks"
    days_ahead: int = 6
    slot_minutes: int = 120
    min_window_minutes: int = 30
    lead_minutes: int = 15
    max_about_chars: int = 500
    call_me_per_address: Limit = Limit(10, 3600)
    call_me_per_number: Limit = Limit(3, 86400)
    enquiry_max_text_chars: int = 4000
    enquiry_per_address: Limit = Limit(20, 3600)
    texts: dict[str, Any] = field(default_factory=dict)

    def text(self, key: str, /, **values: object) -> str:
        """The configured words called `key`, with {placeholders} filled in."""
        return str(self.texts[key]).format(**values)


def load_forms_config(path: Path = FORMS_CONFIG_FILE) -> FormsConfig:
    """Read and check config/forms.yaml; a missing or wrong entry stops the app with its name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        call_me, enquiry = data["call_me"], data["enquiry"]
        return FormsConfig(
            call_me_queue=str(call_me["queue"]),
            days_ahead=int(call_me["days_ahead"]),
            slot_minutes=int(call_me["slot_minutes"]),
            min_window_minutes=int(call_me["min_window_minutes"]),
            lead_minutes=int(call_me["lead_minutes"]),
            max_about_chars=int(call_me["max_about_chars"]),
            call_me_per_address=Limit(**call_me["rate_limits"]["per_address"]),
            call_me_per_number=Limit(**call_me["rate_limits"]["per_number"]),
            enquiry_max_text_chars=int(enquiry["max_text_chars"]),
            enquiry_per_address=Limit(**enquiry["rate_limits"]["per_address"]),
            texts=dict(data["texts"]),
        )
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path.name}: missing or malformed entry {error}") from None


@lru_cache(maxsize=1)
def _default_config() -> FormsConfig:
    return load_forms_config()


def get_forms_config() -> FormsConfig:
    """The current app's forms configuration (a test may pass forms_config= to create_app)."""
    return current_app.extensions.get("forms_config") or _default_config()
