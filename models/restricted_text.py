"""Restricted words by word family, found through spelling noise; standard library only.

001 Appendix A lists base words and variants and says the list is not exhaustive (001:20.4): a
word's family is restricted with it ("offender" brings offend, offends, offending, reoffending;
"sentenced" brings sentencing and unsentenced). This module finds those families in any case and
through the noise people type: repeated letters ("burglaryyy"), letters split by stops, hyphens or
stars ("b.u.r.g.l.a.r.y", "o-f-f-e-n-d-e-r"), letters spaced out ("p a r o l e"), common
digit-for-letter swaps ("pr1s0n"), and a prefix glued on ("reoffended", "ex-offender").

It uses only the standard library so the assistant's tracker store (bot/tracker_store.py, in
Rasa's own Python) redacts with exactly the same word list as the app: the data file
`models/data/restricted_words.tsv` (the appendix, plus a few family roots it implies) and
`models/data/restricted_irregular.txt` (irregular forms such as "stolen", "fought", taken from
spaCy's English lemma table; a unit test keeps it in step with that table).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from models.restricted_words import DATA_FILE, appendix_rows, inflections

_DATA = Path(__file__).resolve().parent / "data"
IRREGULAR_FILE = _DATA / "restricted_irregular.txt"
ADDITIONS_FILE = _DATA / "restricted_additions.tsv"
# Endings a family root takes ("offend" + "ing"); kept to inflections and agent nouns, because
# wider derivations ("-ist", "-ar") turn innocent words into matches ("cellist", "cellar").
_FAMILY_ENDINGS = ("s", "es", "d", "ed", "ing", "ings", "er", "ers")
# Endings stripped from a listed word to find its root ("offender" -> "offend").
_ROOT_ENDINGS = ("ings", "ing", "ers", "er", "ed", "es", "s")
# Prefixes glued on to a family word; only before families of listed words of six letters or
# more, so short words cannot be made out of innocent ones ("re" + "fined" would be "refined").
_PREFIXES = ("re", "ex", "un", "non", "pre")
_MIN_PREFIXED_ROOT = 5
_MIN_ROOT = 4
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})
# A token: letters (and letter-like digits) with noise characters between them.
_LETTERS = r"(?:[^\W_]|[@$])+"
_TOKEN = re.compile(rf"{_LETTERS}(?:[.\-_*'\u2019]+{_LETTERS})*")
_NOISE = re.compile(r"[.\-_*'\u2019]")
_RUN = re.compile(r"(\w)\1{2,}")
_MAX_PHRASE_WORDS = 5


def shapes(word: str) -> tuple[str, ...]:
    """The spellings `word` may stand for: lower case, letters only, runs of 3+ letters as 2 or 1.

    "burglaryyy" may be "burglaryy" or "burglary"; "committted" may be "committed". Runs of two are
    kept, so "robbed" is never read as "robed" nor "rapped" as "raped".
    """
    text = word.lower()
    if any(ch.isalpha() for ch in text):
        text = text.translate(_LEET)
    text = "".join(ch for ch in text if ch.isalnum())
    if not _RUN.search(text):
        return (text,)
    return (_RUN.sub(r"\1\1", text), _RUN.sub(r"\1", text))


def skeleton(word: str) -> str:
    """The first of `shapes` (the spelling with noise removed and runs of letters cut to two)."""
    return shapes(word)[0]


def _roots(word: str) -> set[str]:
    """The family roots of a listed word: itself and itself less one inflectional ending."""
    roots = {word}
    for ending in _ROOT_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_ROOT:
            root = word[: -len(ending)]
            roots.add(root)
            if root.endswith("i"):  # "disqualified" -> "disqualify"
                roots.add(root[:-1] + "y")
    return roots


def family_forms(word: str) -> set[str]:
    """`word`, its inflections, and each of its roots with every family ending (lower case).

    A bare root is not itself restricted unless it is listed: "dealing" does not make "deal".
    """
    forms = {word} | _inflections(word)
    for root in _roots(word) - {word}:
        forms |= {root + ending for ending in _FAMILY_ENDINGS}
        forms |= _inflections(root) - {root}
    return forms


def _inflections(word: str) -> set[str]:
    """Rule-made inflections; a short word ending consonant-vowel-consonant only doubles its last
    letter ("conned", never "coned", which is another word)."""
    forms = inflections(word)
    vowels = "aeiou"
    if (
        3 <= len(word) <= 4
        and word[-1] not in vowels + "wxy"
        and word[-2] in vowels
        and word[-3] not in vowels
    ):
        forms -= {word + "ed", word + "ing"}
    return forms


@dataclass(frozen=True)
class Match:
    """One restricted span of the original text."""

    start: int
    end: int


class RestrictedText:
    """Finds restricted words and phrases, by family and through noise, in any text."""

    def __init__(self, words: set[str], phrases: set[str], prefixable: set[str]) -> None:
        self.words = frozenset(skeleton(w) for w in words if w)
        self.prefixable = frozenset(skeleton(w) for w in prefixable)
        # Phrases by their words' shapes joined with a space; also run together as one word.
        self.phrases = frozenset(" ".join(skeleton(w) for w in p.split()) for p in phrases)
        self.words |= {p.replace(" ", "") for p in self.phrases}
        self.phrase_starts = frozenset(p.split(" ", 1)[0] for p in self.phrases)
        self.word_starts = frozenset(w[:n] for w in self.words for n in range(1, len(w)))

    def is_restricted_word(self, word: str) -> bool:
        """True when one word (noise and all) is a restricted word or a prefixed family word."""
        if any(self._restricted_shape(shape) for shape in shapes(word)):
            return True
        parts = [part for part in _NOISE.split(word) if part]
        return len(parts) > 1 and any(
            self._restricted_shape(shape) for part in parts for shape in shapes(part)
        )

    def _restricted_shape(self, shape: str) -> bool:
        if shape in self.words:
            return True
        return any(
            shape.startswith(prefix) and shape[len(prefix):] in self.prefixable
            for prefix in _PREFIXES
        )

    def finditer(self, text: str) -> Iterator[Match]:
        """Every restricted span of `text`, in order, not overlapping."""
        tokens = _tokens(text)
        shaped = [skeleton(t[2]) for t in tokens]
        i = 0
        while i < len(tokens):
            width = self._phrase_width(shaped, i)
            if width:
                yield Match(tokens[i][0], tokens[i + width - 1][1])
                i += width
                continue
            start, end, word = tokens[i]
            if self.is_restricted_word(word):
                yield Match(start, end)
            i += 1

    def _phrase_width(self, shaped: list[str], i: int) -> int:
        """How many tokens from `i` form a restricted phrase or a split word (longest), or 0."""
        width = 0
        last = min(len(shaped), i + _MAX_PHRASE_WORDS)
        if shaped[i] in self.phrase_starts:
            for j in range(i + 1, last):
                if " ".join(shaped[i : j + 1]) in self.phrases:
                    width = j + 1 - i
        # A word split by spaces ("con victed"), but not from words of one letter: "a bet" stays.
        joined = shaped[i]
        for j in range(i + 1, last):
            if len(shaped[j - 1]) < 2 or joined not in self.word_starts:
                break
            joined += shaped[j]
            if len(shaped[j]) > 1 and joined in self.words:
                width = max(width, j + 1 - i)
        return width


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with their spans; single letters spaced out ("p a r o l e") become one token."""
    raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    merged: list[tuple[int, int, str]] = []
    i = 0
    while i < len(raw):
        j = i
        while (
            j + 1 < len(raw)
            and len(raw[j][2]) == 1
            and len(raw[j + 1][2]) == 1
            and raw[j + 1][0] - raw[j][1] == 1
        ):
            j += 1
        if j - i >= 2:  # three or more single letters in a row, one space apart
            merged.append((raw[i][0], raw[j][1], "".join(t[2] for t in raw[i : j + 1])))
        else:
            merged.extend(raw[i : j + 1])
        i = j + 1
    return merged


