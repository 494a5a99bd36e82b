"""The privacy notice, the other ways in and the language choice in Chromium: keyboard and axe.

The privacy page, the links at the foot of the forms and in the webchat widget, and the widget's
"Another language" choice: each reached by the keyboard alone, with no serious or critical
axe-core finding (000:L83; 001:3.1; 000:L47, L129).
"""

from __future__ import annotations

import pytest

from app import create_app
from ivr.chat.config import load_chat_config
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_violations,
    live_server,
    moving_clock,
    screenshot,
)

pytestmark = BROWSER_TEST
TIMEOUT = 10_000
PRIVACY_LINK = "How we use your information (privacy notice)"


@pytest.fixture
def base_url(settings, redis_client):
    config = load_chat_config().model_copy(update={"stream_seconds": 5})
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING), chat_config=config)
    with live_server(app) as url:
        yield url


def _tab_to(page, text: str, limit: int = 40) -> None:
    """Press Tab until the focused element's text is `text` (fails when it never is)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text!r} was not reached by the keyboard")


def test_the_privacy_page_reads_well_and_works_by_keyboard(pages, base_url):
    page = pages(base_url + "/privacy", width=900, height=900, timeout_ms=TIMEOUT)
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice"
    assert "Welfare Reform Act 2009" in page.inner_text("main")
    assert axe_violations(page) == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    _tab_to(page, "Contact us in BSL (video relay)")
    screenshot(page, "privacy-page")


@pytest.mark.parametrize("path", ["/call-me", "/enquiry"])
def test_the_forms_link_the_notice_and_the_other_ways_in_by_keyboard(pages, base_url, path):
    page = pages(base_url + path, width=900, height=900, timeout_ms=TIMEOUT)
    assert axe_violations(page) == []
    _tab_to(page, "About Relay UK")
    _tab_to(page, "Contact us in BSL (video relay)")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == PRIVACY_LINK
    page.keyboard.press("Enter")
    page.wait_for_url(base_url + "/privacy")
    assert page.get_by_role("heading", level=1).inner_text() == "Privacy notice"


def test_the_widget_links_the_notice_and_offers_another_language_by_keyboard(pages, base_url):
    from playwright.sync_api import expect

    page = pages(base_url + "/", width=1000, height=900, timeout_ms=TIMEOUT)
    _tab_to(page, "Chat with us")
    page.keyboard.press("Enter")
    log = page.get_by_role("log", name="Conversation")
    expect(log).to_contain_text("What can we help you with today?")
    notices = page.get_by_role("list", name="Your information and other ways to contact us")
    expect(notices.get_by_role("link", name=PRIVACY_LINK)).to_have_attribute(
        "href", base_url + "/privacy")
    expect(notices).to_contain_text("dial 18001 then 0800 100 900")
    assert axe_violations(page, context="#ncs-chat-panel") == []
    # Keyboard: from the message box, onwards to the language choice, then back to the links.
    _tab_to(page, "Another language")
    page.keyboard.press("Enter")
    replies = page.get_by_role("group", name="Quick replies")
    expect(replies.get_by_role("button", name="Polski (Polish)")).to_be_visible()
    assert axe_violations(page, context="#ncs-chat-panel") == []
    replies.get_by_role("button", name="Polski (Polish)").focus()
    page.keyboard.press("Enter")
    expect(log).to_contain_text("an adviser from the language lines")
    screenshot(page, "webchat-language-line")
    page.get_by_role("button", name="Minimise the chat").focus()
    _tab_to(page, PRIVACY_LINK)
