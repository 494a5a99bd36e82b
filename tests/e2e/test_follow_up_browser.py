"""The follow-up worklist in a real browser (Debian's Chromium under Playwright) against a live app
on PostgreSQL and Redis, checked with axe-core: the list the worker's round filled, one follow-up
opened and its progression outcome recorded with the keyboard. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from app import create_app
from config import clock
from config.settings import Settings
from models.db import make_engine, session_scope
from models.follow_ups import FollowUp
from routing import worker
from tests.support.browser import BROWSER_TEST, axe_violations, live_server, screenshot
from tests.support.console import PASSWORD, make_user
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.follow_ups import TwilioWithRecords, customer_with_contact

pytestmark = BROWSER_TEST
TIMEOUT = 10_000
LAST = datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
FLAG_DAY = LAST + timedelta(days=31, minutes=5)


@pytest.fixture
def app(postgres_url, redis_client):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    engine.dispose()
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, clock_start=FLAG_DAY.isoformat(), _env_file=None)
    app = create_app(settings, twilio=TwilioWithRecords("+441614960456"))
    engine = app.extensions["engine"]
    customer_with_contact(engine, "Browser", "CA-browser", at=LAST)
    customer_with_contact(engine, "Written", "CA-advice", at=LAST - timedelta(days=1),
                          route="prime_contractor_advice")
    clock.start(FLAG_DAY)
    worker.tick(engine=engine, redis=redis_client, trackers=None, retention_days=90)
    make_user(app, "ann", "adviser", queues=["adult_information"])
    yield app
    engine.dispose()


@pytest.fixture
def page(pages, app):
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1100, height=900, timeout_ms=TIMEOUT)
        page.fill("input[name=username]", "ann")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/**")
        page.goto(url + "/console/follow-ups")
        yield page


def test_the_worklist_and_a_follow_up_are_accessible_and_worked_by_keyboard(page, app):
    rows = page.locator("table.worklist tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("At one month")
    assert axe_violations(page) == []
    screenshot(page, "follow-ups")

    page.get_by_role("link", name="Follow-up 2").click()
    expect(page.locator("#claim")).to_contain_text("This follow-up is yours")
    expect(page.get_by_text("+441614960456")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "follow-up")

    choice = page.get_by_label("Enrolled on a course, learning or training")
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    page.get_by_role("button", name="Record").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Follow-up 2 recorded")).to_be_visible()
    expect(page.locator("table.worklist tbody tr")).to_have_count(1)
    assert axe_violations(page) == []
    with session_scope(app.extensions["engine"]) as session:
        found = session.get(FollowUp, 2)
        assert (found.status, found.outcome, found.positive) == \
            ("completed", "enrolled_learning", True)
