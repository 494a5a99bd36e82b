"""The phone channel's configuration (config/voice.yaml), read and checked once per app."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import phonenumbers
from pydantic import Field, field_validator

from config.files import ConfigFileError, ConfigModel, config_file, load

VOICE_FILE = config_file("voice.yaml")
NEEDS = ("information", "advice", "face_to_face", "complaint", "feedback")
OTHER_LINE = "other"  # the figures' name for a number dialled that no line in config has
REQUIRED_PROMPTS = (
    "greeting", "first_question", "reprompt", "not_understood", "offer_keypad", "age", "need",
    "anything_else", "to_adviser", "error", "error_offer", "whisper", "callback_booked",
    "safeguarding", "safeguarding_heard", "safeguarding_closed", "safeguarding_still_waiting",
    "childline",
)


VoiceConfigError = ConfigFileError  # config/voice.yaml cannot be used; the message says where


@dataclass(frozen=True)
class Speech:
    """How a <Gather> listens."""

    language: str
    model: str
    speech_timeout_seconds: int
    timeout_seconds: int
    min_confidence: float
    voice: str
    hints: str


@dataclass(frozen=True)
class LanguageLine:
    """One language line on the phone: its number, its key on the menu and its own words."""

    language: str  # the language line's English name, as triage and routing know it
    digit: str
    number: str
    say_language: str | None  # Twilio's <Say> language code, None when Twilio has no voice
    voice: str | None
    menu: str
    greeting: str

    def phrase(self, text: str) -> dict[str, str | None]:
        """`text` to be said in this line's language (twiml.phrase)."""
        return {"text": text, "language": self.say_language, "voice": self.voice}


@dataclass(frozen=True)
class VoiceConfig:
    """Everything the phone channel reads from config/voice.yaml."""

    national_number: str
    jobcentre_plus_numbers: frozenset[str]
    speech: Speech
    wait_message_interval_seconds: int
    transfer_ring_seconds: int
    whisper_accept_seconds: int
    call_state_ttl_seconds: int
    adviser_queue: str
    emergency_numbers: str
    website: str
    prompts: Mapping[str, str]
    signposts: Mapping[str, str]
    need_menu: Mapping[str, str]
    assistant_fallback_starts: tuple[str, ...]
    language_lines: tuple[LanguageLine, ...]
    languages_offer: str
    language_menu_invalid: str
    line_names: Mapping[str, str]  # E.164 number -> the line's name

    def line_name(self, dialled: str | None) -> str:
        """The configured name of the line `dialled` is (for the figures); OTHER_LINE when it
        is none of them, so a number never reaches a report or a metric label."""
        return self.line_names.get(_e164(dialled or ""), OTHER_LINE)

    def prompt(self, name: str, **values: Any) -> str:
        """The wording of prompt `name`, with {placeholders} filled in."""
        return self.prompts[name].format(website=self.website, **values)

    def language_line_called(self, dialled: str) -> LanguageLine | None:
        """The language line whose own number `dialled` is, if any."""
        number = _e164(dialled)
        return next((line for line in self.language_lines if line.number == number), None)

    def language_line_keyed(self, digit: str) -> LanguageLine | None:
        """The language line with key `digit` on the language menu, if any."""
        return next((line for line in self.language_lines if line.digit == digit), None)

    def is_jobcentre_plus_line(self, dialled: str) -> bool:
        """True when `dialled` is the dedicated Jobcentre Plus number (000:L107, L131)."""
        return _e164(dialled) in self.jobcentre_plus_numbers


class _SpeechFile(ConfigModel):
    speech_timeout_seconds: int = Field(ge=1)  # with a model set, whole seconds (not "auto")
    language: str
    model: str
    timeout_seconds: int = Field(ge=1)
    min_confidence: float = Field(ge=0, le=1)
    voice: str
    hints: list[str] = Field(max_length=500)

    @field_validator("hints")
    @classmethod
    def _hints(cls, hints: list[str]) -> list[str]:
        if any(len(h) > 100 or "," in h for h in hints):
            raise ValueError("at most 500, each at most 100 characters without commas")
        return hints


class _LanguageLineFile(ConfigModel):
    digit: str = Field(pattern=r"^[1-9]$", description="one key from 1 to 9")
    number: str
    # Absent for a language Twilio has no voice for (the line is named in English).
    say_language: str | None = None
    voice: str | None = None
    menu: str = Field(min_length=1)
    greeting: str = Field(min_length=1)


class _CampaignLine(ConfigModel):
    name: str
    number: str


class _LineNames(ConfigModel):
    national: str
    jobcentre_plus: str


