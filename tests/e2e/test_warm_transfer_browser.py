"""The incoming warm transfer panel in a real browser (Debian's Chromium under Playwright, axe-core
checks), with the call played by the Twilio emulator: two North West advisers see the pop while
the line rings, one accepts, their phone rings and the caller is bridged, and the panel goes for
both (one on the worklist, one on another console page); a London adviser's page never shows
it. Screenshots go to test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.support.browser import (
    axe_script,
    axe_violations,
    chromium_available,
    screenshot,
)
from tests.support.console import PASSWORD, make_user
from tests.support.emulator import live_voice_app
from tests.support.twilio import WEEKDAY_MORNING, kinds, set_facts

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium (Debian's)"),
]
TIMEOUT = 15_000
NORTH_WEST_LINE = "+441614960002"


@pytest.fixture
def live(settings, redis_client):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache (scripts/browser.sh puts it there)")
    with live_voice_app(settings, WEEKDAY_MORNING) as live:
        live.app.config["CALLBACK_STREAM_SECONDS"] = 20
        make_user(live.app, "anna", "contractor_adviser", contractor="north-west",
                  endpoint="+441614960101")
        make_user(live.app, "ben", "contractor_adviser", contractor="north-west",
                  endpoint="+441614960102")
        make_user(live.app, "lena", "contractor_adviser", contractor="london",
                  endpoint="+442079460101")
        yield live


def _signed_in(browser, url, name, path="/console/callbacks"):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/console/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/console/**", timeout=TIMEOUT)
    page.goto(url + path)
    page.wait_for_timeout(700)  # the live stream is open
    return context, page


def test_the_incoming_transfer_panel_pops_is_accessible_and_accept_bridges(browser, live):
    from playwright.sync_api import expect

    anna, anna_page = _signed_in(browser, live.app_url, "anna")
    ben, ben_page = _signed_in(browser, live.app_url, "ben", "/console/")  # any console page
    lena, lena_page = _signed_in(browser, live.app_url, "lena")
    assert anna_page.locator("#incoming").is_hidden()
    call = live.emulator.phone(from_="+441134960123")
    call.settle()
    set_facts(live.app, call.sid, postcode="M1 1AE")
    call.press("45")
    call.press("2")
    live.emulator.ringing(NORTH_WEST_LINE)
    for page in (anna_page, ben_page):
        page.wait_for_selector("#incoming article.transfer", timeout=TIMEOUT)
    panel = anna_page.inner_text("#incoming")
    assert "Incoming warm transfer" in panel and "aged 45" in panel
    assert "prime contractor advice" in panel and "Ringing for" in panel
    assert "Incoming warm transfer" in anna_page.inner_text("#incoming-status")
    assert ".." not in panel
    assert axe_violations(anna_page) == []
    screenshot(anna_page, "warm-transfer-incoming")
    assert "aged 45" in ben_page.inner_text("#incoming")
    assert axe_violations(ben_page) == []
    assert lena_page.locator("#incoming").is_hidden()
    assert call.sid not in lena_page.content()
    # It alerts until taken: the title flashes, and a banner stands in for a notification.
    expect(anna_page).to_have_title(re.compile("^● New warm transfer — "), timeout=TIMEOUT)
    expect(anna_page.locator("#alert-banner")).to_contain_text("● New warm transfer")
    anna_page.locator("body").press("Alt+KeyA")  # accepted by keyboard
    anna_page.wait_for_selector("text=Your phone is ringing", timeout=TIMEOUT)
    expect(anna_page.locator("#alert-banner")).to_be_hidden()
    expect(anna_page).not_to_have_title(re.compile("●"))
    phone = live.emulator.ringing("+441614960101")
    phone.answer()
    call.wait_for("bridged")
    for page in (anna_page, ben_page):
        page.wait_for_selector("#incoming", state="hidden", timeout=TIMEOUT)
    assert axe_violations(anna_page) == []
    screenshot(anna_page, "warm-transfer-accepted")
    call.hang_up()
    assert "transferred" in kinds(live.app, call.sid)
    for context in (anna, ben, lena):
        context.close()
