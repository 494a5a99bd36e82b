"""The wallboard in Chromium: an administrator adds a wall screen, the screen opens its address
once and shows the queues in large type; no CSP violation, axe-core clean on both pages."""

from __future__ import annotations

import pytest

from app import create_app
from tests.support.browser import BROWSER_TEST, axe_violations, live_server
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST


@pytest.fixture
def app(settings, redis_client):
    return create_app(settings)


def test_an_admin_adds_a_wall_screen_and_the_screen_shows_the_floor(app, pages):
    from playwright.sync_api import expect

    make_user(app, "root1", "admin")
    with live_server(app) as url:
        page = pages(url + "/console/login")
        refused = []  # the CSP forbids inline script and style: nothing may be refused
        page.on("console", lambda m: refused.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.fill("#username", "root1")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/")
        page.get_by_role("link", name="Wall screens").click()
        page.get_by_label("Name of the screen").fill("Floor 2")
        page.get_by_role("button", name="Add a wall screen").click()
        address = page.get_by_label("The screen's address").input_value()
        assert "#token=" in address
        expect(page.get_by_role("button", name="Revoke Floor 2")).to_be_visible()
        assert axe_violations(page) == []

        wall = pages(address)
        wall.on("console", lambda m: refused.append(m.text)
                if "Content Security Policy" in m.text else None)
        expect(wall.get_by_role("row", name="Safeguarding")).to_be_visible()
        expect(wall.locator("#wall-waiting")).to_have_text("0")
        assert "#" not in wall.url  # the token left the address bar for local storage
        assert axe_violations(wall) == []
        wall.reload()  # the screen keeps its token across a restart of the page
        expect(wall.get_by_role("row", name="Safeguarding")).to_be_visible()

        page.get_by_role("button", name="Revoke Floor 2").click()
        expect(page.get_by_role("status")).to_contain_text("Floor 2 revoked")
        expect(wall.get_by_role("alert")).to_contain_text("token", timeout=15_000)
        assert refused == []
