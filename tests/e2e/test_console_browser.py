"""The staff console in Chromium: sign in, presence, a call popping up, the chat desk, wrap-up.

The app is served over HTTP behind the Twilio emulator; the customer phones through the emulator
and chats through the widget in a second page. Every page passes axe-core with no serious or
critical findings. The screenshots are the README's (docs/console-*.png).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user
from tests.support.emulator import live_voice_app

pytestmark = BROWSER_TEST
TIMEOUT = 15_000
DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.fixture
def live(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock) as live:
        make_user(live.app, "sam", "adviser", endpoint="client:sam",
                  queues=["young_people", "adult_digital_advice"])
        yield live


def no_serious_findings(page):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache: run scripts/browser.sh (make test does)")
    assert axe_violations(page) == []


def shot(page, name):
    page.screenshot(path=str(DOCS / f"{name}.png"), full_page=True)


def sign_in(page):
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_adviser_signs_in_goes_available_answers_a_call_and_takes_a_chat(pages, live):
    from playwright.sync_api import expect

    desk = pages(live.app_url + "/console/login", timeout_ms=TIMEOUT)
    no_serious_findings(desk)
    shot(desk, "console-sign-in")
    sign_in(desk)
    expect(desk.get_by_role("heading", name="Desk")).to_be_visible()
    status = desk.locator("#presence-status")
    expect(status).to_have_text("Away")
    desk.get_by_role("button", name="Go Available").click()
    expect(status).to_have_text("Available")
    desk.reload()  # presence is kept on the server
    expect(status).to_have_text("Available")
    no_serious_findings(desk)

    # A 16-year-old phones for advice and waits in the young people's queue.
    customer = live.emulator.phone()
    customer.settle()
    customer.press("16")  # a young person is not asked their need: queued at once (001:5.2)
    ringing = live.emulator.ringing("client:sam")
    pop = desk.locator("#pop")
    expect(pop).to_be_visible()
    expect(desk.locator("#pop-channel")).to_have_text("Phone call")
    expect(desk.locator("#pop-facts")).to_contain_text("age: 16")
    expect(desk.locator("#pop-destination")).to_have_text("young people service")
    expect(desk.locator("#pop-concern")).to_have_text("None raised")  # no safeguarding concern
    expect(status).to_have_text("Busy")
    assert "young person, 16, waited" in " ".join(ringing.answer())
    ringing.press("1")
    customer.wait_for("conference")
    no_serious_findings(desk)
    shot(desk, "console-call-screen-pop")
    customer.hang_up()
    expect(desk.locator("#wrap")).to_be_visible()
    expect(status).to_have_text("in Wrap-up")
    desk.get_by_label("Outcome").select_option("advice_given")
    desk.get_by_label("Note (optional").fill("Talked through college courses; he mentioned prison")
    # The course search link confirmed by text to the mobile the customer agreed to (000:L21).
    desk.get_by_label("Finding a course (course search)").check()
    desk.get_by_label("Text to a UK mobile").check()
    desk.get_by_label("The mobile number or e-mail address").fill("07400 123456")
    desk.get_by_label("The customer agreed to be contacted").check()
    no_serious_findings(desk)
    shot(desk, "console-wrap-up")
    desk.get_by_role("button", name="Finish wrap-up").click()
    expect(desk.get_by_role("alert")).to_contain_text("Restricted words were removed")
    expect(desk.get_by_role("alert")).to_contain_text("confirmed by text")
    expect(status).to_have_text("Available")

    # A chat: the customer asks for advice on the website and the desk takes it.
    site = pages(live.app_url + "/", timeout_ms=TIMEOUT)
    site.get_by_role("button", name="Chat with us").click()
    quick = site.get_by_role("group", name="Quick replies")
    quick.get_by_role("button", name="Careers advice").click()
    quick.get_by_role("button", name="19 or over").click()
    site.get_by_label("Your message").fill("M1 1AE")  # where they live, before advice (000:L68)
    site.get_by_label("Your message").press("Enter")
    expect(desk.locator("#pop-channel")).to_have_text("Webchat")
    site.get_by_label("Your message").fill("I want to change career")
    site.get_by_label("Your message").press("Enter")
    expect(desk.locator("#pop-channel")).to_have_text("Webchat")
    log = desk.get_by_role("log", name="Conversation with the customer")
    expect(log).to_contain_text("I want to change career")
    desk.get_by_label("Your reply").fill("Hello, I am Sam. What work do you do now?")
    desk.get_by_role("button", name="Send reply").click()
    conversation = site.get_by_role("log", name="Conversation")
    expect(conversation).to_contain_text("What work do you do now?")
    # A canned answer is put in the reply box to read (and edit); Send reply sends it.
    desk.get_by_label("Canned answer").select_option(label="Greeting")
    expect(desk.get_by_label("Your reply")).to_have_value(re.compile("talking to an adviser"))
    desk.get_by_role("button", name="Send reply").click()
    expect(conversation).to_contain_text("talking to an adviser from the National")
    no_serious_findings(desk)
    shot(desk, "console-chat-desk")
    desk.get_by_role("button", name="End the chat").click()
    expect(conversation).to_contain_text("The adviser has ended the chat.")
    expect(desk.locator("#wrap")).to_be_visible()
    desk.get_by_label("Outcome").select_option("advice_given")
    desk.get_by_role("button", name="Finish wrap-up").click()
    deadline = time.monotonic() + 10
    while status.inner_text() != "Available" and time.monotonic() < deadline:
        time.sleep(0.2)
    expect(status).to_have_text("Available")
