"""The identity step's configuration (config/identity.yaml), read and checked once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

IDENTITY_CONFIG_FILE = Path(__file__).resolve().parents[2] / "config" / "identity.yaml"
QUESTIONS = ("surname", "first_name", "date_of_birth", "postcode")  # 000:L61
CHANNELS = ("phone", "chat")
_WORDS = ("intro", *QUESTIONS, "date_of_birth_again", "postcode_again", "name_again",
          "new_secret", "new_secret_again", "secret", "secret_again", "secret_set",
          "authenticated", "not_authenticated", "locked", "declined", "without", "no_secret",
          "found_unchecked")


@dataclass(frozen=True)
class IdentityConfig:
    """Which routes ask, in what order, how often, and the words on each channel."""

    destinations: frozenset[str]
    questions: tuple[str, ...]
    tries: int
    min_age: int
    max_age: int
    secret_min: int
    secret_max: int
    decline: frozenset[str]
    words: dict[str, dict[str, str]]

    def say(self, channel: str, name: str) -> str:
        """The words called `name` on `channel`."""
        return self.words[channel][name]


@lru_cache(maxsize=2)
def load_identity_config(path: Path = IDENTITY_CONFIG_FILE) -> IdentityConfig:
    """config/identity.yaml, checked: ValueError names what is wrong."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = tuple(data["questions"])
    if sorted(questions) != sorted(QUESTIONS):
        raise ValueError(f"{path.name}: questions must be exactly {', '.join(QUESTIONS)} (000:L61)")
    for channel in CHANNELS:
        missing = [w for w in _WORDS if w not in data.get(channel, {})]
        if missing:
            raise ValueError(f"{path.name}: {channel} has no words for {', '.join(missing)}")
    secret = data["secret_digits"]
    if not 4 <= int(secret["min"]) <= int(secret["max"]):
        raise ValueError(f"{path.name}: secret_digits needs 4 <= min <= max")
    return IdentityConfig(
        destinations=frozenset(data["destinations"]), questions=questions,
        tries=int(data["tries"]), min_age=int(data["min_age"]), max_age=int(data["max_age"]),
        secret_min=int(secret["min"]), secret_max=int(secret["max"]),
        decline=frozenset(" ".join(str(w).lower().split()) for w in data["decline"]),
        words={channel: {k: str(v) for k, v in data[channel].items()} for channel in CHANNELS},
    )
