"""Language-line languages by any common name: English names, spellings, endonyms (000:L129)."""

from __future__ import annotations

import re
import unicodedata

# Each language line (tables.LANGUAGE_LINES) and the names customers use for it. Matched as
# whole words without regard to case or accents, so "Français" and "francais" are both French.
NAMES: dict[str, tuple[str, ...]] = {
    "Gujarati": ("gujarati", "gujerati", "gujrati", "gujurati", "gujarathi", "ગુજરાતી"),
    "Punjabi": ("punjabi", "panjabi", "punjaabi", "pun jabi", "punjabee", "gurmukhi",
                "shahmukhi", "ਪੰਜਾਬੀ", "پنجابی"),
    "Sylheti": ("sylheti", "sylhetti", "silheti", "sileti", "syloti", "sylhet bengali", "ছিলটি"),
    "Urdu": ("urdu", "oordoo", "اردو"),
    "Farsi": ("farsi", "persian", "parsi", "farsee", "iranian", "dari", "فارسی"),
    "Polish": ("polish", "polski", "polska", "polskie", "po polsku", "polish language"),
    "French": ("french", "francais", "française", "francaise", "en francais", "franse"),
    "Somali": ("somali", "somalian", "soomaali", "af soomaali", "somaali"),
}
# "Polish" is also a verb: "polish up my CV" is not a language.
_NOT_LANGUAGE = re.compile(r"\bpolish(?:ing|ed)? (?:up|my|your|the|it|off)\b")
def _fold(text: str) -> str:
    """Lower case without accents (Français -> francais); other scripts are kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_PATTERNS = {
    canonical: re.compile(r"(?<!\w)(?:" + "|".join(re.escape(_fold(n)) for n in names) + r")(?!\w)")
    for canonical, names in NAMES.items()
}
_EXACT = {_fold(name): canonical for canonical, names in NAMES.items() for name in names}


def canonical(name: str | None) -> str | None:
    """The language line's name for `name` ("Panjabi" -> "Punjabi"), or None if it has none."""
    if not isinstance(name, str):
        return None
    folded = " ".join(_fold(name).split())
    return _EXACT.get(folded) or next(
        (c for c in NAMES if c.casefold() == folded), None)


def find(text: str | None) -> tuple[str, int, int] | None:
    """The first language-line language named in a sentence: (name, start, end), or None."""
    if not isinstance(text, str) or not text:
        return None
    # Offsets are those of the folded text; accents folded away can shift them by a character.
    folded = _fold(text)
    best = None
    blocked = {m.start() for m in _NOT_LANGUAGE.finditer(folded)}
    for name, pattern in _PATTERNS.items():
        for match in pattern.finditer(folded):
            if match.start() in blocked:
                continue
            if best is None or match.start() < best[1]:
                best = (name, match.start(), match.end())
            break
    return best
