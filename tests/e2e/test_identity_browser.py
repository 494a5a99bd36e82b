"""The identity step in Chromium: a returning customer on the widget, the adviser's desk gate.

The customer's first chat made their record and memorable number; on a second chat in the widget
they give their details but not the right number, so the desk shows only that a record was found.
The adviser checks the number the customer tells them and then sees the past contact (001:7.3).
"""

from __future__ import annotations

import pytest

from tests.e2e.test_console_browser import TIMEOUT, no_serious_findings, sign_in
from tests.support.browser import WEEKDAY_MORNING, chromium_available, moving_clock
from tests.support.console import make_user
from tests.support.emulator import live_voice_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium (Debian's)"),
]
DETAILS = ("Okafor", "Ngozi", "01/02/1990", "LS1 4AP")


@pytest.fixture
def live(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings.model_copy(update={"identity_checks": True}),
                        voice_clock=clock, chat_clock=clock) as live:
        make_user(live.app, "sam", "adviser", endpoint="client:sam",
                  queues=["adult_digital_advice"])
        yield live


def _first_chat(app) -> None:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("/chat_need advice", "30", "M1 1AE", *DETAILS, "482193"):
        client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
    client.delete(f"/api/chat/sessions/{session_id}")


def test_the_desk_shows_past_contacts_only_after_the_adviser_checks_the_number(pages, live):
    from playwright.sync_api import expect

    _first_chat(live.app)
    site = pages(live.app_url + "/", timeout_ms=TIMEOUT)
    site.get_by_role("button", name="Chat with us").click()
    quick = site.get_by_role("group", name="Quick replies")
    quick.get_by_role("button", name="Careers advice").click()
    quick.get_by_role("button", name="19 or over").click()
    message = site.get_by_label("Your message")
    message.fill("M1 1AE")
    message.press("Enter")
    conversation = site.get_by_role("log", name="Conversation")
    expect(conversation).to_contain_text("What is your surname?")
    expect(quick.get_by_role("button", name="No thanks")).to_be_visible()
    for text in (*DETAILS, "11112222"):  # a wrong number, not told as wrong
        message.fill(text)
        message.press("Enter")
        site.wait_for_timeout(300)
    expect(conversation).to_contain_text("adviser will go through your record", timeout=TIMEOUT)
    no_serious_findings(site)

    desk = pages(live.app_url + "/console/login", timeout_ms=TIMEOUT)
    sign_in(desk)
    desk.get_by_role("button", name="Go Available").click()
    record = desk.locator("#pop-record")
    expect(record).to_have_text("Found, not yet checked: ask for their memorable number")
    expect(desk.locator("#pop-history")).to_be_empty()
    no_serious_findings(desk)
    desk.get_by_label("Memorable number the customer gives you").fill("482193")
    desk.get_by_role("button", name="Check").click()
    expect(record).to_contain_text("Checked: ngozi okafor, born 1990-02-01")
    expect(desk.locator("#pop-history")).to_contain_text("webchat")
    expect(desk.locator("#record-check")).to_be_hidden()
    no_serious_findings(desk)
