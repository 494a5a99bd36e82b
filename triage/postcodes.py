"""UK postcodes: validate and normalise them, and find their nation and prime contractor area."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

REGIONS = (
    "north-east",
    "north-west",
    "yorkshire-humber",
    "east-midlands",
    "west-midlands",
    "east-of-england",
    "london",
    "south-east",
    "south-west",
)
NATIONS = ("england", "wales", "scotland", "northern_ireland", "isle_of_man", "jersey", "guernsey")

# Outward code: area letters, district digit, then a second digit or a sub-district letter
# (A9, A99, AA9, AA99, A9A, AA9A). Inward code: a sector digit and two unit letters, never
# C, I, K, M, O or V (Royal Mail's rule, so that handwriting cannot be misread).
_OUTWARD = re.compile(r"([A-Z]{1,2})(\d)([A-Z\d]?)")
_INWARD = re.compile(r"\d[ABD-HJLNP-UW-Z]{2}")
_SPACES = re.compile(r"\s+")
_DATA_FILE = "postcode_areas.csv"


@dataclass(frozen=True, slots=True)
class Area:
    """Where an outward code is: its nation and, in England, its prime contractor area."""

    outward: str
    nation: str
    region: str | None


@dataclass(frozen=True, slots=True)
class _Place:
    nation: str
    region: str | None
    name: str


def normalise(text: str) -> str | None:
    """'m11ae' -> 'M1 1AE', 'sw1a' -> 'SW1A'; None unless a UK postcode or outward code."""
    if not isinstance(text, str):
        return None
    compact = _SPACES.sub("", text).upper()
    if len(compact) >= 5 and _INWARD.fullmatch(compact, len(compact) - 3):
        outward = compact[:-3]
        return f"{outward} {compact[-3:]}" if _district_key(outward) else None
    return compact if _district_key(compact) else None


@lru_cache(maxsize=8192)
def lookup(text: str) -> Area | None:
    """The Area of a postcode or outward code, or None if it is not a known UK one."""
    postcode = normalise(text)
    if postcode is None:
        return None
    outward = postcode.split(" ", 1)[0]
    area_letters, district = _district_key(outward)  # type: ignore[misc]
    table = _places()
    place = table.get(district) or table[area_letters]
    return Area(outward=outward, nation=place.nation, region=place.region)


def _district_key(outward: str) -> tuple[str, str] | None:
    """('KT', 'KT10') for 'KT10', ('SW', 'SW1') for 'SW1A'; None if not a known outward code."""
    match = _OUTWARD.fullmatch(outward)
    if match is None:
        return None
    letters, digit, extra = match.groups()
    if letters not in _places():
        return None
    number = digit + extra if extra.isdigit() else digit
    return letters, f"{letters}{int(number)}"


@cache
def _places() -> dict[str, _Place]:
    """The postcode areas and district exceptions, read once from the package's data file."""
    data_file = resources.files(__package__).joinpath("data").joinpath(_DATA_FILE)
    text = data_file.read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    table = {}
    for row in rows:
        place = _Place(row["nation"], row["region"] or None, row["name"])
        _check_place(row["prefix"], place)
        table[row["prefix"]] = place
    return table


def _check_place(prefix: str, place: _Place) -> None:
    """Refuse a data file whose rows could send a customer nowhere."""
    in_england = place.nation == "england"
    if place.nation not in NATIONS or (place.region in REGIONS) != in_england:
        raise ValueError(f"{_DATA_FILE}: bad nation or region for {prefix}")
