"""The learned safeguarding screen: a linear model over words and letter runs, standard library.

The weights are trained by `make safeguarding-model` (scripts/safeguarding_train.py, scikit-learn)
from the corpus in data/, and exported to weights.json.gz: one row of numbers per feature, for
four heads read at once. Inference is a sum of weights, so it runs in every process that screens
(the app, the assistant's actions on Python 3.10, the mail intake) in well under a millisecond.
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import threading
from array import array
from dataclasses import dataclass
from pathlib import Path

from .features import features, value

WEIGHTS = Path(__file__).with_name("weights.json.gz")
# Head order in each weight row (the trainer writes the same order).
HEADS = ("concern", "self_harm", "abuse", "danger", "explicit", "other")
KIND_HEADS = ("self_harm", "abuse", "danger")
# "About someone else" needs this much evidence: an attacker or a third person named in the
# customer's own danger ("a man at my door") is not the person at risk. Chosen on slice A of
# the held-out phrasings (tuned on), where it halves the mistakes either way.
ABOUT_MARGIN = 1.0
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reading:
    """The model's reading of one text: how likely a concern, and its kind, manner and subject."""

    probability: float
    kind: str
    explicit: bool
    about_other: bool


class Model:
    """Exported weights and the threshold above which a reading is a concern."""

    def __init__(self, exported: dict) -> None:
        if tuple(exported["heads"]) != HEADS:
            raise ValueError("safeguarding weights were exported for other heads")
        self.threshold: float = float(exported["threshold"])
        self.version: str = str(exported["data_sha256"])[:12]
        self._bias: list[float] = [float(b) for b in exported["bias"]]
        # One flat array of floats and an offset a feature: a fraction of the memory of a dict
        # of lists, in every process that screens.
        weights: dict[str, list[float]] = exported["weights"]
        width = len(HEADS)
        self._offset: dict[str, int] = {name: i * width for i, name in enumerate(weights)}
        self._flat = array("f", (w for row in weights.values() for w in row))
        if len(self._flat) != width * len(weights):
            raise ValueError("safeguarding weights: a row has the wrong number of heads")

    def read(self, plain: str) -> Reading:
        """The four heads for normalised text."""
        found = features(plain)
        if not found:
            return Reading(0.0, KIND_HEADS[0], False, False)  # no words: nothing to read
        scale = value(found)
        sums = list(self._bias)
        flat, offset = self._flat, self._offset
        for name in found:
            at = offset.get(name)
            if at is not None:
                for index in range(len(sums)):
                    sums[index] += flat[at + index] * scale
        kind = KIND_HEADS[max(range(3), key=lambda i: sums[1 + i])]
        return Reading(_sigmoid(sums[0]), kind, sums[4] > 0.0, sums[5] > ABOUT_MARGIN)


_lock = threading.Lock()
_loaded: list[Model | None] = []


def load(path: Path = WEIGHTS) -> Model | None:
    """The exported model, read once per process; None when the file is absent or unreadable."""
    if _loaded:
        return _loaded[0]
    with _lock:
        if not _loaded:
            _loaded.append(_read(path))
    return _loaded[0]


def _read(path: Path) -> Model | None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return Model(json.load(handle))
    except (OSError, ValueError, KeyError, TypeError) as error:
        # The rules still screen every turn; the missing model is loud in the logs and a test.
        log.error("safeguarding model not loaded: %s", type(error).__name__)
        return None


def _sigmoid(x: float) -> float:
    if x < -60.0:
        return 0.0
    return 1.0 / (1.0 + math.exp(-x))
