"""The directory: prime contractors, the contact centre, queues and language lines, from config/.

Loaded once at start-up and validated with messages that name the file, the entry and the problem
(unknown weekday, overlapping periods, bad number), so a bad edit stops the app before it routes
anyone wrongly.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
import yaml

from routing.schedule import BankHolidays, Period, Schedule

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"
CONTRACTORS_FILE = "contractors.yaml"
CONTACT_CENTRE_FILE = "contact_centre.yaml"
CONTACT_CENTRE_ID = "contact_centre"
# Fixed by the Routing contract in ARCHITECTURE.md: the nine English regions.
CONTRACTOR_IDS = (
    "north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands",
    "east-of-england", "london", "south-east", "south-west",
)
QUEUE_IDS = (
    "young_people", "adult_information", "adult_digital_advice", "complaints", "language_lines",
    "safeguarding", "website_callbacks",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class DirectoryError(ValueError):
    """The configuration cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True, eq=False)
class Entity:
    """Something with opening hours that a customer can be routed to."""

    id: str
    kind: str  # "contact_centre" | "contractor" | "queue" | "language_line"
    name: str
    schedule: Schedule
    transfer_number: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Directory:
    """Everything routing needs to know about who is open when."""

    timezone: ZoneInfo
    bank_holidays: BankHolidays
    contact_centre: Entity
    contractors: Mapping[str, Entity]
    queues: Mapping[str, Entity]
    language_lines: Mapping[str, Entity]  # keyed by language in lower case

    def entity(self, entity_id: str) -> Entity:
        """The entity with this id; KeyError if there is none."""
        if entity_id == CONTACT_CENTRE_ID:
            return self.contact_centre
        for group in (self.contractors, self.queues):
            if entity_id in group:
                return group[entity_id]
        for line in self.language_lines.values():
            if line.id == entity_id:
                return line
        raise KeyError(entity_id)

    def entity_ids(self) -> tuple[str, ...]:
        """Every id an emergency closure may name."""
        lines = tuple(line.id for line in self.language_lines.values())
        return (CONTACT_CENTRE_ID, *self.contractors, *self.queues, *lines)

    def language_line(self, language: str | None) -> Entity | None:
        """The line for `language` (any letter case), or None when there is no such line."""
        return self.language_lines.get(language.strip().lower()) if language else None


def load_directory(config_dir: Path | str = CONFIG_DIR) -> Directory:
    """Read and validate the directory from `config_dir`; DirectoryError says what is wrong."""
    config_dir = Path(config_dir)
    centre_doc = _read_yaml(config_dir / CONTACT_CENTRE_FILE)
    contractors_doc = _read_yaml(config_dir / CONTRACTORS_FILE)
    where = CONTACT_CENTRE_FILE
    tz = _timezone(centre_doc.get("timezone"), where)
    holidays = _bank_holidays(centre_doc.get("bank_holidays") or {}, f"{where}: bank_holidays")
    parse = _ScheduleParser(tz, holidays)
    centre = Entity(
        CONTACT_CENTRE_ID, "contact_centre",
        str(_required(centre_doc, "contact_centre", where).get("name", "Contact centre")),
        parse(centre_doc["contact_centre"], {}, f"{where}: contact_centre"),
    )
    return Directory(
        timezone=tz,
        bank_holidays=holidays,
        contact_centre=centre,
        contractors=_contractors(contractors_doc, parse),
        queues=_queues(centre_doc, centre.schedule),
        language_lines=_language_lines(centre_doc, parse),
    )


