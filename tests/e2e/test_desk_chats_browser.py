"""Several chats at once on the desk, in Chromium: a chat not on screen counts its customer's
messages as unread; Enter sends and Shift+Enter starts a new line; "/" finds a canned answer.
axe-core clean with the unread count and the canned list showing."""

from __future__ import annotations

import re
import time

import pytest

from console.config import default_console_config
from ivr.chat.store import ChatStore
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_violations,
    live_server,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST
TIMEOUT = 15_000
WORDS = "my friend has told me she's going to end her life tonight, she's planned it all"


@pytest.fixture
def live(settings, redis_client):
    from app import create_app

    clock = moving_clock(WEEKDAY_MORNING)
    app = create_app(settings, voice_clock=clock, chat_clock=clock)
    app.extensions["console_config"] = default_console_config().model_copy(
        update={"heartbeat_seconds": 2})
    make_user(app, "sam", "adviser", endpoint="client:sam", queues=["safeguarding"])
    with live_server(app) as url:
        yield app, url


def _chat(app) -> tuple:
    customer = app.test_client()
    session_id = customer.post("/api/chat/sessions").get_json()["session_id"]
    customer.post(f"/api/chat/sessions/{session_id}/messages", json={"text": WORDS})
    return customer, session_id


def _heard(app, session_id) -> list[str]:
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=200)
    return [line["text"] for line in store.transcript(session_id)]


def test_two_chats_unread_counts_enter_to_send_and_canned_by_slash(pages, live):
    from playwright.sync_api import expect

    app, url = live
    desk = pages(url + "/console/login", timeout_ms=TIMEOUT)
    desk.get_by_label("Username").fill("sam")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    desk.get_by_role("button", name="Go Available").click()
    _chat(app)
    contacts = desk.locator("#contacts li")
    expect(contacts).to_have_count(1)
    expect(desk.locator("#pop")).to_be_visible()  # the first chat opens on screen
    other, other_id = _chat(app)
    expect(contacts).to_have_count(2)
    on_screen = desk.evaluate("document.getElementById('pop').dataset.member")
    shown = [c for c in contacts.all() if c.get_attribute("data-member") != on_screen][0]

    # The chat not on screen counts what its customer says, from its first words.
    expect(shown.locator(".unread")).to_have_text("1 unread")
    time.sleep(2.2)  # what the customer says later is announced too (their first words are not)
    other.post(f"/api/chat/sessions/{other_id}/messages", json={"text": "are you still there?"})
    other.post(f"/api/chat/sessions/{other_id}/messages", json={"text": "hello?"})
    expect(shown.locator(".unread")).to_have_text("3 unread")
    expect(desk.locator("#contacts-news")).to_contain_text("New message in Chat")
    assert axe_violations(desk) == []

    # Opened, its messages are there and the count is gone.
    shown.get_by_role("button").click()
    expect(desk.locator("#pop-transcript")).to_contain_text("hello?")
    expect(shown.locator(".unread")).to_be_hidden()

    # Enter sends; Shift+Enter is a new line within the reply.
    reply = desk.get_by_label("Your reply")
    reply.fill("I am here.")
    reply.press("Shift+Enter")
    reply.type("Take your time.")
    expect(reply).to_have_value("I am here.\nTake your time.")
    reply.press("Enter")
    expect(reply).to_have_value("")
    deadline = time.time() + 5
    while time.time() < deadline and "Take your time." not in " ".join(_heard(app, other_id)):
        time.sleep(0.2)
    assert any("I am here." in t and "Take your time." in t for t in _heard(app, other_id))

    # "/" lists the canned answers by title; Enter puts the chosen one in the box, unsent.
    reply.type("/web")
    matches = desk.get_by_role("listbox", name=re.compile("Replies matching"))
    expect(matches).to_be_visible()
    expect(matches.get_by_role("option")).to_have_count(1)
    assert axe_violations(desk) == []
    reply.press("Enter")
    expect(reply).to_have_value(re.compile("nationalcareers.service.gov.uk"))
    expect(matches).to_be_hidden()
    time.sleep(0.5)
    assert not any("nationalcareers" in t for t in _heard(app, other_id))
    reply.press("Enter")
    expect(reply).to_have_value("")

    # A private note: kept on the contact for colleagues, never sent to the customer.
    desk.get_by_label("Add a private note").fill("Prefers a callback after 4pm.")
    desk.get_by_role("button", name="Save the note").click()
    notes = desk.get_by_role("list", name=re.compile("Private notes"))
    expect(notes).to_contain_text("Prefers a callback after 4pm.")
    assert axe_violations(desk) == []
    assert not any("4pm" in t for t in _heard(app, other_id))
