"""Restricted words by word family and through spelling noise (001:20.2-20.4, Appendix A).

The appendix says its list is not exhaustive: a word's family goes with it, whatever the case and
whatever noise is typed around or inside it. The property test runs over the whole appendix.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.redaction import RESTRICTED, redact
from models.restricted_text import irregular_forms, restricted_text, stdlib_forms
from models.restricted_words import _lemma_lookup, appendix_rows, listed_forms

SINGLE_WORDS = sorted(
    {cell for row in appendix_rows() for cell in row if re.fullmatch(r"[A-Za-z]+", cell)}
)
PHRASES = sorted({cell for row in appendix_rows() for cell in row if " " in cell})


@pytest.mark.parametrize(
    "word",
    ["offending", "reoffending", "offender", "offends", "re-offended", "sentenced", "sentencing",
     "unsentenced", "ex-offender", "ex-con", "reconvicted", "OFFENDING", "Sentenced"],
)
def test_word_families_go(word):
    assert redact(f"I was {word} last year") == f"I was {RESTRICTED} last year"


@pytest.mark.parametrize(
    "noisy",
    ["burglaryyy", "b.u.r.g.l.a.r.y", "B-U-R-G-L-A-R-Y", "p a r o l e", "pr1s0n", "*parole*",
     "prisonnnn!!", "c*o*n*v*i*c*t*e*d", "h m p", "@ssaulted", "committted", "con victed"],
)
def test_spelling_noise_does_not_hide_a_word(noisy):
    result = redact(f"they said {noisy} then")
    assert RESTRICTED in result and result.startswith("they said ") and result.endswith(" then")
    assert not re.search(r"[a-z]{3,}", result.replace(RESTRICTED, "").replace("they said", "")
                         .replace("then", ""))


@pytest.mark.parametrize(
    "sentence",
    ["Place a bet on it.", "The scone, the cellist and the bailiff.", "I refined my CV.",
     "We rapped and robed.", "The committee meets at the excellent cellar.", "Hmm, a good deal."],
)
def test_family_rules_leave_innocent_words(sentence):
    assert redact(sentence) == sentence


def test_the_irregular_forms_file_is_in_step_with_spacy_lemma_table():
    """Every form spaCy's table maps to a listed word is caught by the standard-library rules or
    listed in restricted_irregular.txt, so the assistant's tracker store misses nothing."""
    lemmas, listed = _lemma_lookup(), listed_forms()
    words, _, _ = stdlib_forms()
    table_forms = {f for f, lemma in lemmas.items() if lemma in listed and f.isalpha()}
    assert table_forms - words == set()
    assert irregular_forms() <= table_forms


_NOISE = st.sampled_from(["", "", "-", ".", "*"])


@st.composite
def noisy_spelling(draw, word: str) -> str:
    """`word` with random case, one letter stretched and maybe separators between every letter.

    A letter doubled once is not noise the matcher can undo ("robbed" is not "robed"); three or
    more of one letter is.
    """
    letters = [ch.upper() if draw(st.booleans()) else ch.lower() for ch in word]
    at = draw(st.integers(0, len(letters) - 1))
    letters[at] = letters[at] * draw(st.sampled_from([1, 3, 4, 6]))
    return draw(_NOISE).join(letters)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_every_appendix_word_goes_in_any_case_and_noise(data):
    word = data.draw(st.sampled_from(SINGLE_WORDS))
    noisy = data.draw(noisy_spelling(word))
    before = data.draw(st.sampled_from(["", "Well, ", "I said ", "(", "\u201c"]))
    after = data.draw(st.sampled_from(["", ".", "!!", ", ok", ")", "\u201d", "?"]))
    result = redact(before + noisy + after)
    assert result == before + RESTRICTED + after, (noisy, result)


@settings(max_examples=100, deadline=None)
@given(phrase=st.sampled_from(PHRASES), upper=st.booleans(), joiner=st.sampled_from([" ", "  "]))
def test_every_appendix_phrase_goes(phrase, upper, joiner):
    text = joiner.join(phrase.split())
    text = text.upper() if upper else text
    assert redact(f"at {text} now") == f"at {RESTRICTED} now"


def test_the_standard_library_matcher_alone_catches_every_listed_form():
    matcher = restricted_text()
    for cell in {c for row in appendix_rows() for c in row}:
        spans = list(matcher.finditer(cell))
        assert spans and spans[0].start == 0 and spans[-1].end == len(cell), cell
