"""Where a customer lives, said in words: a nation, or a town or city in it (000:L68).

"I live in Cardiff" is Wales as surely as a CF postcode is. The Crown dependencies (Isle of Man,
Jersey, Guernsey) are not England either and have their own careers services. An English town
or county named as home gives an outward code inside it (data/english_towns.csv), so its prime
contractor area is known without the postcode (001:5.1: a town is a known area); an English place
the list does not hold is known only as "England", and the postcode is still asked.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

ISLE_OF_MAN, JERSEY, GUERNSEY = "isle_of_man", "jersey", "guernsey"
CROWN_DEPENDENCIES = (ISLE_OF_MAN, JERSEY, GUERNSEY)

# Nation -> the words and places that name it. Town lists hold the larger towns and the places
# a speech recogniser is likely to hear; a town not listed simply leaves the postcode to be asked.
PLACES: dict[str, tuple[str, ...]] = {
    "wales": (
        "wales", "welsh", "cymru", "cardiff", "caerdydd", "swansea", "newport gwent",
        "newport in wales", "newport south wales", "wrexham", "bangor", "aberystwyth",
        "barry", "bridgend", "caerphilly", "llanelli", "merthyr", "merthyr tydfil", "neath",
        "port talbot", "pontypridd", "rhondda", "carmarthen", "pembroke", "haverfordwest",
        "rhyl", "llandudno", "colwyn bay", "holyhead", "anglesey", "brecon", "cwmbran",
        "ebbw vale", "abergavenny", "monmouth", "snowdonia", "gwynedd", "powys", "ceredigion",
        "flintshire", "denbighshire", "conwy",
    ),
    "scotland": (
        "scotland", "scottish", "alba", "glasgow", "edinburgh", "aberdeen", "dundee",
        "inverness", "stirling", "perth scotland", "perth in scotland", "paisley",
        "east kilbride", "livingston", "hamilton scotland", "cumbernauld", "kirkcaldy",
        "dunfermline", "ayr", "kilmarnock", "greenock", "motherwell", "falkirk", "fife",
        "the highlands", "highlands", "dumfries", "oban", "fort william", "shetland", "orkney",
        "the hebrides", "hebrides", "lanarkshire", "ayrshire",
    ),
    "northern_ireland": (
        "northern ireland", "norn iron", "ulster", "belfast", "derry", "londonderry", "lisburn",
        "newry", "armagh", "bangor county down", "bangor northern ireland", "ballymena",
        "coleraine", "omagh", "enniskillen", "portadown", "craigavon", "antrim", "county down",
        "county antrim", "county tyrone", "tyrone", "fermanagh",
    ),
    ISLE_OF_MAN: ("isle of man", "the isle of man", "isle a man", "manx", "douglas isle of man",
                  "ramsey isle of man"),
    JERSEY: ("jersey", "st helier", "saint helier", "channel islands jersey"),
    GUERNSEY: ("guernsey", "st peter port", "saint peter port", "alderney", "sark"),
    "england": (
        "england", "english county", "london", "manchester", "birmingham", "leeds", "liverpool",
        "sheffield", "bristol", "newcastle", "nottingham", "leicester", "coventry", "bradford",
        "hull", "plymouth", "southampton", "portsmouth", "reading", "derby", "stoke",
        "wolverhampton", "sunderland", "norwich", "york", "brighton", "oxford", "cambridge",
        "exeter", "cornwall", "devon", "kent", "essex", "yorkshire", "lancashire", "cumbria",
        "carlisle", "preston", "blackpool", "bolton", "middlesbrough", "milton keynes",
        "luton", "ipswich", "peterborough", "swindon", "gloucester", "bath", "chester",
        "newport shropshire", "newport in shropshire", "newport isle of wight",
        "newport on the isle of wight", "newport pagnell", "newport essex",
    ),
}


@cache
def english_towns() -> dict[str, str]:
    """English town or county name -> an outward code inside it, read once from the data file."""
    text = resources.files(__package__).joinpath("data", "english_towns.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {row["name"]: row["outward"] for row in rows}


PLACES["england"] = tuple(dict.fromkeys((*PLACES["england"], *english_towns())))
# Places of one name in more than one nation: said alone, where the customer lives is uncertain
# and worth one short check (triage.confirm). The first nation is the likelier reading.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "newport": ("wales", "england"),
    "bangor": ("wales", "northern_ireland"),
}
NATION_NAMES = {"england": "England", "wales": "Wales", "scotland": "Scotland",
                "northern_ireland": "Northern Ireland", ISLE_OF_MAN: "the Isle of Man",
                JERSEY: "Jersey", GUERNSEY: "Guernsey"}
_AMBIGUOUS = re.compile(r"\b(" + "|".join(AMBIGUOUS) + r")\b")
# Words that make a place name mean something else ("Jersey Road", "New Jersey", "Welsh class").
_NOT_A_PLACE = re.compile(
    r"\bnew (?:jersey|york|england|wales)\b|\bjersey (?:road|street|top|shirt)\b"
    r"|\bwelsh (?:language|lesson|class|course|speaker)s?\b|\bscottish (?:widows|power)\b"
    r"|\b(?:learn|speak|teach|study|studying)(?:ing)? (?:welsh|scottish gaelic)\b"
    r"|\b(?:moved|move|moving|came|come|originally) (?:away )?from (?:the )?(?:isle of )?\w+")
_PATTERNS = tuple(
    (nation, re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(
        names, key=len, reverse=True)) + r")\b"))
    for nation, names in PLACES.items()
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Where a customer is from is not where they live (000:L68 serves where they live): "I grew up in
# Cardiff but live in Leeds now" is Leeds. A place after one of these is where they were; after
# _LIVES_NOW, where they are. "From" alone ("I'm from Cardiff") usually means home, so it is set
# aside only when another place is named as well.
_WAS_THERE = re.compile(
    r"\b(?:grew up|brought up|raised|born|used to live|lived|was living|went to (?:school|uni\w*"
    r"|college)|studied|originally(?: from)?|moved (?:away )?from|came (?:over )?from"
    r"|family (?:is|are) from|parents (?:are|were) from)(?: (?:in|at|on|near|round|around))?"
    r"(?: the)?\W*$")
_FROM = re.compile(r"\b(?:from)(?: the)?\W*$")
_LIVES_NOW = re.compile(
    r"\b(?:(?<!used to )(?<!to )live|lives|living|based|staying|reside|residing|moved|moving"
    r"|relocated|settled|home is|(?:now|currently)(?: (?:i'?m|im|i am|we'?re|living|based))?)"
    r"(?: (?:in|to|at|near|round|around|over in|down in|up in))?(?: the)?\W*$")


def find_nation(text: str | None) -> tuple[str, int, int] | None:
    """The nation (or Crown dependency) a sentence names first: (nation, start, end), or None.

    Offsets are into the lower-cased text. England is returned only when nothing else is named,
    since "I work in London but live in Cardiff" matters for where the customer lives.
    """
    if not isinstance(text, str) or not text:
        return None
    lowered = text.lower()
    if _NOT_A_PLACE.search(lowered):
        lowered = _NOT_A_PLACE.sub(lambda m: " " * len(m.group()), lowered)
    found = []
    for nation, pattern in _PATTERNS:
        found += [(nation, m.start(), m.end()) for m in pattern.finditer(lowered)]
    if not found:
        return None
    found = _where_they_live(lowered, found)
    if not found:
        return None
    elsewhere = [f for f in found if f[0] != "england"]
    # The first place named; of two at one spot the longer ("Bangor County Down", not "Bangor").
    return min(elsewhere or found, key=lambda f: (f[1], f[1] - f[2]))


def _where_they_live(lowered: str, found: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The places said as home now, else those not said as past; [] when all are the past."""
    def before(place: tuple[str, int, int]) -> str:
        return lowered[max(0, place[1] - 30):place[1]]

    now = [f for f in found if _LIVES_NOW.search(before(f))]
    if now:
        return now
    kept = [f for f in found if not _WAS_THERE.search(before(f))]
    unmarked = [f for f in kept if not _FROM.search(before(f))]
    return unmarked if unmarked else kept


