"""The knowledge base's loader: the shipped articles are sound, and a bad article is refused with
the file's name and the reason, before the app starts."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
import yaml

from config.files import ConfigFileError
from engine.knowledge import (
    BOT_DOMAIN,
    KNOWLEDGE_DIR,
    KNOWLEDGE_FILE,
    body_blocks,
    load_knowledge,
)
from routing.directory import load_directory
from triage.postcodes import REGIONS

REPO = Path(__file__).resolve().parents[3]
GOOD = """---
title: Finding a course
topic: information
tags: [courses, course search]
link: https://nationalcareers.service.gov.uk/find-a-course
summary: "You can search courses near you, from short courses to degrees."
review: 2027-06-30
---
Course search lets a customer find courses near them.
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(tmp_path, text: str, name: str = "course.md") -> str:
    folder = tmp_path / "knowledge"
    write(folder, name, text)
    with pytest.raises(ConfigFileError) as error:
        load_knowledge(folder)
    return str(error.value)


def test_the_shipped_articles_load_and_cover_every_topic_and_region():
    knowledge = load_knowledge()
    assert len(knowledge.articles) >= 25
    assert {a.topic for a in knowledge.articles} == set(knowledge.topics)
    covered = [r for a in knowledge.articles if a.topic == "local-services" for r in a.regions]
    assert sorted(covered) == sorted(REGIONS)  # one article per region, no region twice
    ids = {a.id for a in knowledge.articles}
    for topic in ("courses", "apprenticeships-and-traineeships",
                  "funding-and-advanced-learner-loans", "job-profiles", "cv-builder",
                  "skills-health-check", "registering-an-account",
                  "safeguarding-emergency-numbers", "language-lines", "opening-hours",
                  "prime-contractors-and-transfers", "campaign-script-template"):
        assert topic in ids


def test_a_good_article_is_read_with_its_body(tmp_path):
    folder = tmp_path / "knowledge"
    write(folder, "course-search.md", GOOD)
    (article,) = load_knowledge(folder).articles
    assert (article.id, article.topic, article.tags) == (
        "course-search", "information", ("courses", "course search"))
    assert article.summary.startswith("You can search courses")
    assert article.body == "Course search lets a customer find courses near them."
    assert str(article.review) == "2027-06-30"


@pytest.mark.parametrize(("change", "reason"), [
    (("topic: information", "topic: gossip"), r"course\.md: topic: unknown topic 'gossip'"),
    (("review: 2027-06-30\n", ""), r"course\.md: review: Field required"),
    (("link: https://", "link: http://"), r"course\.md: link: must be an https:// address"),
    (("title: Finding a course", "titel: Finding a course"), r"titel: Extra inputs"),
    (("tags: [courses, course search]", "tags: []"), r"tags: .*at least 1"),
    (("topic: information", "topic: information\nregions: [wales]"), r"unknown region 'wales'"),
    (("topic: information", "topic: local-services"), r"a local-services article names its"),
    (("topic: information", "topic: information\nassistant_answer: utter_info_courses"),
     r"give a summary or an assistant_answer, not both"),
    (('summary: "You', 'summary: "[CAMPAIGN NAME] You'), r"summary: still has a \[PLACEHOLDER\]"),
    (("Course search lets a customer find courses near them.", "\n"),
     r"course\.md: has no text below its header"),
    (("---\ntitle", "title"), r"course\.md: must start with a YAML header"),
    (("tags: [courses", "tags: [[courses"), r"course\.md: the header is not YAML"),
])
def test_a_bad_article_is_refused_with_its_file_and_reason(tmp_path, change, reason):
    old, new = change
    assert old in GOOD
    assert re.search(reason, refused(tmp_path, GOOD.replace(old, new, 1)))


def test_an_article_file_is_named_in_lower_case_with_hyphens(tmp_path):
    assert "name it in lower case with hyphens" in refused(tmp_path, GOOD, "Course Search.md")


def test_an_empty_folder_is_refused(tmp_path):
    (tmp_path / "knowledge").mkdir()
    with pytest.raises(ConfigFileError, match="has no articles"):
        load_knowledge(tmp_path / "knowledge")


@pytest.mark.parametrize("number", ["0191 498 0001", "+441914980001", "01914980001",
                                    "+44 (0)191 498 0001"])
def test_an_internal_transfer_number_is_never_in_an_article(tmp_path, number):
    # The North East prime contractor's transfer number (config/contractors.yaml, 000:L81).
    assert load_directory().contractors["north-east"].transfer_number == "+441914980001"
    text = GOOD.replace("near them.", f"near them. Their line is {number}.")
    assert f"{number!r} is not a published number" in refused(tmp_path, text)