def irregular_forms(path: Path = IRREGULAR_FILE) -> set[str]:
    """Irregular forms of listed words ("stolen", "fought", "slain"), one a line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {line.strip().lower() for line in lines if line.strip() and not line.startswith("#")}


def stdlib_forms(*paths: Path) -> tuple[set[str], set[str], set[str]]:
    """(single words, phrases, words a prefix may join) of every family in the data files."""
    words: set[str] = set()
    phrases: set[str] = set()
    prefixable: set[str] = set()
    rows = [row for path in paths or (DATA_FILE, ADDITIONS_FILE) for row in appendix_rows(path)]
    for row in rows:
        for cell in row:
            entry = cell.lower()
            parts = re.split(r"[\s-]+", entry)
            if len(parts) == 1:
                family = family_forms(entry)
                words |= family
                if len(entry) >= _MIN_PREFIXED_ROOT + 1:
                    prefixable |= family
            else:
                phrases.add(" ".join(parts))
                for form in inflections(parts[-1]):
                    if form.endswith("s"):
                        phrases.add(" ".join([*parts[:-1], form]))
    return words | irregular_forms(), phrases, prefixable


@lru_cache(maxsize=1)
def restricted_text() -> RestrictedText:
    """The shared matcher, built on first use (a few milliseconds)."""
    return RestrictedText(*stdlib_forms())