class _VoiceFile(ConfigModel):
    """config/voice.yaml as written: every entry required, checked before the app serves."""

    national_number: str
    jobcentre_plus_numbers: list[str]
    campaign_lines: list[_CampaignLine]
    line_names: _LineNames
    speech: _SpeechFile
    assistant_fallback_starts: list[str]
    wait_message_interval_seconds: int = Field(ge=30, le=60)  # 000:L115: every 30-60 s
    transfer_ring_seconds: int = Field(ge=1)
    whisper_accept_seconds: int = Field(ge=1)
    call_state_ttl_seconds: int = Field(ge=1)
    adviser_queue: str
    emergency_numbers: str
    website: str
    prompts: dict[str, str]
    signposts: dict[str, str]
    need_menu: dict[str, str]
    languages_offer: str
    language_menu_invalid: str
    language_lines: dict[str, _LanguageLineFile]

    @field_validator("wait_message_interval_seconds", mode="wrap")
    @classmethod
    def _interval(cls, value: Any, handler: Any) -> int:
        try:
            return handler(value)
        except ValueError:
            raise ValueError("must be between 30 and 60") from None

    @field_validator("prompts")
    @classmethod
    def _prompts(cls, prompts: dict[str, str]) -> dict[str, str]:
        if missing := [name for name in REQUIRED_PROMPTS if name not in prompts]:
            raise ValueError(f"missing {', '.join(missing)}")
        return prompts

    @field_validator("need_menu")
    @classmethod
    def _needs(cls, menu: dict[str, str]) -> dict[str, str]:
        if bad := [v for v in menu.values() if v not in NEEDS]:
            raise ValueError(f"unknown need {bad[0]!r}")
        return menu

    @field_validator("national_number")
    @classmethod
    def _number(cls, number: str) -> str:
        return _e164(number, strict=True)

    @field_validator("jobcentre_plus_numbers")
    @classmethod
    def _numbers(cls, numbers: list[str]) -> list[str]:
        return [_e164(n, strict=True) for n in numbers]

    @field_validator("language_lines")
    @classmethod
    def _lines(cls, lines: dict[str, _LanguageLineFile]) -> dict[str, _LanguageLineFile]:
        for name in ("digit", "number"):
            values = [_e164(line.number, strict=True) if name == "number" else line.digit
                      for line in lines.values()]
            if len(set(values)) != len(values):
                raise ValueError(f"each line needs its own {name}")
        return lines


def load_voice_config(path: Path | str = VOICE_FILE) -> VoiceConfig:
    """Read and validate config/voice.yaml; VoiceConfigError names the entry at fault."""
    doc = load(_VoiceFile, path)
    try:
        return _build(doc)
    except ValueError as error:
        raise VoiceConfigError(f"{Path(path).name}: {error}") from None


def _build(doc: _VoiceFile) -> VoiceConfig:
    languages = tuple(LanguageLine(
        language=name, digit=line.digit, number=_e164(line.number, strict=True),
        say_language=line.say_language or None, voice=line.voice or None,
        menu=line.menu, greeting=line.greeting) for name, line in doc.language_lines.items())
    speech = doc.speech
    return VoiceConfig(
        national_number=doc.national_number,
        jobcentre_plus_numbers=frozenset(doc.jobcentre_plus_numbers),
        speech=Speech(language=speech.language, model=speech.model,
                      speech_timeout_seconds=speech.speech_timeout_seconds,
                      timeout_seconds=speech.timeout_seconds,
                      min_confidence=speech.min_confidence, voice=speech.voice,
                      hints=", ".join(speech.hints)),
        wait_message_interval_seconds=doc.wait_message_interval_seconds,
        transfer_ring_seconds=doc.transfer_ring_seconds,
        whisper_accept_seconds=doc.whisper_accept_seconds,
        call_state_ttl_seconds=doc.call_state_ttl_seconds,
        adviser_queue=doc.adviser_queue,
        emergency_numbers=doc.emergency_numbers,
        website=doc.website,
        prompts=MappingProxyType(dict(doc.prompts)),
        signposts=MappingProxyType(dict(doc.signposts)),
        need_menu=MappingProxyType(dict(doc.need_menu)),
        assistant_fallback_starts=tuple(doc.assistant_fallback_starts),
        language_lines=languages,
        languages_offer=doc.languages_offer,
        language_menu_invalid=doc.language_menu_invalid,
        line_names=MappingProxyType(_line_names(doc, languages)),
    )


def _line_names(doc: _VoiceFile, languages: tuple[LanguageLine, ...]) -> dict[str, str]:
    """Each inbound number's name in the figures: the national, Jobcentre Plus, campaign and
    language lines (000:L113); a name is never a number, and no number has two names."""
    pairs = [(doc.national_number, doc.line_names.national)]
    pairs += [(n, doc.line_names.jobcentre_plus) for n in doc.jobcentre_plus_numbers]
    pairs += [(item.number, item.name) for item in doc.campaign_lines]
    pairs += [(line.number, f"{line.language} line") for line in languages]
    out: dict[str, str] = {}
    for number, name in pairs:
        number, name = _e164(number, strict=True), str(name).strip()
        if not name or len(name) > 48 or name == OTHER_LINE or any(c.isdigit() for c in name):
            raise ValueError(f"line name {name!r}: 1 to 48 characters, no digits, not "
                             f"{OTHER_LINE!r}")
        if out.setdefault(number, name) != name:
            raise ValueError("each inbound number is one line")
        out[number] = name
    return out


def _e164(number: Any, *, strict: bool = False) -> str:
    """`number` in E.164, or "" when it is not a valid number (ValueError when `strict`)."""
    try:
        parsed = phonenumbers.parse(str(number), "GB")
    except phonenumbers.NumberParseException:
        parsed = None
    if parsed is None or not phonenumbers.is_possible_number(parsed):
        if strict:
            raise ValueError(f"{number!r} is not a phone number")
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
