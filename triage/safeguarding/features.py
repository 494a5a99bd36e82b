"""The learned screen's features: words, word pairs and triples, and letter runs inside words.

Shared by inference (model.py, standard library) and training (scripts/safeguarding_train.py),
so the weights are read against exactly the features they were learned on. Letter runs (3 to 5
letters, as scikit-learn's `char_wb`) carry typos and sound-alikes; word pairs and triples carry
who does what to whom ("hits me", "better off without").
"""

from __future__ import annotations

import math

CHAR_SIZES = (3, 4, 5)
# Why a cap: a turn is a few dozen words; a longer run is a URL or a pasted blob, not speech.
_LONGEST_WORD = 30


def features(plain: str) -> set[str]:
    """The feature names present in normalised text (prefix w/b/t: words, c: letter runs)."""
    words = [w for w in plain.split() if len(w) <= _LONGEST_WORD]
    found = {"w" + w for w in words}
    found.update("b" + a + " " + b for a, b in zip(words, words[1:], strict=False))
    found.update("t" + a + " " + b + " " + c
                 for a, b, c in zip(words, words[1:], words[2:], strict=False))
    for word in set(words):
        padded = f" {word} "
        for size in CHAR_SIZES:
            found.update("c" + padded[i:i + size] for i in range(len(padded) - size + 1))
    return found


def value(found: set[str]) -> float:
    """Each present feature's value: the features' vector has unit length, whatever its size."""
    return 1.0 / math.sqrt(len(found)) if found else 0.0