def _contractors(doc: dict, parse: _ScheduleParser) -> Mapping[str, Entity]:
    where = CONTRACTORS_FILE
    defaults = doc.get("defaults") or {}
    result: dict[str, Entity] = {}
    for index, item in enumerate(_required(doc, "contractors", where)):
        ident = str(_required(item, "id", f"{where}: contractors[{index}]"))
        place = f"{where}: contractor {ident}"
        if ident not in CONTRACTOR_IDS:
            raise DirectoryError(f"{place}: unknown id (expected one of {_listed(CONTRACTOR_IDS)})")
        if ident in result:
            raise DirectoryError(f"{place}: listed twice")
        number = _transfer_number(_required(item, "transfer_number", place), place)
        name = str(_required(item, "name", place))
        result[ident] = Entity(ident, "contractor", name, parse(item, defaults, place), number)
    missing = [ident for ident in CONTRACTOR_IDS if ident not in result]
    if missing:
        raise DirectoryError(f"{where}: missing contractors {', '.join(missing)}")
    return MappingProxyType(result)


def _queues(doc: dict, centre_schedule: Schedule) -> Mapping[str, Entity]:
    where = CONTACT_CENTRE_FILE
    result: dict[str, Entity] = {}
    for index, item in enumerate(_required(doc, "queues", where)):
        ident = str(_required(item, "id", f"{where}: queues[{index}]"))
        if ident not in QUEUE_IDS:
            raise DirectoryError(f"{where}: unknown queue {ident} (expected {_listed(QUEUE_IDS)})")
        # Queues are staffed by the contact centre, so they keep its hours.
        result[ident] = Entity(ident, "queue", str(item.get("name", ident)), centre_schedule)
    missing = [ident for ident in QUEUE_IDS if ident not in result]
    if missing:
        raise DirectoryError(f"{where}: missing queues {', '.join(missing)}")
    return MappingProxyType(result)


def _language_lines(doc: dict, parse: _ScheduleParser) -> Mapping[str, Entity]:
    where = f"{CONTACT_CENTRE_FILE}: language_lines"
    section = _required(doc, "language_lines", CONTACT_CENTRE_FILE)
    defaults = section.get("defaults") or {}
    result: dict[str, Entity] = {}
    for index, item in enumerate(_required(section, "lines", where)):
        language = str(_required(item, "language", f"{where}[{index}]")).strip()
        key = language.lower()
        if key in result:
            raise DirectoryError(f"{where}: {language} listed twice")
        schedule = parse(item, defaults, f"{where}: {language}")
        result[key] = Entity(f"language:{key}", "language_line", f"{language} line", schedule,
                             language=language)
    return MappingProxyType(result)


class _ScheduleParser:
    """Turns one entry's hours and closures (with defaults) into a Schedule."""

    def __init__(self, tz: ZoneInfo, holidays: BankHolidays) -> None:
        self.tz, self.holidays = tz, holidays

    def __call__(self, item: dict, defaults: dict, place: str) -> Schedule:
        merged = {**defaults, **{k: v for k, v in item.items() if v is not None}}
        hours = merged.get("hours")
        if not isinstance(hours, dict) or not hours:
            raise DirectoryError(f"{place}: hours must map weekdays to lists of HH:MM-HH:MM")
        weekly = [()] * 7
        for day, ranges in hours.items():
            if str(day).lower() not in WEEKDAYS:
                raise DirectoryError(f"{place}: unknown weekday {day!r} (use monday..sunday)")
            weekly[WEEKDAYS.index(str(day).lower())] = _periods(ranges, f"{place}: {day}")
        closed_dates, closed_yearly = set(), set()
        for entry in merged.get("closed_on") or []:
            _add_date(_required(entry, "date", f"{place}: closed_on"), closed_dates,
                      closed_yearly, f"{place}: closed_on")
        special_dates, special_yearly = {}, {}
        for entry in merged.get("special_days") or []:
            when = _required(entry, "date", f"{place}: special_days")
            periods = _periods(_required(entry, "hours", f"{place}: special_days {when}"),
                               f"{place}: special_days {when}")
            _add_date(when, special_dates, special_yearly, f"{place}: special_days", periods)
        flag = merged.get("closed_on_bank_holidays", True)
        if not isinstance(flag, bool):
            raise DirectoryError(f"{place}: closed_on_bank_holidays must be true or false")
        return Schedule(
            tz=self.tz, bank_holidays=self.holidays, weekly=tuple(weekly),
            closed_on_bank_holidays=flag, closed_dates=frozenset(closed_dates),
            closed_yearly=frozenset(closed_yearly), special_dates=MappingProxyType(special_dates),
            special_yearly=MappingProxyType(special_yearly),
        )


