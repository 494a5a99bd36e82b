"""The supervisor's live dashboard in Chromium: signs in, watches figures move, axe-core clean."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from app import create_app
from config import clock
from models.contacts import NewEvent
from tests.support.browser import (
    BROWSER_TEST,
    axe_violations,
    live_server,
    screenshot,
)
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings)


@pytest.fixture
def page(app, pages):
    make_user(app, "sue", "supervisor")
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1400, height=1000)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.goto(url + "/console/dashboard")
        yield page


def queued(app, key, queue, waited, kind, channel="phone"):
    """A contact that joined `queue` `waited` seconds ago and was answered or gave up now."""
    now = clock.now()  # the app's clock (the suite sets it), as the dashboard reads it
    figures = app.extensions["figures"]
    figures.observe(channel, key, [NewEvent("enqueued", now - timedelta(seconds=waited),
                                            f"{key}:e", {"queue": queue})])
    if kind:
        figures.observe(channel, key, [NewEvent(kind, now, f"{key}:{kind}", {
            "where": "queue", "queue": queue, "queue_time": waited})])


def cell(page, queue_row: int, column: int) -> str:
    return page.locator(f"#queues tbody tr:nth-child({queue_row}) > :nth-child({column})"
                        ).inner_text()


def test_figures_move_within_two_seconds_and_a_breach_alerts(app, page):
    row = 2  # adult_information is the second configured queue
    assert page.locator("#queues tbody tr").nth(row - 1).inner_text().startswith("Adult info")
    queued(app, "CA1", "adult_information", 14, "answered")
    began = time.monotonic()
    page.wait_for_function(
        "() => document.querySelector('#queues tbody tr:nth-child(2) > :nth-child(6)')"
        ".textContent === '1'", timeout=2000)
    assert time.monotonic() - began < 2.0
    assert cell(page, row, 9).startswith("100.0%")
    queued(app, "CA2", "adult_information", 40, "abandoned")
    page.wait_for_function("() => document.querySelector('#alerts .alert') !== null",
                           timeout=2000)
    assert "service level 50.0% is below 90.0%" in page.inner_text("#alerts")
    assert axe_violations(page) == []


def test_the_dashboard_as_a_supervisor_sees_it(app, page):
    for n, (queue, waited, kind) in enumerate([
            ("adult_information", 6, "answered"), ("adult_information", 11, "answered"),
            ("adult_information", 19, "answered"), ("adult_information", 3, "abandoned"),
            ("young_people", 8, "answered"), ("young_people", 12, "answered"),
            ("young_people", 25, None), ("safeguarding", 2, "answered"),
            ("adult_digital_advice", 30, "answered")]):
        queued(app, f"CA{n}", queue, waited, kind,
               channel="webchat" if queue == "adult_digital_advice" else "phone")
    figures = app.extensions["figures"]
    now = clock.now()  # the app's clock (the suite sets it), as the dashboard reads it
    figures.observe("phone", "CA20", [NewEvent("transfer_attempted", now, "t", {
        "contractor": "north-west"}), NewEvent("transferred", now, "x", {
            "contractor": "north-west"})])
    page.wait_for_function("() => document.querySelector('#alerts .alert') !== null",
                           timeout=3000)
    page.fill("#message", "Office closed by flooding")
    page.select_option("#entity", "london")
    page.click("form[action$='/console/closures'] button[type=submit]")
    page.wait_for_selector("#closures button")
    assert axe_violations(page) == []
    screenshot(page, "supervisor-dashboard")
    for path in ("/console/reports", "/console/reports?period=month&month="
                 + now.strftime("%Y-%m"), "/console/definitions"):
        page.goto(page.url.split("/console/")[0] + path)
        assert axe_violations(page) == [], path
