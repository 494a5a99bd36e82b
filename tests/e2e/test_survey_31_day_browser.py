"""The 31-day survey's public page in Chromium: keyboard alone, errors tied to the questions, a
used link's page, and no serious or critical axe-core finding on any of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from app import create_app
from engine.survey_31_day import token_hash
from models.survey_invitations import arm, plan
from tests.support.browser import BROWSER_TEST, axe_violations, live_server, moving_clock
from tests.support.follow_ups import customer_with_contact
from tests.support.twilio import WEEKDAY_MORNING

pytestmark = BROWSER_TEST
TOKEN = "k3Yq_wT9-bR2xLmN8pZcVd4sHfJ6aEoU"


@pytest.fixture
def served(settings, redis_client):
    app = create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING))
    engine = app.extensions["engine"]
    last = WEEKDAY_MORNING - timedelta(days=31)
    customer_with_contact(engine, "Survey", "CA-survey", at=last)
    with Session(engine) as session:
        assert plan(session=session, contact_key="CA-survey", channel="phone",
                    route="adult_information", notify="sms", to="+447400123456",
                    at=WEEKDAY_MORNING)
        session.commit()
        assert arm(session=session, invitation_id=1, attempt=0, token_sha256=token_hash(TOKEN),
                   expires_at=WEEKDAY_MORNING + timedelta(days=14))
    with live_server(app) as url:
        yield app, url


@pytest.fixture
def page(pages):
    return pages(width=900, height=900)


def test_the_survey_by_keyboard_alone_with_an_error_first(served, page):
    _, url = served
    page.goto(f"{url}/survey/{TOKEN}")
    assert axe_violations(page) == []
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "Choose how satisfied" in page.inner_text(".error-summary")
    assert page.get_attribute("#score", "aria-describedby") == "score-error"
    assert axe_violations(page) == []
    page.focus("#score-1")
    page.keyboard.press("ArrowDown")  # the arrow keys move within the group
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.id") == "score-4"
    page.keyboard.press("Tab")  # to the yes/no group
    page.keyboard.press("Space")
    assert page.is_checked("#next_step-yes")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector(".confirmation")
    assert "Thank you" in page.inner_text(".confirmation")
    assert axe_violations(page) == []
    answer = page.goto(f"{url}/survey/{TOKEN}")
    assert answer.status == 410 and "already been used" in page.inner_text("main")
    assert axe_violations(page) == []