def _periods(ranges: Any, place: str) -> tuple[Period, ...]:
    if not isinstance(ranges, list):
        raise DirectoryError(f"{place}: expected a list of HH:MM-HH:MM ranges, got {ranges!r}")
    periods = sorted(_period(text, place) for text in ranges)
    for earlier, later in zip(periods, periods[1:], strict=False):
        if later.start < earlier.end:
            raise DirectoryError(f"{place}: overlapping periods {earlier} and {later}")
    return tuple(periods)


def _period(text: Any, place: str) -> Period:
    match = _RANGE.match(str(text).replace(" ", ""))
    if not match:
        raise DirectoryError(f"{place}: {text!r} is not a range like 09:00-17:00")
    sh, sm, eh, em = (int(part) for part in match.groups())
    if sh > 23 or sm > 59 or em > 59 or eh > 24 or (eh == 24 and em):
        raise DirectoryError(f"{place}: {text!r} is not a time of day")
    start, end = sh * 60 + sm, eh * 60 + em
    if end <= start:
        raise DirectoryError(f"{place}: {text!r} ends before it starts (no crossing midnight)")
    return Period(start, end)


def _add_date(text: Any, one_off: Any, yearly: Any, place: str, value: Any = None) -> None:
    text = str(text)
    try:
        if re.fullmatch(r"\d{2}-\d{2}", text):
            key = (int(text[:2]), int(text[3:]))
            date(2024, *key)  # a leap year, so 02-29 is allowed
            target = yearly
        else:
            key = date.fromisoformat(text)
            target = one_off
    except ValueError:
        raise DirectoryError(f"{place}: {text!r} is not a date (YYYY-MM-DD or MM-DD)") from None
    if isinstance(target, set):
        target.add(key)
    else:
        target[key] = value


def _bank_holidays(section: dict, place: str) -> BankHolidays:
    added: dict[date, str] = {}
    for entry in section.get("add") or []:
        try:
            day = date.fromisoformat(str(_required(entry, "date", place)))
        except ValueError:
            raise DirectoryError(f"{place}: add: {entry!r} has no valid YYYY-MM-DD date") from None
        added[day] = str(entry.get("reason", ""))
    try:
        removed = frozenset(date.fromisoformat(str(text)) for text in section.get("remove") or [])
    except ValueError:
        raise DirectoryError(f"{place}: remove: dates must be YYYY-MM-DD") from None
    return BankHolidays(added=added, removed=removed)


def _transfer_number(value: Any, place: str) -> str:
    text = str(value)
    problem = f"{place}: transfer_number {text!r} is not an E.164 number like +441134960000"
    if not _E164.match(text):
        raise DirectoryError(problem)
    try:
        if not phonenumbers.is_possible_number(phonenumbers.parse(text, None)):
            raise DirectoryError(problem)
    except phonenumbers.NumberParseException:
        raise DirectoryError(problem) from None
    return text


def _timezone(name: Any, place: str) -> ZoneInfo:
    if not name:
        raise DirectoryError(f"{place}: needs a timezone (e.g. Europe/London)")
    try:
        return ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise DirectoryError(f"{place}: unknown timezone {name!r}") from None


def _listed(ids: tuple[str, ...]) -> str:
    return ", ".join(ids)


def _required(mapping: Any, key: str, place: str) -> Any:
    if not isinstance(mapping, dict) or mapping.get(key) in (None, ""):
        raise DirectoryError(f"{place}: {key} is required")
    return mapping[key]


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DirectoryError(f"{path}: cannot read ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise DirectoryError(f"{path}: not valid YAML ({error})".replace("\n", " ")) from None
    if not isinstance(data, dict):
        raise DirectoryError(f"{path}: expected a mapping at the top level")
    return data
