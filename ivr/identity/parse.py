"""Reading the identity step's answers: names, a date of birth and a postcode, typed or spoken.

Each reader returns the usable value or None; the step re-asks once when it gets None.
"""

from __future__ import annotations

import re
from datetime import date

from triage import postcodes

_NAME = re.compile(r"^[^\W\d_]+(?:[ '\u2019.-]+[^\W\d_]+)*$")
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[\s/.-]+(\d{1,2})[\s/.-]+(\d{4})$")
_WORDED_DATE = re.compile(
    r"^(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_MONTH_FIRST = re.compile(r"^([a-z]+)\.?\s+(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
# A goodbye and nothing else ("lovely, thank you, bye now", "no that's all thank u"): each
# phrase is removed in turn and nothing may be left. Without a thank-you or a bye it is not one.
_CLOSING_PHRASES = re.compile(
    r"\b(?:thank you|thank u|thanks|thankyou|thx|ty|cheers|ta|many thanks|bye|bye bye|goodbye"
    r"|good bye|bye now|see ya|see you|take care|have a (?:nice|good|great|lovely) (?:day|one"
    r"|evening)|that'?s (?:all|it|everything)|thats (?:all|it|everything)|all (?:good|sorted)"
    r"|no|nope|ok|okay|alright|right|lovely|perfect|great|brilliant|fab|smashing|champion|ace"
    r"|so|much|very|really|then|for now|now|for (?:your|the) help|for everything|mate|love"
    r"|pet|hun|x+|again|yeah|yes|oh|um|er)\b")
_FAREWELL = re.compile(r"\b(?:bye|goodbye|good bye|see ya|see you|take care|that'?s (?:all|it|"
                       r"everything)|thats (?:all|it|everything)|have a (?:nice|good|great"
                       r"|lovely))\b")
_SPOKEN_DIGITS = {"zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
                  "six": "6", "seven": "7", "eight": "8", "nine": "9"}


def only_closing(text: str) -> bool:
    """True when `text` is a goodbye and nothing else: the customer is leaving, not answering."""
    lowered = " ".join(text.lower().replace("\u2019", "'").split())
    if not _FAREWELL.search(lowered):
        return False
    return not re.sub(r"[^a-z]+", " ", _CLOSING_PHRASES.sub(" ", lowered)).strip()


def name(text: str) -> str | None:
    """A surname or first name as given (letters, spaces, hyphens, apostrophes), or None."""
    cleaned = " ".join(text.split()).strip(" .,!?")
    if not cleaned or len(cleaned) > 100 or not _NAME.match(cleaned):
        return None
    return cleaned


def date_of_birth(text: str, today: date, *, min_age: int, max_age: int) -> date | None:
    """A date of birth typed, spoken or keyed (DDMMYYYY) that a customer could have, or None."""
    born = _date(" ".join(text.lower().split()).strip(" .,!?"))
    if born is None:
        return None
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return born if min_age <= age <= max_age else None


def _date(text: str) -> date | None:
    digits = text.replace(" ", "")
    if digits.isdigit() and len(digits) == 8:
        parts = (int(digits[:2]), int(digits[2:4]), int(digits[4:]))
    elif match := _NUMERIC_DATE.match(text):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif (match := _WORDED_DATE.match(text)) and match[2] in _MONTHS:
        parts = (int(match[1]), _MONTHS[match[2]], int(match[3]))
    elif (match := _MONTH_FIRST.match(text)) and match[1] in _MONTHS:
        parts = (int(match[2]), _MONTHS[match[1]], int(match[3]))
    else:
        return None
    day, month, year = parts
    try:
        return date(year, month, day)
    except ValueError:  # 31/02/1990 is not a day anyone was born on
        return None


def postcode(text: str) -> str | None:
    """A full UK postcode the directory knows ('M1 1AE'), typed or spoken, or None."""
    words = [_SPOKEN_DIGITS.get(word, word) for word in re.split(r"[\s.,]+", text.lower())]
    normal = postcodes.normalise("".join(words))
    if normal is None or " " not in normal or postcodes.lookup(normal) is None:
        return None
    return normal


def digits(keyed: str, said: str) -> str:
    """The digits a customer keyed, or typed or said when there were no keys."""
    if keyed:
        return keyed.rstrip("#")
    words = [_SPOKEN_DIGITS.get(word, word) for word in re.split(r"[\s.,-]+", said.lower())]
    joined = "".join(words)
    return joined if joined.isdigit() else said.strip()
