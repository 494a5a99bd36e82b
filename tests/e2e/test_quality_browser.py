"""Quality evaluation and the adviser figures in Chromium: a supervisor scores a sampled contact
by keyboard-reachable radios; the adviser reads it. No CSP violation, axe-core clean."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app import create_app
from console.quality_form import quality_config
from models.contacts import NewEvent, open_contact, record_events
from tests.support.browser import BROWSER_TEST, axe_violations, live_server
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # ISO week 2026-W49


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings, figures_clock=lambda: NOW)


def _sign_in(page, url, username):
    page.goto(url + "/console/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("button", name=f"Sign out {username}").wait_for()


def test_a_supervisor_scores_a_contact_and_the_adviser_reads_it(app, pages):
    from playwright.sync_api import expect

    make_user(app, "sue", "supervisor")
    sam = make_user(app, "sam", "adviser")
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key="CA-browser-1", channel="phone", at=NOW)
        record_events(session=session, contact_key="CA-browser-1", events=[
            NewEvent("answered", NOW + timedelta(seconds=12), "a", {"adviser": sam.id})])
        session.commit()
    with live_server(app) as url:
        page = pages(url + "/console/login")
        refused = []
        page.on("console", lambda m: refused.append(m.text)
                if "Content Security Policy" in m.text else None)
        _sign_in(page, url, "sue")
        page.get_by_role("link", name="Quality").click()
        page.goto(url + "/console/quality?week=2026-W49")
        expect(page.get_by_role("heading", name="sam")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("link", name="Score contact").first.click()
        expect(page.get_by_role("heading", name="What happened (redacted)")).to_be_visible()
        assert axe_violations(page) == []
        for question in quality_config().form:
            page.get_by_role("group", name=question.question).get_by_label("Yes").check()
        page.get_by_label("Comment for the adviser").fill("A clear, kind call.")
        page.get_by_role("button", name="Save the score").click()
        expect(page.get_by_role("status")).to_contain_text("Scored 100%")
        page.get_by_role("link", name="Adviser figures").click()  # the day's figures, too
        expect(page.locator("#adviser-figures")).to_contain_text("Team")
        assert axe_violations(page) == []

        adviser = pages(url + "/console/login")
        adviser.context.clear_cookies()
        _sign_in(adviser, url, "sam")
        adviser.get_by_role("link", name="My quality scores").click()
        expect(adviser.locator("#my-quality")).to_contain_text("A clear, kind call.")
        assert axe_violations(adviser) == []
        assert refused == []
