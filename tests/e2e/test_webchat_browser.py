"""The webchat in a real browser (Debian's Chromium under Playwright) against a live app server.

The assistant is switched off here, so the chat triages by its buttons (the same routing as with
the assistant); the assistant's own journeys are in test_webchat_rasa.py. Screenshots are kept
under test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import pytest

from app import create_app
from ivr.chat.config import load_chat_config
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    live_server,
    moving_clock,
    screenshot,
)

pytestmark = BROWSER_TEST
TIMEOUT = 10_000


@pytest.fixture
def base_url(settings, redis_client):
    config = load_chat_config().model_copy(update={"stream_seconds": 5})
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING), chat_config=config)
    with live_server(app) as url:
        yield url


@pytest.fixture
def page(pages, base_url):
    return pages(base_url + "/", width=1000, height=800, timeout_ms=TIMEOUT)


def open_chat(page):
    page.get_by_role("button", name="Chat with us").click()
    expect_line(page, "What can we help you with today?")


def expect_line(page, text: str):
    """Wait until the conversation log shows `text` (as text)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("log", name="Conversation")).to_contain_text(text)


def reply(page, title: str):
    page.get_by_role("group", name="Quick replies").get_by_role("button", name=title).click()


def type_message(page, text: str):
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


JOURNEYS = [
    # (name, steps, what the customer finally reads)
    ("adult-advice", [("reply", "Careers advice"), ("reply", "19 or over"), ("type", "M1 1AE")],
     "waiting for an adviser from the contact centre"),                       # 001:5.3, 000:L68
    ("young-person", [("reply", "Careers advice"), ("type", "15")],
     "waiting for an adviser from the young people's team"),                  # 001:5.2, 5.4
    ("information", [("reply", "Information about careers or learning"), ("type", "42")],
     "an adviser from the contact centre can help"),                          # 001:5.5
    ("face-to-face", [("reply", "A face-to-face appointment"), ("reply", "19 or over"),
                      ("type", "LS1 4AP"), ("type", "07700 900123")],
     "Yorkshire and the Humber prime contractor will contact you by"),        # 001:5.6, 000:L81
    ("complaint", [("reply", "A complaint or feedback")],
     "waiting for an adviser who handles complaints"),                        # 001:32.2
]


@pytest.mark.parametrize(("name", "steps", "outcome"), JOURNEYS, ids=[j[0] for j in JOURNEYS])
def test_a_full_conversation_reaches_each_destination(page, name, steps, outcome):
    open_chat(page)
    for kind, value in steps:
        reply(page, value) if kind == "reply" else type_message(page, value)
    expect_line(page, outcome)
    screenshot(page, f"webchat-{name}")


def test_a_reload_keeps_the_conversation(page):
    open_chat(page)
    reply(page, "Careers advice")
    type_message(page, "I am 34")
    expect_line(page, "What is your postcode?")
    type_message(page, "NE1 4ST")
    # The turn's last line: the widget shows a turn's lines one by one, so wait for the whole turn.
    expect_line(page, "ask for a callback instead")
    before = page.get_by_role("log", name="Conversation").inner_text()
    page.reload()
    expect_line(page, "ask for a callback instead")
    # The same conversation, the customer's own words now as the service keeps them: the widget
    # writes nothing they typed to the host website's storage, so a reload shows them redacted.
    after = page.get_by_role("log", name="Conversation").inner_text()
    assert after == before.replace("NE1 4ST", "[postcode]")
    from playwright.sync_api import expect

    expect(page.get_by_role("status")).to_contain_text("You are number 1 in the queue")


def test_the_customer_sees_what_they_typed_while_the_stored_copy_is_redacted(page, redis_client):
    open_chat(page)
    reply(page, "A face-to-face appointment")
    reply(page, "19 or over")
    type_message(page, "LS1 4AP")
    expect_line(page, "LS1 4AP")
    log = page.get_by_role("log", name="Conversation")
    assert "[postcode]" not in log.inner_text()
    stored = " ".join(str(redis_client.xrange(name)) for name in redis_client.scan_iter("ct:chat:*")
                      if redis_client.type(name) == "stream")
    assert "[postcode]" in stored and "LS1 4AP" not in stored  # only the stored copy is redacted
    # The host website's storage holds the session id and nothing the customer typed.
    kept = page.evaluate("JSON.stringify(Object.assign({}, sessionStorage, localStorage))")
    assert "LS1 4AP" not in kept and "19 or over" not in kept
    page.reload()
    expect_line(page, "[postcode]")  # after a reload the conversation resumes, redacted
    assert "LS1 4AP" not in log.inner_text()


def test_keyboard_only_use_with_visible_focus(page):
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Chat with us":
            break
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect_line(page, "What can we help you with today?")
    assert page.evaluate("document.activeElement.id") == "ncs-chat-input"
    page.keyboard.type("advice please")
    page.keyboard.press("Enter")
    expect_line(page, "How old are you?")
    page.keyboard.press("Tab")  # from the message box to the Send button, then the quick replies
    while page.evaluate("document.activeElement.textContent") != "19 or over":
        page.keyboard.press("Shift+Tab")
    assert _focus_is_visible(page)
    page.keyboard.press("Enter")
    expect_line(page, "What is your postcode?")
    page.keyboard.type("LS1 4AP")
    page.keyboard.press("Enter")
    expect_line(page, "waiting for an adviser")
    page.keyboard.press("Escape")  # minimises and gives focus back to the launcher
    assert page.evaluate("document.activeElement.textContent") == "Chat with us"


def _focus_is_visible(page) -> bool:
    style = page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
                                     return [s.outlineStyle, s.outlineWidth]; }""")
    return style[0] != "none" and float(style[1].removesuffix("px")) >= 2


def test_typed_markup_is_shown_as_text_and_never_run(page):
    open_chat(page)
    attack = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    type_message(page, attack)
    expect_line(page, attack)
    assert page.evaluate("window.pwned") is None
    assert page.locator(".ncs-chat-log img, .ncs-chat-log script").count() == 0


def test_the_customer_can_download_and_end_the_chat(page):
    open_chat(page)
    reply(page, "Careers advice")
    expect_line(page, "How old are you?")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the conversation").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert "You: Careers advice" in text and "How old are you?" in text
    page.get_by_role("button", name="End the chat").click()
    expect_line(page, "You ended the chat.")
    from playwright.sync_api import expect

    expect(page.get_by_role("button", name="Start a new chat")).to_be_visible()


def test_no_serious_or_critical_accessibility_violations(page, base_url):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache: run scripts/browser.sh (make test does)")
    open_chat(page)
    reply(page, "Careers advice")
    expect_line(page, "How old are you?")
    assert axe_violations(page) == []


def test_text_scales_to_200_percent_without_losing_the_chat(page):
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    open_chat(page)
    reply(page, "Careers advice")
    expect_line(page, "How old are you?")
    panel = page.locator("#ncs-chat-panel")
    box = panel.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1000  # inside the viewport
    assert page.evaluate("(p) => p.scrollWidth <= p.clientWidth", panel.element_handle())
    page.get_by_label("Your message").focus()
    assert page.get_by_role("button", name="Send", exact=True).is_visible()
    screenshot(page, "webchat-text-200-percent")
