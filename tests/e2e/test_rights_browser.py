"""A data request in Chromium: a customer asks on the privacy page by keyboard, and the request
shows on the console's data requests page with its clocks. axe-core clean on both."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_violations,
    live_server,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST


@pytest.fixture
def app(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    return create_app(settings, chat_clock=clock, figures_clock=clock)


def test_a_customer_asks_for_their_data_and_an_admin_sees_the_clocks(app, pages):
    from playwright.sync_api import expect

    make_user(app, "root1", "admin")
    with live_server(app) as url:
        page = pages(url + "/privacy")
        assert axe_violations(page) == []
        page.get_by_label("A copy of my data").check()
        page.get_by_label("Surname").fill("Lovelace")
        page.get_by_label("First name").fill("Ada")
        page.get_by_label("Date of birth").fill("1990-12-10")
        page.get_by_label("Postcode").fill("M1 1AE")
        page.get_by_label("Your e-mail address or phone number").fill("ada@example.org")
        page.get_by_label("Postcode").press("Enter")  # the keyboard sends the form
        done = page.get_by_role("status")
        expect(done).to_contain_text("Its reference is RR-")
        reference = done.locator("strong").inner_text()
        assert axe_violations(page) == []

        staff = pages(url + "/console/login")
        staff.fill("#username", "root1")
        staff.fill("#password", PASSWORD)
        staff.click("button[type=submit]")
        staff.get_by_role("button", name="Sign out root1").wait_for()
        staff.get_by_role("link", name="Data requests").click()
        row = staff.get_by_role("row", name=reference)
        expect(row).to_contain_text("Copy of their data (web)")
        expect(row).to_contain_text("days left")
        assert axe_violations(staff) == []
        staff.get_by_role("button", name=f"Identity confirmed for {reference}").click()
        expect(staff.get_by_role("status")).to_contain_text("identity confirmed")
