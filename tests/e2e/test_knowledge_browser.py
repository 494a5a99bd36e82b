"""The Knowledge panel in Chromium: an adviser searches by keyboard as they type, reads an
article, and inserts its words and link into a chat's reply box to edit; nothing reaches the
customer until Send. On the written desk the article joins the email reply as a paragraph.
Every view passes axe-core."""

from __future__ import annotations

import re
import time

import pytest
from sqlmodel import Session, select

from ivr.chat.store import ChatStore
from models.enquiries import WrittenEnquiry
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
LOAN_LINK = "https://www.gov.uk/advanced-learner-loan"


@pytest.fixture
def live(settings, redis_client):
    from app import create_app

    clock = moving_clock(WEEKDAY_MORNING)
    app = create_app(settings, voice_clock=clock, chat_clock=clock)
    make_user(app, "sam", "adviser", queues=["adult_digital_advice"])
    make_user(app, "sue", "supervisor")
    with live_server(app) as url:
        yield app, url


def no_serious_findings(page):
    assert axe_script().exists(), "axe-core is not in the cache: run scripts/browser.sh"
    assert axe_violations(page) == []


def sign_in(pages, url, username):
    page = pages(url + "/console/login", timeout_ms=TIMEOUT)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def chat_to_queue(app) -> str:
    customer = app.test_client()
    session_id = customer.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("/chat_need advice", "30", "M1 1AE", "How do I pay for a course?"):
        assert customer.post(f"/api/chat/sessions/{session_id}/messages",
                             json={"text": text}).status_code == 200
    return session_id


def said_to_customer(app, session_id) -> str:
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=200)
    return " ".join(line["text"] for line in store.transcript(session_id)
                    if line["from"] != "customer")


def test_an_adviser_finds_an_article_by_keyboard_and_inserts_it_into_a_chat_reply(pages, live):
    from playwright.sync_api import expect

    app, url = live
    desk = sign_in(pages, url, "sam")
    expect(desk.locator("#presence-status")).to_have_text("Away")
    search = desk.get_by_role("searchbox", name="Search articles")
    status = desk.locator("#knowledge-status")
    results = desk.locator("#knowledge-results > li")

    # Typed as an adviser types, with a slip: the list follows, and says how many it found.
    search.focus()
    desk.keyboard.type("advanced lerner loa", delay=40)
    expect(results.first).to_have_attribute("data-article", "funding-and-advanced-learner-loans")
    expect(status).to_have_text(re.compile(r"^\d+ articles? found for advanced lerner loa$"))
    first = results.first
    expect(first.get_by_role("heading", level=3)).to_have_text("Funding and Advanced Learner Loans")
    expect(first.get_by_role("link")).to_have_attribute("href", LOAN_LINK)
    expect(first).to_contain_text("Information for customers")

    # Down from the box to the result, then Tab to read it and to Insert: all by keyboard.
    desk.keyboard.press("ArrowDown")
    expect(first.get_by_role("link")).to_be_focused()
    desk.keyboard.press("Tab")
    expect(first.locator("summary")).to_be_focused()
    desk.keyboard.press("Enter")
    expect(first.locator("details .article")).to_be_visible()
    expect(first.locator("details .article")).to_contain_text("repay only once they earn enough")
    no_serious_findings(desk)
    desk.keyboard.press("Tab")
    insert = first.get_by_role("button", name=re.compile("^Insert into reply"))
    expect(insert).to_be_focused()
    # No chat is open yet: nothing to insert into, and the panel says so.
    desk.keyboard.press("Enter")
    expect(status).to_have_text(re.compile("Open a conversation first"))

    # A chat arrives; the article's words and link go into its reply box, and nothing is sent.
    desk.get_by_role("button", name="Go Available").click()
    session_id = chat_to_queue(app)
    reply = desk.get_by_label("Your reply")
    expect(reply).to_be_visible(timeout=TIMEOUT)
    reply.fill("Hello.")
    insert.focus()
    desk.keyboard.press("Enter")
    expect(reply).to_be_focused()
    expect(reply).to_have_value(re.compile(r"^Hello\. Many courses for adults are free.*"
                                           + re.escape(LOAN_LINK) + "$"))
    assert reply.input_value().count(LOAN_LINK) == 1
    expect(status).to_have_text(re.compile("Added Funding and Advanced Learner Loans"))
    time.sleep(0.5)
    assert "Advanced Learner Loan" not in said_to_customer(app, session_id)
    no_serious_findings(desk)

    # Only Send sends, and it sends the adviser's edit.
    reply.fill(reply.input_value().replace("Hello.", "Thanks for waiting."))
    desk.get_by_role("button", name="Send reply").click()
    expect(reply).to_have_value("")
    assert "Thanks for waiting. Many courses for adults are free" in said_to_customer(
        app, session_id)

    # Escape clears the search and the list; a word nothing has says so.
    search.focus()
    desk.keyboard.press("Escape")
    expect(search).to_have_value("")
    expect(results).to_have_count(0)
    desk.keyboard.type("zzqqxx")
    expect(status).to_have_text("No articles found for zzqqxx")
    expect(results).to_have_count(0)


def test_a_supervisor_adds_an_article_to_a_written_reply_as_a_paragraph(pages, live):
    from playwright.sync_api import expect

    app, url = live
    form = {"message": "Where can I get help in Durham?", "email": "customer@example.org"}
    assert app.test_client().post("/enquiry", data=form).status_code == 201
    with Session(app.extensions["engine"]) as session:
        enquiry = session.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id.desc())).first()
    page = sign_in(pages, url, "sue")
    page.goto(f"{url}/console/written/{enquiry.id}")
    reply = page.get_by_label("Your reply")
    reply.fill("Dear customer,")
    search = page.get_by_role("searchbox", name="Search articles")
    search.focus()
    page.keyboard.type("TS1 3BA")  # a postcode finds its area's local service
    first = page.locator("#knowledge-results > li").first
    expect(first).to_have_attribute("data-article", "local-services-north-east")
    first.get_by_role("button", name=re.compile("^Insert into reply")).press("Enter")
    expect(reply).to_have_value(re.compile(
        r"^Dear customer,\n\nCareers advice and face-to-face appointments for adults in the North "
        r"East"))
    no_serious_findings(page)
