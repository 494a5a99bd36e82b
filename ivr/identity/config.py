"""The identity step's configuration (config/identity.yaml), read and checked once."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasPath, Field, field_validator, model_validator

from config.files import ConfigModel, config_file, load
from models.customers import MIN_SECRET_LENGTH

IDENTITY_CONFIG_FILE = config_file("identity.yaml")
QUESTIONS = ("surname", "first_name", "date_of_birth", "postcode")  # 000:L61
_WORDS = ("intro", *QUESTIONS, "date_of_birth_again", "postcode_again", "name_again",
          "secret", "secret_again", "secret_given", "no_secret", "declined", "without",
          "goodbye")


class IdentityConfig(ConfigModel):
    """Which routes ask, in what order, how often, and the words on each channel."""

    destinations: frozenset[str]
    questions: tuple[str, ...]
    tries: int
    min_age: int
    max_age: int
    secret_min: int = Field(validation_alias=AliasPath("secret_digits", "min"))
    secret_max: int = Field(validation_alias=AliasPath("secret_digits", "max"))
    decline: frozenset[str]
    phone: dict[str, str]
    chat: dict[str, str]

    @field_validator("questions")
    @classmethod
    def _the_four_questions(cls, questions: tuple[str, ...]) -> tuple[str, ...]:
        if sorted(questions) != sorted(QUESTIONS):
            raise ValueError(f"must be exactly {', '.join(QUESTIONS)} (000:L61)")
        return questions

    @field_validator("decline")
    @classmethod
    def _as_heard(cls, decline: frozenset[str]) -> frozenset[str]:
        return frozenset(" ".join(str(w).lower().split()) for w in decline)

    @field_validator("phone", "chat")
    @classmethod
    def _every_word(cls, words: dict[str, str]) -> dict[str, str]:
        if missing := [w for w in _WORDS if w not in words]:
            raise ValueError(f"no words for {', '.join(missing)}")
        return words

    @model_validator(mode="after")
    def _secret_sizes(self) -> IdentityConfig:
        if not MIN_SECRET_LENGTH <= self.secret_min <= self.secret_max:
            raise ValueError(f"secret_digits needs {MIN_SECRET_LENGTH} <= min <= max")
        return self

    def say(self, channel: str, name: str) -> str:
        """The words called `name` on `channel`."""
        return getattr(self, channel)[name]


@lru_cache(maxsize=2)
def load_identity_config(path: Path = IDENTITY_CONFIG_FILE) -> IdentityConfig:
    """config/identity.yaml, checked: ValueError names what is wrong."""
    return load(IdentityConfig, path)
