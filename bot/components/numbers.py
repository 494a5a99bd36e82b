"""Numbers as customers say or type them: "17", "seventeen", "twenty five", "twenty-five"."""

from __future__ import annotations

import re

UNITS = {
    "zero": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "a": 1, "an": 1,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
# Words a recogniser hears for small numbers when the customer said the number.
HOMOPHONES = {"won": 1, "too": 2, "for": 4, "fore": 4, "ate": 8}

WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words_with_spans(text: str) -> list[tuple[str, int, int]]:
    """Lower-case words of `text` with their character offsets; hyphens split words."""
    return [(m.group(), m.start(), m.end()) for m in WORD_RE.finditer(text.lower())]


def number_at(words: list[tuple[str, int, int]], index: int) -> tuple[int, int] | None:
    """The number starting at words[index] as (value, words used), or None.

    "a" and "an" count only before a time unit, which the caller checks, so they are left out here.
    """
    word = words[index][0]
    if word.isdigit() and len(word) <= 3:
        return int(word), 1
    if word in TENS:
        value = TENS[word]
        if index + 1 < len(words) and words[index + 1][0] in UNITS:
            unit = UNITS[words[index + 1][0]]
            if 1 <= unit <= 9 and words[index + 1][0] not in ("a", "an"):
                return value + unit, 2
        return value, 1
    if word in UNITS and word not in ("a", "an"):
        return UNITS[word], 1
    return None