def test_a_made_up_number_is_refused_and_the_published_ones_are_allowed(tmp_path):
    made_up = GOOD.replace("near them.", "near them, or call 0300 123 4567.")
    assert "'0300 123 4567' is not a published number" in refused(tmp_path, made_up)
    fine = GOOD.replace("near them.", "near them. Samaritans 116 123, Childline 0800 1111, "
                        "us on 0800 100 900 or 999; 09:00 to 17:00 (001:5.3, 000:L81).")
    folder = tmp_path / "fine"
    write(folder, "course.md", fine)
    assert load_knowledge(folder).articles[0].body.endswith("(001:5.3, 000:L81).")


def test_a_published_number_list_may_not_hold_an_internal_number(tmp_path):
    config = yaml.safe_load(KNOWLEDGE_FILE.read_text(encoding="utf-8"))
    config["published_numbers"].append({"number": "+441614960002", "what": "oops"})
    path = tmp_path / "knowledge.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=r"knowledge\.yaml: .*01614960002 is an internal"):
        load_knowledge(KNOWLEDGE_DIR, path)


def test_the_summary_can_be_the_assistants_own_written_answer(tmp_path):
    text = GOOD.replace('summary: "You can search courses near you, from short courses to '
                        'degrees."', "assistant_answer: utter_info_courses")
    folder = tmp_path / "knowledge"
    write(folder, "course.md", text)
    (article,) = load_knowledge(folder).articles
    domain = yaml.safe_load(BOT_DOMAIN.read_text(encoding="utf-8"))["responses"]
    written = [v["text"] for v in domain["utter_info_courses"] if "condition" not in v]
    assert article.summary == written[0]  # the chat's words, not the phone's
    assert "find-a-course" in article.summary
    unknown = text.replace("utter_info_courses", "utter_info_nothing")
    assert "has no written response 'utter_info_nothing'" in refused(tmp_path, unknown)
    spoken_only = text.replace("utter_info_courses", "utter_route_language_line")
    assert "has placeholders" in refused(tmp_path, spoken_only)


def test_each_region_article_says_what_config_knows_of_its_prime_contractor():
    """The local-services articles are written from config: this fails when config moves on."""
    directory = load_directory()
    rows = [r for r in csv.DictReader(
        line for line in (REPO / "triage/data/postcode_areas.csv").read_text().splitlines()
        if not line.startswith("#"))]
    listed = yaml.safe_load((REPO / "config/contractors.yaml").read_text(encoding="utf-8"))
    default_week = {day: ["09:00-17:00"] for day in
                    ("monday", "tuesday", "wednesday", "thursday", "friday")}
    assert listed["defaults"] == {"hours": default_week, "closed_on_bank_holidays": True}
    own = {c["id"]: c for c in listed["contractors"]}
    for article in load_knowledge().articles:
        if article.topic != "local-services":
            continue
        (region,) = article.regions
        contractor = directory.contractors[region]
        assert contractor.name in article.body
        for row in rows:
            if row["region"] == region:
                assert f"- {row['prefix']} {row['name']}" in article.body, (article.id, row)
        # Hours as written hold only while the contractor keeps the default week.
        assert "Monday to Friday 09:00 to 17:00" in article.body
        assert "hours" not in own[region] and "closed_on" not in own[region], (
            f"{article.id}.md: its prime contractor has hours of its own now: update the article")
        assert contractor.transfer_number.removeprefix("+44") not in article.body.replace(" ", "")


def test_the_body_is_shown_as_headings_paragraphs_and_lists():
    body = "Intro line one\nline two.\n\n## Hours\n\n- one\n- two\n\n### Next\nMore."
    assert body_blocks(body) == [
        {"kind": "paragraph", "text": "Intro line one line two."},
        {"kind": "heading", "text": "Hours"},
        {"kind": "list", "items": ["one", "two"]},
        {"kind": "heading", "text": "Next"},
        {"kind": "paragraph", "text": "More."},
    ]


def test_the_safeguarding_article_gives_the_words_every_channel_gives():
    # The emergency lines the chat shows first (config/chat.yaml), word for word (003:L211).
    texts = yaml.safe_load((REPO / "config/chat.yaml").read_text(encoding="utf-8"))["texts"]
    (article,) = [a for a in load_knowledge().articles
                  if a.id == "safeguarding-emergency-numbers"]
    assert article.summary == f"{texts['emergency']} {texts['childline']}"
    for number in ("999", "116 123", "0800 1111"):
        assert number in article.body
