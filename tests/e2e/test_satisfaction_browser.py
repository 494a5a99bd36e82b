"""The chat's satisfaction survey in a real browser (Debian's Chromium under Playwright) against a
live app on PostgreSQL and Redis: offered when a sampled chat ends, labelled radio buttons a
keyboard can answer, no serious or critical axe-core findings, and the answers stored once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import create_app
from config.settings import Settings
from engine.satisfaction import load_satisfaction_config, store
from ivr.chat.config import load_chat_config
from models.contacts import open_contact
from models.db import make_engine, session_scope
from models.satisfaction import Answers, SatisfactionResponse
from tests.e2e.test_webchat_browser import expect_line, open_chat, reply, type_message
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    live_server,
    moving_clock,
    screenshot,
)
from tests.support.console import PASSWORD, make_user
from tests.support.databases import TEST_REDIS_URL, truncate_all

pytestmark = BROWSER_TEST
TIMEOUT = 10_000
WORDS = load_satisfaction_config().chat


@pytest.fixture
def app(postgres_url, redis_client):
    truncate_all(make_engine(postgres_url))
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    config = load_satisfaction_config()
    everyone = config.model_copy(update={"share_by_route": {k: 1.0
                                                            for k in config.share_by_route}})
    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING),
                      chat_config=load_chat_config().model_copy(update={"stream_seconds": 5}),
                      satisfaction_config=everyone)


@pytest.fixture
def page(pages, app):
    with live_server(app) as url:
        yield pages(url + "/", width=1000, height=900, timeout_ms=TIMEOUT)


def rows(app) -> list[SatisfactionResponse]:
    with session_scope(app.extensions["engine"]) as session:
        return list(session.exec(sa.select(SatisfactionResponse)).scalars())


def end_an_information_chat(page):
    open_chat(page)
    reply(page, "Information about careers or learning")
    type_message(page, "42")
    expect_line(page, "an adviser from the contact centre can help")
    page.get_by_role("button", name="End the chat").click()
    expect(page.get_by_role("group", name=WORDS.score_question)).to_be_visible()


def test_the_rating_is_answered_with_the_keyboard_alone_and_stored(page, app):
    end_an_information_chat(page)
    scores = page.get_by_role("group", name=WORDS.score_question)
    assert scores.get_by_role("radio").count() == 5
    expect(scores.get_by_role("radio", name=WORDS.score_labels["4"])).to_be_visible()
    # The End button is disabled once the chat ends: the keyboard goes on at the survey.
    expect(page.get_by_role("heading", name=WORDS.heading)).to_be_focused()
    page.keyboard.press("Tab")
    expect(scores.get_by_role("radio", name=WORDS.score_labels["1"])).to_be_focused()
    for _ in range(3):
        page.keyboard.press("ArrowDown")  # 1 -> 4, as a keyboard moves through a radio group
    expect(scores.get_by_role("radio", name=WORDS.score_labels["4"])).to_be_checked()
    page.keyboard.press("Tab")  # into the yes/no group
    page.keyboard.press("Space")
    needed = page.get_by_role("group", name=WORDS.needed_question)
    expect(needed.get_by_role("radio", name=WORDS.yes)).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name=WORDS.submit)).to_be_focused()
    screenshot(page, "webchat-satisfaction")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(WORDS.thanks)
    expect(page.get_by_role("group", name=WORDS.score_question)).to_have_count(0)
    [row] = rows(app)
    assert (row.channel, row.route, row.score, row.got_what_they_needed) == (
        "webchat", "adult_information", 4, True)


def test_skip_stores_a_skip(page, app):
    end_an_information_chat(page)
    page.get_by_role("button", name=WORDS.skip).click()
    expect(page.get_by_role("status")).to_have_text(WORDS.skipped)
    [row] = rows(app)
    assert (row.score, row.got_what_they_needed) == (None, None)


def test_the_rating_has_no_serious_or_critical_accessibility_violations(page):
    assert axe_script().exists(), "axe-core is not in the cache: run scripts/browser.sh"
    end_an_information_chat(page)
    assert axe_violations(page) == []


def test_the_reports_satisfaction_table_has_no_serious_or_critical_violations(pages, app):
    assert axe_script().exists(), "axe-core is not in the cache: run scripts/browser.sh"
    engine, at = app.extensions["engine"], datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    for key, score in (("CA1", 5), ("CA2", 2), ("CA3", None)):
        with session_scope(engine) as session:
            open_contact(session=session, key=key, channel="phone", at=at)
        store(engine, Answers(key, "phone", "prime_contractor_advice", "adult_advice",
                              "north_west", score, None if score is None else score > 3), at=at)
    make_user(app, "sue", "supervisor")
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1400, height=1000)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.goto(url + "/console/reports?date=2026-12-01")
        table = page.get_by_role("region", name="Satisfaction figures, scrolls sideways")
        expect(table).to_contain_text("below the 95.0% target")
        expect(table).to_contain_text("north_west")
        assert axe_violations(page) == []
        table.scroll_into_view_if_needed()
        screenshot(page, "reports-satisfaction")
