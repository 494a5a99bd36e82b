"""Callback working rules as data (config/callbacks.yaml): leases, retry spacing, outcome codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from models.callbacks import MAX_ATTEMPTS

CONFIG_FILE = Path(__file__).resolve().parent.parent / "config" / "callbacks.yaml"
MACHINE_DETECTION = ("Enable", "DetectMessageEnd")


class CallbackConfigError(ValueError):
    """config/callbacks.yaml is unusable; the message says which key and why."""


@dataclass(frozen=True)
class CallbackRules:
    """How callbacks are worked: see config/callbacks.yaml for the meaning of each field."""

    lease_seconds: int = 300
    heartbeat_seconds: int = 60
    dial_lease_seconds: int = 900
    retry_after_minutes: tuple[int, ...] = (60, 120)
    due_soon_minutes: int = 60
    busy_callback_hours: int = 24
    research_callback_hours: int = 24
    who_will_call: tuple[tuple[str, str], ...] = (
        ("contractor", "An adviser from the {contractor}"),
        ("contact_centre", "An adviser from the contact centre"))
    adviser_ring_seconds: int = 20
    customer_ring_seconds: int = 30
    machine_detection: str = "DetectMessageEnd"
    relay_uk_dial_prefix: str = "18002"
    outcome_codes: tuple[tuple[str, str], ...] = (("advice_given", "Advice given on the call"),)

    def retry_after_seconds(self, attempt_number: int) -> int:
        """Seconds before a callback is offered again after unsuccessful attempt number n."""
        spacing = self.retry_after_minutes
        return 60 * spacing[min(attempt_number, len(spacing)) - 1]

    @property
    def outcome_labels(self) -> dict[str, str]:
        """Outcome code -> label, in the configured order."""
        return dict(self.outcome_codes)


def parse_rules(doc: dict[str, Any]) -> CallbackRules:
    """Validate a callbacks document; CallbackConfigError names the first bad key."""
    if not isinstance(doc, dict):
        raise CallbackConfigError("callbacks.yaml must be a mapping")
    known = set(CallbackRules.__dataclass_fields__)
    unknown = set(doc) - known
    if unknown:
        raise CallbackConfigError(f"unknown keys: {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for name in ("lease_seconds", "heartbeat_seconds", "dial_lease_seconds", "due_soon_minutes",
                 "busy_callback_hours", "research_callback_hours",
                 "adviser_ring_seconds", "customer_ring_seconds"):
        if name in doc:
            values[name] = _positive(name, doc[name])
    if "retry_after_minutes" in doc:
        spacing = doc["retry_after_minutes"]
        if not isinstance(spacing, list) or len(spacing) != MAX_ATTEMPTS - 1:
            raise CallbackConfigError(
                f"retry_after_minutes: give {MAX_ATTEMPTS - 1} numbers of minutes")
        values["retry_after_minutes"] = tuple(_positive("retry_after_minutes", m)
                                              for m in spacing)
    if "machine_detection" in doc:
        if doc["machine_detection"] not in MACHINE_DETECTION:
            raise CallbackConfigError(f"machine_detection: one of {', '.join(MACHINE_DETECTION)}")
        values["machine_detection"] = doc["machine_detection"]
    if "relay_uk_dial_prefix" in doc:
        prefix = str(doc["relay_uk_dial_prefix"])
        if not prefix.isdigit() or not 4 <= len(prefix) <= 6:
            raise CallbackConfigError("relay_uk_dial_prefix: the relay digits, e.g. 18002")
        values["relay_uk_dial_prefix"] = prefix
    if "who_will_call" in doc:
        who = doc["who_will_call"]
        if not isinstance(who, dict) or set(who) != {"contractor", "contact_centre"} or not all(
                isinstance(v, str) and v for v in who.values()):
            raise CallbackConfigError("who_will_call: words for contractor and contact_centre")
        values["who_will_call"] = tuple(who.items())
    if "outcome_codes" in doc:
        codes = doc["outcome_codes"]
        if not isinstance(codes, dict) or not codes or not all(
                isinstance(k, str) and k.isidentifier() and isinstance(v, str) and v
                for k, v in codes.items()):
            raise CallbackConfigError("outcome_codes: a mapping of code: label")
        values["outcome_codes"] = tuple(codes.items())
    rules = CallbackRules(**values)
    if rules.heartbeat_seconds >= rules.lease_seconds:
        raise CallbackConfigError("heartbeat_seconds must be shorter than lease_seconds")
    return rules


@lru_cache(maxsize=4)
def load_rules(path: Path = CONFIG_FILE) -> CallbackRules:
    """The callback rules from config/callbacks.yaml (read once)."""
    with open(path, encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle) or {})


def _positive(name: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise CallbackConfigError(f"{name}: a positive whole number")
    return value
