"""The staffing page in Chromium: chosen by keyboard, read as a supervisor, axe-core clean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import create_app
from config.settings import Settings
from models.contacts import NewEvent
from routing.figure_definitions import load_definitions
from routing.rollup import rollup
from tests.support.browser import BROWSER_TEST, axe_violations, live_server, screenshot
from tests.support.console import PASSWORD, make_user
from tests.support.databases import TEST_REDIS_URL

pytestmark = BROWSER_TEST

# Monday 7 December 2026, 12:00 in London (the development clock); Tuesday 1st has figures.
CLOCK = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def app(sqlite_url, redis_client):
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, clock_start=CLOCK, _env_file=None)
    app = create_app(settings)
    figures = app.extensions["figures"]
    for queue, calls in (("adult_information", 200), ("young_people", 40)):
        for n in range(calls):
            key = f"{queue}-{n}"
            figures.observe("phone", key, [NewEvent(
                "enqueued", TUESDAY + timedelta(seconds=3600 * n // calls), f"{key}:e",
                {"queue": queue})])
    rollup(engine=app.extensions["engine"], redis_client=app.extensions["redis"],
           definitions=load_definitions(), now=TUESDAY + timedelta(hours=12))
    return app


@pytest.fixture
def page(app, pages):
    make_user(app, "sue", "supervisor")
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1300, height=1000)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.click("nav >> text=Staffing")
        page.wait_for_url(url + "/console/staffing")
        yield page


def test_a_supervisor_chooses_a_day_and_a_queue_by_keyboard(page):
    assert page.locator("h1").inner_text() == "Staffing"
    assert page.locator("#date").input_value() == "2026-12-06"  # yesterday on the centre's clock
    page.fill("#date", "2026-12-01")
    page.focus("#queue")
    page.keyboard.press("ArrowDown")  # from "Every queue" to Young people, then Adult information
    page.keyboard.press("ArrowDown")
    assert page.locator("#queue").input_value() == "adult_information"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Show"
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/staffing?date=2026-12-01&queue=adult_information")
    rows = page.locator("table").first.locator("tbody tr")
    assert rows.count() == 2
    first = rows.nth(0).inner_text().split("\t")
    # 100 calls a half-hour at 300 s: 23 advisers for 90% within 15 s; available not recorded.
    assert first[:6] == ["Adult information", "10:00", "100", "300 s", "16.67", "23"]
    assert first[-1] == "not recorded yet"
    csv_link = page.locator("a[download]")
    assert "date=2026-12-01&queue=adult_information" in csv_link.get_attribute("href")
    plan = page.locator("table").nth(1)
    assert "Tue 8 Dec" in plan.locator("thead").inner_text()
    assert plan.locator("tbody tr").count() == 2
    screenshot(page, "staffing")
    assert axe_violations(page) == []


def test_every_queue_and_the_plan_read_cleanly(page):
    page.goto(page.url + "?date=2026-12-01")
    day = page.locator("table").first.inner_text()
    assert "Adult information" in day and "Young people" in day
    assert "assumed, not measured" in page.inner_text("main")
    # The regions that scroll sideways take keyboard focus, so they can be scrolled by keys.
    page.focus("div.scroll[role=region] >> nth=0")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert axe_violations(page) == []
