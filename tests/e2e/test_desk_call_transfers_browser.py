"""The Transfer menu on a live call, in Chromium under Playwright with axe-core, the call played by
the Twilio emulator: the menu opens by keyboard, lists the nine prime contractors with the
customer's own first, a warm transfer to a contractor who answers ends with the adviser leaving
the customer and contractor together, and the wrap-up starts at the outcome the transfer set.
"""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user
from tests.support.emulator import eventually, live_voice_app
from tests.support.twilio import set_facts

pytestmark = BROWSER_TEST
TIMEOUT = 15_000
NORTH_WEST_LINE = "+441614960002"


@pytest.fixture
def live(settings, redis_client):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache (scripts/browser.sh puts it there)")
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock,
                        callback_clock=clock) as live:
        make_user(live.app, "sam", "adviser", endpoint="client:sam",
                  queues=["adult_information"])
        yield live


def test_a_warm_transfer_from_the_transfer_menu_by_keyboard(pages, live):
    from playwright.sync_api import expect

    desk = pages(live.app_url + "/console/login", timeout_ms=TIMEOUT)
    desk.get_by_label("Username").fill("sam")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_role("button", name="Go Available").click()
    expect(desk.locator("#presence-status")).to_have_text("Available")

    customer = live.emulator.phone(from_="+441134960123")
    customer.settle()
    customer.press("45")
    customer.press("2")
    adviser = live.emulator.ringing("client:sam")
    adviser.answer()
    adviser.press("1")
    customer.wait_for("conference")
    set_facts(live.app, customer.sid, postcode="M1 1AE")

    toggle = desk.get_by_role("button", name="Transfer", exact=True)
    expect(toggle).to_be_visible()
    toggle.focus()
    desk.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    contractor = desk.get_by_label("Prime contractor")
    expect(contractor).to_be_focused()
    expect(contractor.locator("option")).to_have_count(9)
    expect(contractor.locator("option").first).to_have_text(
        re.compile(r"North West.*customer's area"))
    assert axe_violations(desk) == []

    desk.keyboard.press("Tab")
    expect(desk.get_by_role("button", name=re.compile("Warm transfer"))).to_be_focused()
    desk.keyboard.press("Enter")
    status = desk.locator("#call-transfer-status")
    expect(status).to_contain_text("Dialling the North West prime contractor")
    eventually(lambda: customer.info()["hold"])
    line = live.emulator.ringing(NORTH_WEST_LINE)
    line.answer()
    line.wait_heard("A warm transfer from a National Careers Service adviser")
    leave = desk.get_by_role("button", name="Leave the customer with them")
    expect(leave).to_be_focused(timeout=TIMEOUT)
    desk.keyboard.press("Enter")
    expect(status).to_contain_text("are connected")
    adviser.wait_for("completed")
    expect(desk.locator("#wrap")).to_be_visible(timeout=TIMEOUT)
    expect(desk.get_by_label("Outcome")).to_have_value("referred_to_prime_contractor")
    assert axe_violations(desk) == []
    # Set on the server too: a reloaded desk starts the wrap-up at the same outcome.
    desk.reload()
    expect(desk.get_by_label("Outcome")).to_have_value("referred_to_prime_contractor",
                                                        timeout=TIMEOUT)
    customer.hang_up()
