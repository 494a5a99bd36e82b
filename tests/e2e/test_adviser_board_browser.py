"""The adviser board in Chromium: reached from the supervisor menu, an adviser set Away and one
signed out by keyboard, a change made elsewhere announced once, axe-core clean."""

from __future__ import annotations

import pytest

from app import create_app
from tests.integration.test_console_desk import Clock, adviser, chat_to_queue
from tests.support.browser import BROWSER_TEST, axe_violations, live_server, screenshot
from tests.support.console import PASSWORD, make_user
from tests.support.fake_twilio import FakeTwilio

pytestmark = BROWSER_TEST


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings, voice_clock=Clock(), chat_clock=Clock(), twilio=FakeTwilio())


@pytest.fixture
def site(app, pages):
    make_user(app, "sue", "supervisor")
    ann, _ = adviser(app, "ann", queues=("adult_information",))
    cat, _ = adviser(app, "cat", queues=("adult_information",), available=False)
    assert cat.post("/console/api/presence", json={"mode": "away", "reason": "lunch"},
                    headers=cat.headers).status_code == 200
    bob, _ = adviser(app, "bob", queues=("adult_digital_advice",))
    chat_to_queue(app)
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1300, height=900)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.click("nav >> text=Advisers")
        page.wait_for_url(url + "/console/advisers")
        yield page, {"ann": ann, "bob": bob, "cat": cat}


def cells(page, name):
    return page.locator(f"#board tbody tr:has(th:text-is('{name}')) td").all_inner_texts()


def test_the_board_reads_cleanly_and_is_worked_by_keyboard(site):
    page, _ = site
    assert page.locator("h1").inner_text() == "Advisers"
    assert cells(page, "ann")[:2] == ["Available", ""]
    assert cells(page, "bob")[0] == "Busy" and cells(page, "bob")[3].startswith("Chat, ")
    assert cells(page, "bob")[4] == "1"
    assert cells(page, "cat")[:2] == ["Away", "Lunch"]
    assert axe_violations(page) == []
    page.get_by_role("button", name="Set Away ann").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/advisers?done=*")
    assert page.get_by_role("status").inner_text() == "ann is Away"
    assert cells(page, "ann")[:2] == ["Away", "Set Away by a supervisor"]
    assert page.get_by_role("button", name="Set Away ann").count() == 0
    page.get_by_role("button", name="Sign out bob").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/advisers?done=bob*")
    assert page.locator("#board tbody th").all_inner_texts() == ["ann", "cat"]
    screenshot(page, "adviser-board")
    assert axe_violations(page) == []


def test_a_change_elsewhere_is_announced_once(site):
    from playwright.sync_api import expect

    page, clients = site
    assert page.locator("#board-changes").inner_text() == ""
    page.get_by_role("button", name="Sign out cat").focus()
    cat = clients["cat"]
    assert cat.post("/console/api/presence", json={"mode": "available"},
                    headers=cat.headers).status_code == 200
    expect(page.locator("#board-changes")).to_have_text("cat: Available.", timeout=8000)
    assert cells(page, "cat")[:2] == ["Available", ""]
    # The redrawn table keeps the keyboard on the same button (now after a new Set Away).
    assert page.evaluate("document.activeElement.textContent") == "Sign out cat"
    page.wait_for_timeout(5500)  # the next poll finds nothing new and says nothing more
    assert page.locator("#board-changes").inner_text() == "cat: Available."
