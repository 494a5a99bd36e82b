"""The callback worklist in a real browser (Debian's Chromium under Playwright), checked with
axe-core: the list, a new callback appearing live, claim on open, a colleague seeing who has it,
and the claim given back when the page is closed. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from app import create_app
from config import clock
from models.contacts import open_contact
from routing import callback_live
from routing import callbacks as cb
from tests.support.browser import (
    BROWSER_TEST,
    axe_script,
    axe_violations,
    live_server,
    screenshot,
)
from tests.support.console import PASSWORD, make_user

pytestmark = BROWSER_TEST
TIMEOUT = 10_000
NOW = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)


@pytest.fixture
def site(settings, redis_client):
    if not axe_script().exists():
        pytest.skip("axe-core is not in the cache (scripts/browser.sh puts it there)")
    app = create_app(settings, callback_clock=lambda: NOW)
    app.config["CALLBACK_STREAM_SECONDS"] = 4
    for name in ("anna", "ben"):
        make_user(app, name, "contractor_adviser", contractor="north-west",
                  endpoint="+441614960000")
    with live_server(app) as url:
        yield app, url


def _callback(app, key, due, reason="Phone call: advice"):
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key=key, channel="phone", at=NOW - timedelta(hours=12))
        session.commit()
        made = cb.create_callback(
            session=session, contact_key=key, due=due, reason=reason, source="cold_transfer",
            contractor_id="north-west", phone="+447700900123", now=NOW - timedelta(hours=12),
            summary={"destination": "prime_contractor_advice", "reasons": ["001:5.3"],
                     "priority_groups": ["low_skilled"], "facts": {"age": 30}})
    return made


def _signed_in(browser, url, name):
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/console/login")
    page.fill("#username", name) if page.locator("#username").count() else \
        page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/console/**", timeout=TIMEOUT)
    return context, page


def test_the_worklist_is_accessible_and_a_new_callback_appears_without_a_reload(browser, site):
    app, url = site
    _callback(app, "CA-b1", NOW - timedelta(minutes=10))
    _callback(app, "CA-b2", NOW + timedelta(minutes=40))
    context, page = _signed_in(browser, url, "anna")
    page.goto(url + "/console/callbacks")
    page.wait_for_selector("tr.overdue", timeout=TIMEOUT)
    assert page.locator("tr.due-soon").count() == 1
    assert axe_violations(page) == []
    screenshot(page, "worklist")
    page.wait_for_timeout(500)  # the live stream is open
    fresh = _callback(app, "CA-b3", NOW + timedelta(hours=3), reason="Phone call: fresh one")
    callback_live.publish(app.extensions["redis"], fresh, "created")
    page.wait_for_selector(f'tr[data-id="{fresh.id}"]', timeout=TIMEOUT)
    assert "fresh one" in page.inner_text("#rows")
    context.close()


def test_opening_claims_a_colleague_sees_it_held_and_closing_gives_it_back(browser, site):
    app, url = site
    made = _callback(app, "CA-b4", NOW + timedelta(minutes=20))
    anna, anna_page = _signed_in(browser, url, "anna")
    anna_page.goto(f"{url}/console/callbacks/{made.id}")
    anna_page.wait_for_selector("text=This callback is yours", timeout=TIMEOUT)
    assert anna_page.locator("#call-button").is_visible()
    assert axe_violations(anna_page) == []
    screenshot(anna_page, "callback-claimed")
    ben, ben_page = _signed_in(browser, url, "ben")
    ben_page.goto(f"{url}/console/callbacks/{made.id}")
    assert "anna is working on this callback" in ben_page.inner_text("#claim")
    assert axe_violations(ben_page) == []
    anna_page.close()  # pagehide: the page gives the claim back
    deadline = clock.now() + timedelta(seconds=10)
    while clock.now() < deadline:
        with Session(app.extensions["engine"]) as session:
            if cb.get_callback(session=session, callback_id=made.id).status == "pending":
                break
        ben_page.wait_for_timeout(200)
    ben_page.reload()
    assert "This callback is yours" in ben_page.inner_text("#claim")
    anna.close()
    ben.close()
