"""The restricted words of 001 Appendix A as data, expanded to every spelling that must be caught.

The appendix lists base words and variants; 001:20.4 forbids all of them in any record. People
inflect words the list does not spell out ("stolen", "fought", "abuses"), so each listed word also
brings its inflections: regular ones by English spelling rules, irregular ones from spaCy's English
lemma lookup table. A generated form that the lookup table knows as a different, unrestricted word
is dropped, so rules never invent a collision with an innocent word (e.g. "coned" from "con").
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import product
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "restricted_words.tsv"
_VOWELS = set("aeiou")


def appendix_rows(path: Path = DATA_FILE) -> list[tuple[str, ...]]:
    """Appendix A as rows of (base word, variant, ...), exactly as the data file lists them."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(tuple(cell.strip() for cell in line.split("\t") if cell.strip()))
    return rows


def listed_forms(path: Path = DATA_FILE) -> frozenset[str]:
    """Every base word and variant of the appendix, lower-cased."""
    return frozenset(cell.lower() for row in appendix_rows(path) for cell in row)


@lru_cache(maxsize=1)
def restricted_forms() -> frozenset[str]:
    """Every lower-cased word or phrase that redaction must remove."""
    lemmas = _lemma_lookup()
    listed = listed_forms()
    forms: set[str] = set()
    for entry in listed:
        words = re.split(r"[\s-]+", entry)
        if len(words) == 1:
            forms |= _word_forms(entry, lemmas, listed)
        else:
            forms |= _phrase_forms(words)
    forms |= {form for form, lemma in lemmas.items() if lemma in listed and form.isalpha()}
    return frozenset(forms)


def _word_forms(word: str, lemmas: dict[str, str], listed: frozenset[str]) -> set[str]:
    """`word` and its regular inflections that are not some other, innocent word."""
    forms = {word}
    for candidate in inflections(word):
        known_as = lemmas.get(candidate)
        if known_as is None or known_as in listed:
            forms.add(candidate)
    return forms


def _phrase_forms(words: list[str]) -> set[str]:
    """A phrase with spaces, hyphens or run together, singular or plural, straight or curly '."""
    forms = set()
    for last in {words[-1], *(f for f in inflections(words[-1]) if f.endswith("s"))}:
        parts = [*words[:-1], last]
        for joins in product((" ", "-", ""), repeat=len(parts) - 1):
            phrase = parts[0] + "".join(j + p for j, p in zip(joins, parts[1:], strict=True))
            forms |= {phrase, phrase.replace("'", "\u2019")}
    return forms


def inflections(word: str) -> set[str]:
    """Regular English inflections of `word`: plural or third person, past, present participle."""
    if not word.isalpha() or len(word) < 2:
        return set()
    stem_y = word[:-1] if word.endswith("y") and word[-2] not in _VOWELS else None
    forms = set()
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    else:
        forms.add(stem_y + "ies" if stem_y else word + "s")
    if word.endswith("e"):
        forms.add(word + "d")
        forms.add(word[:-2] + "ying" if word.endswith("ie") else word[:-1] + "ing")
        if word.endswith("ee"):
            forms.add(word + "ing")
    else:
        forms.add(stem_y + "ied" if stem_y else word + "ed")
        forms.add(word + "ing")
    if _ends_consonant_vowel_consonant(word):
        # British spelling doubles the final consonant ("trialled", "conned").
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return forms


def _ends_consonant_vowel_consonant(word: str) -> bool:
    if len(word) < 3:
        return False
    a, b, c = word[-3], word[-2], word[-1]
    if c == "l" and b in _VOWELS:
        return True  # British spelling doubles a final l after any vowel: "trialled", "travelled"
    return a not in _VOWELS and b in _VOWELS and c not in _VOWELS and c not in "wxy"


def _lemma_lookup() -> dict[str, str]:
    """spaCy's English form-to-lemma table (from the spacy-lookups-data package)."""
    import spacy_lookups_data
    from spacy.util import load_language_data

    table = load_language_data(spacy_lookups_data.en["lemma_lookup"])
    return {form.lower(): lemma.lower() for form, lemma in table.items()}