def find_home_town(text: str | None) -> tuple[str, int, int] | None:
    """(outward code, start, end) for the English town or county named as home, else None.

    Only when where the customer lives is that place (find_nation's reading): "I grew up in
    Leeds but live in Cardiff" is Wales, and no code of Leeds is given.
    """
    found = find_nation(text)
    if found is None or found[0] != "england" or not isinstance(text, str):
        return None
    outward = english_towns().get(text.lower()[found[1]:found[2]])
    return (outward, found[1], found[2]) if outward else None


def nation_of(words: str | None) -> str | None:
    """The nation named by `words` alone ("Cardiff" -> "wales"), or None."""
    found = find_nation(" ".join(_NON_WORD.sub(" ", (words or "").lower()).split()))
    return found[0] if found else None


def ambiguous_place(text: str | None) -> tuple[str, tuple[str, ...]] | None:
    """("newport", ("wales", "england")) when the only place named could be in several nations."""
    if not isinstance(text, str) or not text:
        return None
    lowered = " ".join(_NON_WORD.sub(" ", text.lower()).split())
    match = _AMBIGUOUS.search(lowered)
    if match is None:
        return None
    found = find_nation(lowered)
    if found is not None and (found[1], found[2]) != match.span():
        return None  # said with its nation or county ("Newport in Wales", "Bangor County Down")
    return match.group(1), AMBIGUOUS[match.group(1)]
