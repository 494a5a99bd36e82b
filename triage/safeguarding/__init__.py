"""The safeguarding screen: does a customer's turn tell of suicide, self-harm, abuse or danger?

Two passes over the same normalised text, standard library only, so every process that screens
(every channel of the app, the assistant's actions, the mail intake) runs the very same screen
(003:L211, 000:L127):

- rules.py, an ordered table of hand-written rules: fast, and the plain phrasings by name;
- model.py, a linear model learned from the corpus in data/: what people say that no list holds.

When either fires it is a concern: a missed concern costs far more than an adviser's minute.
A rule that only names a topic ("domestic abuse", "overdoses") is a hint, not a rule: careers in
these fields and a resolved past name them too. A hint lowers the model's bar for that turn to
HINTED of its threshold, so the model's reading of the whole sentence decides.
Long texts (an e-mail) are read a sentence or a window at a time, so one sentence of danger in
a page of careers talk is still heard. Nothing here logs or keeps the customer's words.
"""

from __future__ import annotations

import re

from ..refusals import only_declines
from . import model as learned
from .concern import ABUSE, DANGER, KINDS, NO_CONCERN, OTHER, SELF, SELF_HARM, Concern
from .normalise import normalise
from .rules import first_hint, first_rule, without_idioms

__all__ = ["ABUSE", "DANGER", "KINDS", "NO_CONCERN", "SELF_HARM", "Concern", "is_concern",
           "normalise", "screen", "screen_rules"]

# Why these sizes: the rules read 2,000 characters at a time (a long chat turn); the model reads
# what a person says in one breath (its training lines are up to 60 words).
RULE_WINDOW, RULE_STEP = 2000, 1800
MODEL_WORDS, MODEL_STEP = 40, 20
# Why a cap: the written channels accept long e-mails; 20,000 characters is ten pages of text.
LONGEST = 20_000
# A named topic halves the model's bar. Set by hand, not learned: the trainer takes it as given
# when it chooses the threshold on the corpus's out-of-fold scores, so the two fit together.
HINTED = 0.5
_SENTENCE_END = re.compile(r"(?<=[.!?;:])\s+|\n+")


def screen(text: str | None) -> Concern | None:
    """The concern in `text`, or None: rules first, then the learned model."""
    if not text or not isinstance(text, str):
        return None
    text = text[:LONGEST]
    found = screen_rules(text)
    if found is not None or only_declines(text):
        # A turn that only refuses or does not know ("I'd rather not say my name", "I don't
        # know, I'm 16") tells of nothing: the rules still read it, the model has nothing to.
        return found
    return _model_concern(text)


def screen_rules(text: str) -> Concern | None:
    """The rules' pass alone (the benchmark's baseline; `screen` is what channels call)."""
    for start in range(0, max(len(text) - 200, 1), RULE_STEP):
        plain = without_idioms(normalise(text[start:start + RULE_WINDOW]))
        fired = first_rule(plain)
        if fired is not None:
            kind, explicit, name = fired
            return Concern(kind, explicit, name, _about(plain))
    return None


def is_concern(text: str | None) -> bool:
    """True when `text` raises a safeguarding concern."""
    return screen(text) is not None


def _model_concern(text: str) -> Concern | None:
    found = learned.load()
    if found is None:
        return None
    best = None
    for piece in _pieces(text):
        reading = found.read(piece)
        bar = found.threshold * (HINTED if first_hint(without_idioms(piece)) else 1.0)
        if reading.probability >= bar and (best is None or reading.probability > best.probability):
            best = reading
    if best is None:
        return None
    return Concern(best.kind, best.explicit, "model", OTHER if best.about_other else SELF)


def _about(plain: str) -> str:
    """Whom a rule's concern is about, as the model reads it (self when there is no model)."""
    found = learned.load()
    if found is None:
        return SELF
    return OTHER if found.read(plain).about_other else SELF


def _pieces(text: str) -> list[str]:
    """Normalised pieces the model reads: sentences, or windows of a long one.

    The model reads idioms as they were said ("hurt my chances" is benign context it learnt);
    only the rules and hints read the idiom-free text."""
    pieces = []
    for sentence in _SENTENCE_END.split(text):
        words = normalise(sentence).split()
        if not words:
            continue
        if len(words) <= MODEL_WORDS:
            pieces.append(" ".join(words))
            continue
        for start in range(0, len(words) - MODEL_STEP, MODEL_STEP):
            pieces.append(" ".join(words[start:start + MODEL_WORDS]))
    if len(pieces) > 1:
        # A disclosure can run across two short sentences ("he has a knife. hes outside").
        pieces += [f"{a} {b}" for a, b in zip(pieces, pieces[1:], strict=False)
                   if len(a.split()) + len(b.split()) <= MODEL_WORDS]
    return pieces
