"""Searching the knowledge base: field weights, prefixes as the adviser types, small typos,
postcodes, narrowing by every word, and a passage around what was found."""

from __future__ import annotations

from datetime import date

import pytest

from engine.knowledge import Article, KnowledgeBase, load_knowledge
from engine.knowledge_search import KnowledgeIndex, snippet, words


def article(ident: str, title: str, *, tags=("x",), body="Some words.", summary=None,
            regions=()) -> Article:
    return Article(id=ident, title=title, topic="information", tags=tuple(tags),
                   review=date(2027, 6, 30), link=None, summary=summary, regions=tuple(regions),
                   body=body)


@pytest.fixture(scope="module")
def small():
    return KnowledgeIndex(KnowledgeBase(articles=(
        article("loans", "Advanced Learner Loans", tags=("funding", "money"),
                body="A loan pays for a course. It is repaid once you earn enough."),
        article("courses", "Finding a course", tags=("courses", "course search"),
                body="Search courses near you. Some courses are paid for by a loan."),
        article("apprenticeships", "Apprenticeships", tags=("apprentice", "traineeships"),
                body="An apprenticeship is a job with training."),
        article("north-west", "North West: local careers service", tags=("prime contractor",),
                body="Manchester and Liverpool.", regions=("north-west",)),
        article("hours", "Opening hours", tags=("hours", "closed"),
                body="Open 08:00 to 22:00. Closed on Christmas Day."),
    ), topics={"information": "Information"}))


@pytest.fixture(scope="module")
def shipped():
    return KnowledgeIndex(load_knowledge())


def ids(hits):
    return [h.article.id for h in hits]


def test_words_are_lower_case_without_accents_or_plurals():
    assert words("Français CVs, Apprenticeships & Skills-Health") == [
        "francais", "cv", "apprenticeship", "skill", "health"]
    assert words("Business classes") == ["business", "classe"]  # rough, but the same both ways


def test_a_title_word_outranks_the_same_word_in_the_body(small):
    hits = small.search("loan")
    assert ids(hits) == ["loans", "courses"]  # both have it; only one in its title
    assert hits[0].score > hits[1].score > 0


def test_a_word_being_typed_matches_as_a_prefix(small):
    assert ids(small.search("appren"))[0] == "apprenticeships"
    assert ids(small.search("cour"))[0] == "courses"


def test_a_small_typo_still_finds_the_article(small):
    assert ids(small.search("apprentiseship")) == ["apprenticeships"]
    assert ids(small.search("cristmas")) == ["hours"]  # one letter missing
    assert ids(small.search("hoilday")) == []  # not a word of any article, however close


def test_every_word_narrows_the_list(small):
    assert set(ids(small.search("course"))) == {"courses", "loans"}
    assert ids(small.search("course search")) == ["courses"]


def test_a_word_no_article_has_does_not_empty_the_list(small):
    # Articles that match the most words are shown: a stray word does not hide the answer.
    assert ids(small.search("loan zzzzz")) == ["loans", "courses"]


def test_common_words_are_ignored_unless_nothing_else_is_asked(small):
    assert ids(small.search("what are the opening hours")) == ["hours"]
    assert small.search("") == [] and small.search("   ") == [] and small.search("?!") == []


def test_a_postcode_finds_its_areas_local_service(small):
    assert ids(small.search("M1 1AE")) == ["north-west"]
    assert ids(small.search("m11ae")) == ["north-west"]
    assert ids(small.search("careers L1")) == ["north-west"]
    assert small.search("CF10 1AA") == []  # Cardiff: Wales, no English area


def test_the_limit_is_kept(small):
    assert len(small.search("o", limit=1)) <= 1


def test_the_snippet_is_a_passage_around_the_first_word_found():
    long_body = ("Intro sentence that goes on for a while about nothing in particular. " * 4
                 + "The loan is repaid once you earn enough, and not before. " + "Tail. " * 40)
    text = snippet(article("a", "A", body=long_body), {"loan"})
    assert "loan is repaid" in text
    assert text.startswith("…") and text.endswith("…") and len(text) <= 185
    assert snippet(article("b", "B", body="## Heading\n\n- first item"), set()) == (
        "Heading. first item.")


@pytest.mark.parametrize(("query", "best"), [
    ("advanced learner loan", "funding-and-advanced-learner-loans"),
    ("apprenticship", "apprenticeships-and-traineeships"),
    ("cv", "cv-builder"),
    ("skils helth chek", "skills-health-check"),
    ("samaritans", "safeguarding-emergency-numbers"),
    ("childline", "safeguarding-emergency-numbers"),
    ("polski", "language-lines"),
    ("panjabi", "language-lines"),
    ("warm transfer", "prime-contractors-and-transfers"),
    ("opening hours christmas", "opening-hours"),
    ("TS1 3BA", "local-services-north-east"),
    ("Durham", "local-services-north-east"),
    ("BH24", "local-services-south-east"),  # a Hampshire district of the Bournemouth area
    ("campaign script", "campaign-script-template"),
    ("cardiff wales", "outside-england"),
    ("textphone", "relay-uk-and-bsl"),
    ("register account", "registering-an-account"),
])
def test_advisers_questions_find_the_right_article_first(shipped, query, best):
    assert ids(shipped.search(query))[0] == best


def test_searching_the_shipped_articles_is_quick(shipped):
    import time

    started = time.perf_counter()
    for query in ("a", "ap", "app", "appr", "appre", "apprenticeship funding loans"):
        shipped.search(query)
    assert time.perf_counter() - started < 0.5  # as-you-type, on a shared two-core machine
