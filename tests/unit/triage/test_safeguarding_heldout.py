"""The safeguarding screen on phrasings it never trained on: the targets `make test` holds.

tests/heldout/safeguarding/ holds slices written apart from the training corpus (by a different
process, given only the business rules and a description of customers) and frozen before the
model was trained. Targets: every concern said outright, at least 95% of those said indirectly,
no more than 3% of look-alikes escalated (triage.safeguarding.measure.TARGETS).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from triage.safeguarding import is_concern, normalise
from triage.safeguarding.corpus import files as corpus_files
from triage.safeguarding.corpus import read
from triage.safeguarding.measure import TARGETS, measure

HELD_OUT = Path(__file__).parents[2] / "heldout" / "safeguarding"
SLICES = sorted(HELD_OUT.glob("slice_*.jsonl"))


def test_the_held_out_slices_are_there_and_large_enough():
    rows = read(SLICES)
    assert len(SLICES) >= 2 and len(rows) >= 600
    assert sum(r["concern"] for r in rows) >= 300 and sum(not r["concern"] for r in rows) >= 300


def test_no_held_out_phrasing_is_in_the_training_corpus():
    trained = {normalise(r["text"]) for r in read(corpus_files())}
    leaked = [r["text"] for r in read(SLICES) if normalise(r["text"]) in trained]
    assert leaked == []


@pytest.mark.parametrize("path", SLICES, ids=lambda p: p.stem)
def test_each_slice_meets_the_targets(path):
    result = measure(read([path]), is_concern)
    missed = [(r["kind"], r["explicit"], r["text"]) for r in result.missed]
    alarms = [r["text"] for r in result.false_alarms]
    assert result.rate("explicit") >= TARGETS["explicit"], missed
    assert result.rate("indirect") >= TARGETS["indirect"], missed
    assert result.false_alarm_rate <= TARGETS["false_alarms"], alarms
