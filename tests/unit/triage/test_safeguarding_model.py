"""The learned safeguarding screen: its corpus, its exported weights and the screen contract."""

from __future__ import annotations

import io
import json
import logging
from collections import Counter

import pytest

from triage.cli import main
from triage.places import AMBIGUOUS, PLACES
from triage.safeguarding import is_concern, model, screen
from triage.safeguarding.corpus import data_hash, files, read


@pytest.fixture(scope="module")
def corpus():
    return read(files())


def test_the_corpus_is_large_and_covers_every_kind(corpus):
    concerns = [r for r in corpus if r["concern"]]
    look_alikes = [r for r in corpus if not r["concern"]]
    assert len(concerns) >= 3000 and len(look_alikes) >= 3000
    kinds = Counter(r["kind"] for r in concerns)
    assert all(kinds[k] >= 300 for k in ("self_harm", "abuse", "danger")), kinds
    assert sum(r["about"] == "other" for r in concerns) >= 500
    assert sum(not r["explicit"] for r in concerns) >= 1000
    assert Counter(r["style"] for r in corpus)["speech"] >= 1000
    assert {r["age"] for r in corpus} >= {13, 70}


def test_the_committed_weights_were_built_from_todays_corpus():
    """Retrain with `make safeguarding-model` after changing the corpus or the features."""
    loaded = model.load()
    assert loaded is not None, "triage/safeguarding/weights.json.gz is missing or unreadable"
    assert loaded.version == data_hash()[:12], "stale weights: run make safeguarding-model"


@pytest.mark.parametrize("text, kind, about", [
    ("i took a load of my mums tablets last night and didnt tell anyone", "self_harm", "self"),
    ("theres a man outside my door with a knife right now", "danger", "self"),
    ("my best mate said shes going to end it tonight and shes sorted her stuff", "self_harm",
     "other"),
])
def test_disclosures_the_rules_never_listed_are_heard(text, kind, about):
    concern = screen(text)
    assert concern is not None and concern.kind == kind and concern.about == about


def test_one_sentence_of_danger_in_a_long_email_is_heard():
    careers = "I would like to know about apprenticeships in engineering near Leeds. " * 60
    text = careers + "My stepdad hits me when he is drunk and I am scared to go home. " + careers
    assert len(text) > 8000 and screen(text) is not None


def test_careers_in_these_fields_are_not_concerns():
    assert not is_concern("how do i train to be a domestic abuse advocate, what courses are there")
    assert not is_concern("im a paramedic and deal with overdoses every week, want a change")


def test_the_screen_logs_nothing_of_the_customers_words(caplog):
    with caplog.at_level(logging.DEBUG):
        screen("my uncle takes my wages and wont let me leave the house")
    assert "wages" not in caplog.text


def _run(argv, text):
    out, err = io.StringIO(), io.StringIO()
    status = main(argv, io.StringIO(text), out, err)
    return status, out.getvalue(), err.getvalue()


def test_the_screen_contract_on_one_object_and_on_lines():
    status, out, _ = _run(["screen"], json.dumps({"text": "i want to kill myself"}))
    answer = json.loads(out)
    assert status == 0 and answer == {"concern": True, "kind": "self_harm", "explicit": True,
                                      "about": "self", "rule": answer["rule"]}
    lines = "\n".join(json.dumps({"text": t}) for t in ("my feet are killing me", "kms tonight"))
    status, out, _ = _run(["screen", "--jsonl"], lines + "\n")
    answers = [json.loads(line) for line in out.splitlines()]
    assert status == 0 and [a["concern"] for a in answers] == [False, True]
    assert answers[0] == {"concern": False, "kind": None, "explicit": False, "about": None,
                          "rule": None}
    assert "kms" not in out  # the rule is named, never the customer's words


@pytest.mark.parametrize("text, reason", [
    ("not json", "not valid JSON"), ('{"txt": "hi"}', "string \"text\""),
    ('{"text": 5}', "string \"text\""), ("[1]", "string \"text\""),
])
def test_bad_input_is_refused_with_exit_2(text, reason):
    status, _, err = _run(["screen"], text)
    assert status == 2 and reason in err and err.count("\n") == 1


def test_a_place_name_alone_is_an_ordinary_answer():
    """'Belfast' or 'the Isle of Man' answers "where do you live?", never a concern."""
    places = sorted({p for names in PLACES.values() for p in names} | set(AMBIGUOUS))
    assert [p for p in places if screen(p) is not None] == []
