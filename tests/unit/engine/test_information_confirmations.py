"""The pure parts of confirming the information given in writing (000:L21, 000:L35): which
articles may be confirmed, the choice and the address, the due time in working days, the retry
times, the message (titles and links only) and recognising the assistant's article answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from engine.confirmations import (
    ChoiceError,
    address,
    articles_given,
    chosen,
    compose,
    confirmable,
    confirmation_config,
    due_by,
    retry_at,
)
from engine.knowledge import assistant_responses, default_knowledge
from engine.outbound_text import refusal
from routing.plan import default_directory

LONDON = ZoneInfo("Europe/London")


def _due(at: datetime) -> datetime:
    places = default_directory()
    return due_by(at, working_days=5, bank_holidays=places.bank_holidays, tz=places.timezone)


def test_only_articles_with_a_public_link_and_customer_words_can_be_confirmed():
    ids = {a.id for a in confirmable()}
    assert {"courses", "cv-builder", "funding-and-advanced-learner-loans"} <= ids
    # Staff-only articles (no summary for customers, or no link) are never sent.
    for article in default_knowledge().articles:
        assert (article.id in ids) == bool(article.link and article.summary)
    assert "prime-contractors-and-transfers" not in ids


def test_the_choice_keeps_the_knowledge_base_order_and_refuses_what_it_cannot_send():
    assert [a.id for a in chosen(["cv-builder", "courses"])] == ["courses", "cv-builder"]
    for bad in (None, [], "courses", [1], ["prime-contractors-and-transfers"], ["nope"]):
        with pytest.raises(ChoiceError):
            chosen(bad)
    with pytest.raises(ChoiceError, match="at most 1"):
        chosen(["courses", "cv-builder"], limit=1)


def test_texts_go_to_a_uk_mobile_and_e_mails_to_an_address():
    assert address("sms", "07400 123456") == "+447400123456"
    assert address("email", " someone@example.org ") == "someone@example.org"
    for by, to in (("sms", "0113 496 0456"), ("sms", "18001 07400 123456"), ("sms", None),
                   ("email", "not an address"), ("fax", "07400 123456")):
        with pytest.raises(ChoiceError):
            address(by, to)


@pytest.mark.parametrize(("at", "due"), [
    # Monday 2 March 2026 10:00: five working days on is Monday 9 March; due by its end.
    (datetime(2026, 3, 2, 10, 0, tzinfo=UTC), datetime(2026, 3, 10, 0, 0, tzinfo=LONDON)),
    # Saturday: the five working days start on Monday.
    (datetime(2026, 3, 7, 12, 0, tzinfo=UTC), datetime(2026, 3, 14, 0, 0, tzinfo=LONDON)),
    # Christmas Eve 2026 (Thursday): Christmas Day, Boxing Day (substitute Monday 28) and New
    # Year's Day are not working days, nor the weekends.
    (datetime(2026, 12, 24, 18, 0, tzinfo=UTC), datetime(2027, 1, 6, 0, 0, tzinfo=LONDON)),
    # 23:30 GMT on Friday is still Friday in London (the local date counts).
    (datetime(2026, 1, 30, 23, 30, tzinfo=UTC), datetime(2026, 2, 7, 0, 0, tzinfo=LONDON)),
])
def test_due_by_the_end_of_the_fifth_working_day(at, due):
    assert _due(at) == due


def test_working_days_come_from_the_configuration():
    assert confirmation_config().working_days == 5


def test_a_failure_is_tried_again_and_the_last_interval_repeats():
    now, steps = datetime(2026, 3, 2, 10, 0, tzinfo=UTC), (5, 15, 60)
    assert [retry_at(now, n, steps) - now for n in (1, 2, 3, 4, 9)] == [
        timedelta(minutes=m) for m in (5, 15, 60, 60, 60)]


@pytest.mark.parametrize("notify", ["sms", "email"])
def test_the_message_holds_the_titles_and_links_and_nothing_else(notify):
    articles = chosen(["courses", "funding-and-advanced-learner-loans"])
    subject, body = compose(articles, notify)
    for article in articles:
        assert article.title in body and article.link in body
        assert article.summary not in body  # the words for the customer are on the page
    assert (subject is None) == (notify == "sms")
    assert refusal(f"{subject or ''}\n{body}") is None
    if notify == "sms":
        assert "STOP" in body


def test_every_confirmable_article_passes_the_outbound_check():
    articles = confirmable()
    for notify in ("sms", "email"):
        subject, body = compose(articles, notify)
        assert refusal(f"{subject or ''}\n{body}") is None


def test_the_assistants_article_answers_are_recognised_spoken_or_written():
    courses = next(a for a in default_knowledge().articles if a.id == "courses")
    variants = [v["text"] for v in assistant_responses()[courses.assistant_answer]]
    assert len(variants) == 2  # the phone's and the chat's
    for text in variants:
        assert articles_given(["Hello.", f"  {text.upper()} "]) == ["courses"]
    assert articles_given(["Anything else I can help with?"]) == []
    assert articles_given([variants[0], variants[1]]) == ["courses"]  # once
