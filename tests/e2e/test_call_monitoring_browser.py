"""Listen, coach, barge and leave on the adviser board, in Chromium under Playwright with
axe-core, the call played by the Twilio emulator: the board offers Listen, Coach and Barge for an
adviser on a phone call; by keyboard the supervisor listens, answers their phone, switches to
coaching and leaves, the board saying which mode they are in, and the call goes on."""

from __future__ import annotations

import pytest

from tests.integration.test_desk_call_transfers import on_a_call
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_violations,
    moving_clock,
    screenshot,
)
from tests.support.console import PASSWORD, make_user
from tests.support.emulator import eventually, live_voice_app

pytestmark = BROWSER_TEST
TIMEOUT = 15_000


@pytest.fixture
def live(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock,
                        callback_clock=clock) as live:
        make_user(live.app, "sue", "supervisor", endpoint="client:sue")
        yield live


def cell(page, name):
    return page.locator(f"#board tbody tr:has(th:text-is('{name}')) td").last


def test_a_supervisor_listens_coaches_and_leaves_from_the_board_by_keyboard(pages, live):
    from playwright.sync_api import expect

    _sam, customer, adviser_leg = on_a_call(live)
    page = pages(live.app_url + "/console/login", width=1300, height=900, timeout_ms=TIMEOUT)
    page.fill("#username", "sue")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(live.app_url + "/console/")
    page.click("nav >> text=Advisers")
    page.wait_for_url(live.app_url + "/console/advisers")
    for mode in ("Listen", "Coach", "Barge"):
        expect(page.get_by_role("button", name=f"{mode} sam's call")).to_be_visible()
    assert page.get_by_role("button", name="Leave sam's call").count() == 0
    assert axe_violations(page) == []

    page.get_by_role("button", name="Listen sam's call").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/advisers?done=*")
    expect(page.get_by_role("status")).to_contain_text("Your phone is ringing")
    expect(cell(page, "sam")).to_contain_text("You are listening")
    expect(cell(page, "sam")).to_contain_text("(your phone is ringing)")
    phone = live.emulator.ringing("client:sue")
    phone.answer()
    phone.wait_for("conference")
    # The next poll redraws the row: joined, and it is announced.
    expect(cell(page, "sam")).not_to_contain_text("ringing", timeout=TIMEOUT)
    expect(page.locator("#board-changes")).to_contain_text("you are listening",
                                                           timeout=TIMEOUT)
    assert page.get_by_role("button", name="Listen sam's call").count() == 0
    assert axe_violations(page) == []
    screenshot(page, "adviser-board-listening")

    page.get_by_role("button", name="Coach sam's call").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/advisers?done=*")
    expect(page.get_by_role("status")).to_contain_text("now coaching")
    expect(cell(page, "sam")).to_contain_text("You are coaching")
    assert eventually(lambda: phone.info()["coaching"])
    phone.say("Ask what they enjoy")
    adviser_leg.wait_heard("what they enjoy")
    assert not any("what they enjoy" in said for said in customer.heard)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Leave sam's call").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/advisers?done=*")
    expect(page.get_by_role("status")).to_contain_text("You have left sam's call")
    phone.wait_for("completed")
    expect(page.get_by_role("button", name="Listen sam's call")).to_be_visible()
    customer.say("Thank you")
    adviser_leg.wait_heard("Thank you")
    assert axe_violations(page) == []

    # The call ends before the board has redrawn: Listen is refused with a reason. (The form is
    # the button's own, sent by script so that a redraw in between cannot take it away.)
    action = page.get_by_role("button", name="Listen sam's call").locator(
        "xpath=ancestor::form").get_attribute("action")
    customer.hang_up()
    page.evaluate("""action => {
        const form = document.createElement("form");
        form.method = "post"; form.action = action;
        for (const [name, value] of [["csrf_token",
            document.querySelector('meta[name="csrf-token"]').content], ["mode", "listen"]]) {
          const input = document.createElement("input");
          input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
    }""", action)
    page.wait_for_url("**/console/advisers/*/monitor")
    expect(page.get_by_role("alert")).to_contain_text("sam")
    assert page.locator("h1").inner_text() == "Cannot join the call"
    assert axe_violations(page) == []
    page.get_by_role("link", name="Back to the adviser board").click()
    page.wait_for_url(live.app_url + "/console/advisers")
