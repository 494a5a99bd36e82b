"""The website's "call me" and enquiry forms in Chromium: keyboard only, errors tied to fields, axe.

WCAG 2.2 AA as a customer meets it: every control reached and used with the keyboard alone, the
error summary announced and linked to its fields, no serious or critical axe-core finding on the
empty form, the form with errors, or the confirmation.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app import create_app
from models.callbacks import Callback
from models.enquiries import WrittenEnquiry
from tests.support.browser import (
    BROWSER_TEST,
    axe_violations,
    live_server,
    moving_clock,
    screenshot,
)
from tests.support.twilio import WEEKDAY_MORNING

pytestmark = BROWSER_TEST


class Texts:
    """Stands in for Twilio's Messages API: records what would be sent."""

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def create_message(self, **message) -> dict:
        self.sent.append(message)
        return {"sid": "SM" + "0" * 32, "status": "queued"}


@pytest.fixture
def served(settings, redis_client):
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING), twilio=Texts())
    with live_server(app) as url:
        yield app, url


@pytest.fixture
def page(pages):
    return pages(width=900, height=900)


def test_call_me_by_keyboard_alone_with_an_error_first(served, page):
    app, url = served
    page.goto(url + "/call-me")
    assert axe_violations(page) == []
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "phone"
    page.keyboard.type("12345")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "texts"  # consent to texts, unticked
    page.keyboard.press("Tab")  # into the first window's radio group
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "about"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert "Enter a UK phone number" in page.inner_text(".error-summary")
    assert page.get_attribute("#phone", "aria-invalid") == "true"
    assert axe_violations(page) == []
    screenshot(page, "call-me-error")
    page.click(".error-summary a[href='#phone']")
    assert page.evaluate("document.activeElement.id") == "phone"
    page.fill("#phone", "0113 496 0456")
    page.keyboard.press("Tab")  # past the texts box, left unticked for a landline
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.click("button[type=submit]")
    page.wait_for_selector(".confirmation")
    assert "CB-" in page.inner_text(".confirmation")
    assert axe_violations(page) == []
    screenshot(page, "call-me-booked")
    with Session(app.extensions["engine"]) as session:
        [callback] = session.exec(select(Callback)).all()
    assert callback.queue_id == "website_callbacks" and callback.phone == "+441134960456"


def test_texts_are_agreed_by_keyboard_and_only_for_a_mobile(served, page):
    app, url = served
    page.goto(url + "/call-me")
    page.fill("#phone", "0113 496 0456")
    page.focus("#texts")
    page.keyboard.press("Space")  # ticked by keyboard
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the first window
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "only send texts to a UK mobile" in page.inner_text(".error-summary")
    assert page.get_attribute("#texts", "aria-invalid") == "true"
    assert page.is_checked("#texts")  # the choice is kept
    assert axe_violations(page) == []
    page.click(".error-summary a[href='#texts']")
    assert page.evaluate("document.activeElement.id") == "texts"
    page.fill("#phone", "07400 123456")
    page.click("button[type=submit]")
    page.wait_for_selector(".confirmation")
    with Session(app.extensions["engine"]) as session:
        [callback] = session.exec(select(Callback)).all()
    assert callback.notify == "sms" and callback.phone == "+447400123456"
    [text] = app.extensions["twilio"].sent
    assert text["to"] == "+447400123456" and "will call you by" in text["body"]


def test_an_enquiry_from_the_form_is_triaged(served, page):
    app, url = served
    page.goto(url + "/enquiry")
    assert axe_violations(page) == []
    page.fill("#message", "What apprenticeships are there near me?")
    page.fill("#email", "sam@example.com")
    page.fill("#age", "16")
    page.check("#need-information")
    page.click("button[type=submit]")
    page.wait_for_selector(".confirmation")
    assert "WE-" in page.inner_text(".confirmation") and axe_violations(page) == []
    screenshot(page, "enquiry-sent")
    with Session(app.extensions["engine"]) as session:
        [enquiry] = session.exec(select(WrittenEnquiry)).all()
    assert enquiry.queue_id == "written_young_people"
