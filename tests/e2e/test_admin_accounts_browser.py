"""The administrators' accounts page in Chromium: no CSP violation, axe-core clean, a disable."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.browser import BROWSER_TEST, axe_violations, live_server
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings)


def test_an_admin_disables_an_account_from_the_page(app, pages):
    from playwright.sync_api import expect

    make_user(app, "root1", "admin")
    make_user(app, "sam", "adviser")
    with live_server(app) as url:
        page = pages(url + "/console/login")
        refused = []  # the console's CSP forbids inline script and style: nothing may be refused
        page.on("console", lambda m: refused.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.fill("#username", "root1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.get_by_role("link", name="Staff accounts, starters and leavers").click()
        expect(page.get_by_role("heading", name="Staff accounts")).to_be_visible()
        assert axe_violations(page) == []
        page.get_by_role("button", name="Disable sam").click()
        expect(page.get_by_role("status")).to_contain_text("sam is disabled")
        expect(page.get_by_role("button", name="Enable sam")).to_be_visible()
        expect(page.locator("#starters-leavers")).to_contain_text("leaver")
        assert refused == []
