"""The phone channel's configuration (config/voice.yaml), read and checked once per app."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import phonenumbers
import yaml

VOICE_FILE = Path(__file__).resolve().parents[2] / "config" / "voice.yaml"
NEEDS = ("information", "advice", "face_to_face", "complaint", "feedback")
OTHER_LINE = "other"  # the figures' name for a number dialled that no line in config has
REQUIRED_PROMPTS = (
    "greeting", "first_question", "reprompt", "not_understood", "offer_keypad", "age", "need",
    "anything_else", "to_adviser", "error", "error_offer", "whisper", "callback_booked",
    "safeguarding", "safeguarding_heard", "safeguarding_closed", "safeguarding_still_waiting",
    "childline",
)


class VoiceConfigError(ValueError):
    """config/voice.yaml cannot be used; the message says which entry and why."""


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
    assistant_fallback_starts: tuple[str, ...] = ()
    language_lines: tuple[LanguageLine, ...] = ()
    languages_offer: str = ""
    language_menu_invalid: str = ""
    line_names: Mapping[str, str] = field(default_factory=dict)  # E.164 number -> the line's name

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


def load_voice_config(path: Path | str = VOICE_FILE) -> VoiceConfig:
    """Read and validate config/voice.yaml; VoiceConfigError names what is wrong."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise VoiceConfigError(f"{path.name}: cannot read ({type(error).__name__})") from None
    try:
        return _build(doc)
    except (KeyError, TypeError, ValueError) as error:
        raise VoiceConfigError(f"{path.name}: {error}") from None


def _build(doc: dict) -> VoiceConfig:
    prompts = {str(k): str(v) for k, v in doc["prompts"].items()}
    missing = [name for name in REQUIRED_PROMPTS if name not in prompts]
    if missing:
        raise ValueError(f"prompts: missing {', '.join(missing)}")
    interval = int(doc["wait_message_interval_seconds"])
    if not 30 <= interval <= 60:
        raise ValueError("wait_message_interval_seconds must be between 30 and 60")
    need_menu = {str(k): str(v) for k, v in doc["need_menu"].items()}
    if bad := [v for v in need_menu.values() if v not in NEEDS]:
        raise ValueError(f"need_menu: unknown need {bad[0]!r}")
    languages = _language_lines(doc.get("language_lines") or {})
    return VoiceConfig(
        national_number=_e164(doc["national_number"], strict=True),
        jobcentre_plus_numbers=frozenset(
            _e164(n, strict=True) for n in doc["jobcentre_plus_numbers"]
        ),
        speech=_speech(doc["speech"]),
        wait_message_interval_seconds=interval,
        transfer_ring_seconds=int(doc["transfer_ring_seconds"]),
        whisper_accept_seconds=int(doc["whisper_accept_seconds"]),
        call_state_ttl_seconds=int(doc["call_state_ttl_seconds"]),
        adviser_queue=str(doc["adviser_queue"]),
        emergency_numbers=str(doc["emergency_numbers"]),
        website=str(doc["website"]),
        prompts=MappingProxyType(prompts),
        signposts=MappingProxyType({str(k): str(v) for k, v in doc["signposts"].items()}),
        need_menu=MappingProxyType(need_menu),
        assistant_fallback_starts=tuple(str(t) for t in doc.get("assistant_fallback_starts") or ()),
        language_lines=languages,
        languages_offer=str(doc.get("languages_offer") or ""),
        language_menu_invalid=str(doc.get("language_menu_invalid") or ""),
        line_names=MappingProxyType(_line_names(doc, languages)),
    )


def _line_names(doc: dict, languages: tuple[LanguageLine, ...]) -> dict[str, str]:
    """Each inbound number's name in the figures: the national, Jobcentre Plus, campaign and
    language lines (000:L113); a name is never a number, and no number has two names."""
    names = doc.get("line_names") or {}
    pairs = [(doc["national_number"], names.get("national", "National line"))]
    pairs += [(n, names.get("jobcentre_plus", "Jobcentre Plus line"))
              for n in doc["jobcentre_plus_numbers"]]
    pairs += [(item["number"], item["name"]) for item in doc.get("campaign_lines") or ()]
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


def _language_lines(section: dict) -> tuple[LanguageLine, ...]:
    lines = tuple(LanguageLine(
        language=str(name), digit=str(item["digit"]), number=_e164(item["number"], strict=True),
        say_language=item.get("say_language") or None, voice=item.get("voice") or None,
        menu=str(item["menu"]), greeting=str(item["greeting"]),
    ) for name, item in section.items())
    for name in ("digit", "number"):
        values = [getattr(line, name) for line in lines]
        if len(set(values)) != len(values):
            raise ValueError(f"language_lines: each line needs its own {name}")
    if any(not (line.digit.isdigit() and len(line.digit) == 1 and line.digit != "0")
           for line in lines):
        raise ValueError("language_lines: each digit is one key from 1 to 9")
    return lines


def _speech(section: dict) -> Speech:
    hints = [str(h) for h in section.get("hints") or []]
    if len(hints) > 500 or any(len(h) > 100 or "," in h for h in hints):
        raise ValueError("speech.hints: at most 500, each at most 100 characters without commas")
    timeout = int(section["speech_timeout_seconds"])
    if timeout < 1:
        raise ValueError("speech.speech_timeout_seconds must be a whole number above 0")
    return Speech(
        language=str(section["language"]),
        model=str(section["model"]),
        speech_timeout_seconds=timeout,
        timeout_seconds=int(section["timeout_seconds"]),
        min_confidence=float(section.get("min_confidence", 0)),
        voice=str(section.get("voice", "")),
        hints=", ".join(hints),
    )


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
