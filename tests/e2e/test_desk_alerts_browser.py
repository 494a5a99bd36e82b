"""Alerts, timers and Away reasons on the adviser's desk, in Chromium.

An offered chat rings (the ring's play() is called: the sound itself is not judged), flashes the
tab's title and, with desktop notifications not granted in this browser, shows the banner; Alt+A
takes it by keyboard, which stops all three; time waited and handle time run on, the wrap-up
counts down, and the Away reason is chosen by keyboard. Every view passes axe-core.
"""

from __future__ import annotations

import re
import time

import pytest

from console.config import default_console_config
from tests.integration.test_console_desk import chat_to_queue
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    live_server,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST
TIMEOUT = 15_000
# Counts the ring's play() calls before any page script runs (the sound is not the point).
SPY_ON_PLAY = """
window.__plays = 0;
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () { window.__plays += 1; return play.call(this); };
"""


@pytest.fixture
def live(settings, redis_client):
    from app import create_app

    clock = moving_clock(WEEKDAY_MORNING)
    app = create_app(settings, voice_clock=clock, chat_clock=clock)
    app.extensions["console_config"] = default_console_config().model_copy(
        update={"heartbeat_seconds": 1, "wrap_up_seconds": 5})
    make_user(app, "sam", "adviser", endpoint="client:sam", queues=["adult_digital_advice"])
    with live_server(app) as url:
        yield app, url


def no_serious_findings(page):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache: run scripts/browser.sh (make test does)")
    assert axe_violations(page) == []


def eventually(check, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time allowed"
        time.sleep(0.1)


def seconds_of(text: str) -> int:
    found = re.fullmatch(r"(?:(\d+) min )?(\d+) s", text.strip())
    assert found, text
    return int(found.group(1) or 0) * 60 + int(found.group(2))


def test_an_offered_chat_alerts_until_taken_by_keyboard_and_the_timers_run(pages, live):
    from playwright.sync_api import expect

    app, url = live
    desk = pages(timeout_ms=TIMEOUT)
    desk.context.add_init_script(SPY_ON_PLAY)
    # Notifications refused for the site, as a person who clicked Block would have them.
    cdp = desk.context.new_cdp_session(desk)
    context_id = cdp.send("Target.getTargetInfo")["targetInfo"]["browserContextId"]
    cdp.send("Browser.setPermission", {"permission": {"name": "notifications"},
                                       "setting": "denied", "origin": url,
                                       "browserContextId": context_id})
    desk.goto(url + "/console/login")
    desk.get_by_label("Username").fill("sam")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    title = desk.title()
    assert desk.evaluate("Notification.permission") == "denied"
    desk.get_by_text("Alert settings and keyboard shortcuts").click()
    expect(desk.locator("#alert-permission")).to_have_text(
        "Desktop notifications are refused in this browser: offers show in a banner on this page.")
    expect(desk.get_by_role("button", name="Turn on desktop notifications")).to_be_hidden()
    expect(desk.locator(".shortcuts")).to_contain_text("Alt+A")
    desk.get_by_role("button", name="Go Available").click()
    expect(desk.locator("#presence-status")).to_have_text("Available")
    banner = desk.locator("#alert-banner")
    expect(banner).to_be_hidden()

    _, chat = chat_to_queue(app)
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(re.compile(r"● New chat — Chat, adult digital advice queue"))
    expect(desk.locator("#contacts-news")).to_contain_text("Accept with Alt+A, decline with Alt+N")
    # The title flashes: the offer, the page's own title, the offer again.
    expect(desk).to_have_title(re.compile("^● New chat — Chat, adult digital advice queue"))
    expect(desk).to_have_title(title)
    expect(desk).to_have_title(re.compile("^● New chat — "))
    eventually(lambda: desk.evaluate("window.__plays") >= 1)  # the page's CSP forbids eval
    ring = desk.locator("#alert-ring")
    expect(ring).to_have_attribute("data-state", re.compile("playing|refused"))
    expect(desk.locator("#pop-offer")).to_be_visible()
    expect(desk.locator("#pop-handled")).to_have_text(re.compile("Not taken yet"))
    no_serious_findings(desk)

    desk.locator("body").press("Alt+KeyA")  # the shortcut, from anywhere on the page
    expect(banner).to_be_hidden()
    expect(desk.locator("#pop-offer")).to_be_hidden()
    expect(desk.locator("#contacts-news")).to_contain_text("Accepted.")
    expect(ring).to_have_attribute("data-state", "stopped")
    expect(desk).to_have_title(title)
    plays = desk.evaluate("window.__plays")
    assert app.extensions["redis"].hget(f"ct:assigned:{chat}", "taken")  # taken on the server

    # Both timers run on: time waited and the handle time since it was taken.
    waited, handled = desk.locator("#pop-waited"), desk.locator("#pop-handled")
    first_waited, first_handled = seconds_of(waited.inner_text()), seconds_of(handled.inner_text())
    desk.wait_for_timeout(3200)  # the server rounds to whole seconds at each heartbeat
    assert seconds_of(waited.inner_text()) >= first_waited + 2
    assert seconds_of(handled.inner_text()) >= first_handled + 2
    assert desk.evaluate("window.__plays") == plays  # no more ringing once taken
    assert desk.title() == title

    # The chat ends: the wrap-up time (5 s here) counts down.
    desk.get_by_role("button", name="End the chat").click()
    countdown = desk.locator("#wrap-countdown")
    expect(countdown).to_have_text(re.compile(r"Wrap-up time left: [1-5] s"))
    start = seconds_of(countdown.inner_text().split(": ")[1].split(".")[0])
    expect(countdown).not_to_have_text(re.compile(rf"left: {start} s"))
    desk.get_by_label("Outcome").select_option("advice_given")
    desk.get_by_role("button", name="Finish wrap-up").click()
    expect(desk.locator("#wrap")).to_be_hidden()

    # Away needs a reason; the picker works by keyboard alone.
    reason = desk.get_by_label("Reason for going Away")
    go_away = desk.get_by_role("button", name="Go Away")
    go_away.focus()
    desk.keyboard.press("Enter")
    expect(desk.locator("#desk-message")).to_have_text("Choose why you are going Away.")
    expect(reason).to_be_focused()
    desk.keyboard.press("ArrowDown")
    desk.keyboard.press("ArrowDown")  # Choose a reason → Break → Lunch
    expect(reason).to_have_value("lunch")
    desk.keyboard.press("Tab")
    expect(go_away).to_be_focused()
    desk.keyboard.press("Enter")
    expect(desk.locator("#presence-status")).to_have_text("Away")
    expect(desk.locator("#presence-detail")).to_have_text("(Lunch)")
    no_serious_findings(desk)
