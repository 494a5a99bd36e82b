"""The safeguarding panel in Chromium: an alert raised by a chat customer appears live with a
sound, is worked by keyboard to closed, and the panel, dashboard and history pages are axe-clean."""

from __future__ import annotations

import pytest

from app import create_app
from tests.integration.test_chat_api import say, start
from tests.support.browser import BROWSER_TEST, axe_violations, live_server, screenshot
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST
# Counts the panel's sounds instead of playing them (headless Chromium has no speakers).
COUNT_SOUNDS = """
window.soundsPlayed = 0;
HTMLMediaElement.prototype.play = function () {
  window.soundsPlayed += 1;
  return Promise.resolve();
};
"""


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings)


@pytest.fixture
def site(app, pages):
    make_user(app, "sue", "supervisor")
    make_user(app, "ade", "adviser")
    with live_server(app) as url:
        page = pages(url + "/console/login", width=1400, height=1000)
        page.add_init_script(COUNT_SOUNDS)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        yield url, page


def disclose(app, text: str = "I want to kill myself") -> None:
    client = app.test_client()
    say(client, start(client), text)


def rows(page):
    return page.locator("#sg-alerts tbody tr[data-alert]")


def test_an_alert_appears_live_with_a_sound_and_is_worked_by_keyboard(app, site):
    url, page = site
    page.goto(url + "/console/safeguarding")
    assert "No safeguarding alerts." in page.inner_text("#sg-alerts")
    page.focus("#sg-sound")
    page.keyboard.press("Space")  # the sound is off until the supervisor turns it on
    assert page.is_checked("#sg-sound")
    page.wait_for_timeout(300)  # the page's event stream is open
    disclose(app)
    rows(page).first.wait_for(timeout=5000)
    row = rows(page).first.inner_text()
    assert "webchat" in row and "Self-harm or suicide" in row and "New" in row
    assert "kill" not in page.content()  # never the customer's words
    assert "New safeguarding alert: Self-harm or suicide on webchat" in page.inner_text(
        "#sg-summary")
    assert page.evaluate("window.soundsPlayed") == 1
    assert axe_violations(page) == []
    screenshot(page, "safeguarding-panel")

    page.focus("#sg-alerts tbody button[data-focus$=':acknowledge']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/safeguarding?done=*")
    assert "Alert acknowledged" in page.inner_text(".notice")
    rows(page).first.wait_for()
    assert "Acknowledged by sue" in rows(page).first.inner_text()
    page.select_option("#sg-alerts tbody select[name=assignee]", "ade")
    page.focus("#sg-alerts tbody button[data-focus$=':assign']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/safeguarding?done=Alert+assigned")
    page.select_option("#sg-alerts tbody select[name=outcome]", "crisis_support_given")
    page.focus("#sg-alerts tbody button[data-focus$=':outcome']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/safeguarding?done=Alert+outcome")
    page.focus("#sg-alerts tbody button[data-focus$=':close']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/safeguarding?done=Alert+closed")
    rows(page).first.wait_for()
    closed = rows(page).first.inner_text()
    assert "Closed by sue" in closed and "Crisis support details given" in closed
    assert "ade" in closed

    page.goto(url + "/console/safeguarding/history?state=closed")
    assert "1 alerts raised" in page.inner_text("#sg-history caption")
    assert "sue" in page.inner_text("#sg-history tbody")
    assert axe_violations(page) == []


def test_the_dashboard_shows_the_panel_and_hears_a_new_alert(app, site):
    url, page = site
    page.goto(url + "/console/dashboard")
    assert page.locator("#safeguarding").is_visible()
    page.wait_for_timeout(300)
    disclose(app, "my dad hits me")
    rows(page).first.wait_for(timeout=5000)
    assert "Abuse" in rows(page).first.inner_text()
    assert page.evaluate("window.soundsPlayed") == 0  # the sound was left off
    assert axe_violations(page, context="#safeguarding") == []
    audio = page.request.get(url + "/console/static/safeguarding-alert.wav")
    assert audio.ok and audio.headers["content-type"].startswith("audio/")
