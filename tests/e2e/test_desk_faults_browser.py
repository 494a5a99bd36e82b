"""The adviser's desk as a newcomer walks it, in Chromium: what it says is true and useful.

Three safeguarding chats are told apart by channel, queue and a time waited that keeps running;
the pop says what the concern is; the interpreter button is for calls only; a canned answer is
previewed in the reply box and only Send sends it; the wrap-up outcome is never preselected;
presence says Available with an outcome still owed as it is; and a heartbeat that changes
nothing changes nothing a screen reader would announce. Every view passes axe-core.
"""

from __future__ import annotations

import re
import time

import pytest

from console.config import default_console_config
from ivr.chat.store import ChatStore
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
WORDS = "my friend has told me she's going to end her life tonight, she's planned it all"


@pytest.fixture
def live(settings, redis_client):
    from app import create_app

    clock = moving_clock(WEEKDAY_MORNING)
    app = create_app(settings, voice_clock=clock, chat_clock=clock)
    # A heartbeat a second (so a test sees several) and a short wrap-up time.
    app.extensions["console_config"] = default_console_config().model_copy(
        update={"heartbeat_seconds": 1, "wrap_up_seconds": 2})
    make_user(app, "sam", "adviser", endpoint="client:sam",
              queues=["safeguarding", "adult_digital_advice"])
    with live_server(app) as url:
        yield app, url


def no_serious_findings(page):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache: run scripts/browser.sh (make test does)")
    assert axe_violations(page) == []


def safeguarding_chat(app) -> str:
    customer = app.test_client()
    session_id = customer.post("/api/chat/sessions").get_json()["session_id"]
    answer = customer.post(f"/api/chat/sessions/{session_id}/messages", json={"text": WORDS})
    assert answer.get_json()["route"]["queue"] == "safeguarding"
    return session_id


def said_to_customer(app, session_id) -> str:
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=200)
    return " ".join(line["text"] for line in store.transcript(session_id))


def watch_live_regions(desk):
    """Count changes to the contact list's items and to every live region from now on."""
    desk.evaluate("""() => {
      window.__changes = [];
      const note = (what) => (records) => window.__changes.push(what + ":" + records.length);
      new MutationObserver(note("contacts")).observe(document.getElementById("contacts"),
                                                     {childList: true});
      const live = '[aria-live], [role="status"], [role="log"], [role="alert"]';
      for (const region of document.querySelectorAll(live)) {
        new MutationObserver(note(region.id)).observe(region,
            {childList: true, subtree: true, characterData: true});
      }
    }""")


def test_a_newcomer_walks_the_chat_desk(pages, live):
    from playwright.sync_api import expect

    app, url = live
    desk = pages(url + "/console/login", timeout_ms=TIMEOUT)
    desk.get_by_label("Username").fill("sam")
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Sign in").click()
    status, empty = desk.locator("#presence-status"), desk.locator("#no-contacts")
    expect(status).to_have_text("Away")
    expect(empty).to_contain_text("Go Available")
    desk.get_by_role("button", name="Go Available").click()
    expect(status).to_have_text("Available")
    # Already Available: not told to go Available.
    expect(empty).to_have_text(re.compile("next call or chat"))
    expect(empty).not_to_contain_text("Go Available")

    chats = []
    for _ in range(3):
        chats.append(safeguarding_chat(app))
        time.sleep(1.2)
    contacts = desk.locator("#contacts button")
    expect(contacts).to_have_count(3)
    names = contacts.all_inner_texts()
    assert len(set(names)) == 3, names  # three chats, three different names
    for name in names:
        assert re.fullmatch(r"Chat, safeguarding queue, waited \d+ s", name), name

    # The pop: the concern in plain words, a running time waited, no interpreter for a chat.
    pop_waited = desk.locator("#pop-waited")
    expect(desk.locator("#pop-channel")).to_have_text("Webchat")
    expect(desk.locator("#pop-concern")).to_have_text(
        "Concern: suicide or self-harm, said outright, about someone else (a third party)")
    first = pop_waited.inner_text()
    expect(pop_waited).not_to_have_text(first, timeout=4000)  # it keeps running
    expect(desk.get_by_role("button", name=re.compile("interpreter"))).to_be_hidden()
    no_serious_findings(desk)

    # Heartbeats that change nothing change nothing a screen reader would announce.
    watch_live_regions(desk)
    time.sleep(3.5)  # three heartbeats or more
    assert desk.evaluate("window.__changes") == []

    # A canned answer: previewed in the reply box, editable, and sent only by Send.
    member = desk.evaluate("document.querySelector('#contacts li').dataset.member") or chats[0]
    desk.get_by_label(re.compile("Canned answer")).select_option(label="Website")
    reply = desk.get_by_label("Your reply")
    expect(reply).to_have_value(re.compile("nationalcareers.service.gov.uk"))
    time.sleep(0.5)
    assert "nationalcareers" not in said_to_customer(app, member)
    reply.fill("Have a look at nationalcareers.service.gov.uk tonight if you can.")
    desk.get_by_role("button", name="Send reply").click()
    expect(reply).to_have_value("")
    assert "nationalcareers.service.gov.uk tonight" in said_to_customer(app, member)

    # Wrap-up: named as the contact was, no outcome chosen for the adviser, twice over.
    outcome = desk.get_by_label("Outcome")
    for round_ in range(2):
        desk.get_by_role("button", name="End the chat").click()
        expect(desk.locator("#wrap")).to_be_visible()
        expect(desk.locator("#wrap-contact option").first).to_have_text(
            re.compile(r"Chat, safeguarding queue, waited \d+ s"))
        expect(outcome).to_have_value("")
        if round_ == 0:
            no_serious_findings(desk)
        outcome.select_option("safeguarding_escalated")
        desk.get_by_role("button", name="Finish wrap-up").click()
        expect(desk.locator("#wrap")).to_be_hidden()
        expect(desk.locator("#pop")).to_be_visible()

    # The last chat ends; its wrap-up time runs out before the outcome is given: the desk says
    # Available, and that an outcome is still owed.
    desk.get_by_role("button", name="End the chat").click()
    expect(desk.locator("#wrap")).to_be_visible()
    expect(status).to_have_text("Available", timeout=8000)
    expect(desk.locator("#presence-detail")).to_contain_text("1 contact still needs an outcome")
    outcome.select_option("safeguarding_escalated")
    desk.get_by_role("button", name="Finish wrap-up").click()
    expect(desk.locator("#presence-detail")).to_have_text("")
    expect(empty).to_have_text(re.compile("next call or chat"))
