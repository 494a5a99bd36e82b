"""The second factor in Chromium: the enrolment page's QR code shows under the pages' CSP, the
page passes axe-core, and a code from the key on the page signs the supervisor in."""

from __future__ import annotations

import pyotp
import pytest

from app import create_app
from config import clock
from config.settings import Settings
from tests.support.browser import BROWSER_TEST, axe_violations, live_server
from tests.support.console import PASSWORD, make_user
from tests.support.databases import TEST_REDIS_URL

pytestmark = BROWSER_TEST


@pytest.fixture
def app(sqlite_url, redis_client):
    return create_app(Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                               rasa_enabled=False, _env_file=None,
                               console_mfa_roles="supervisor,admin"))


def test_a_supervisor_enrols_with_the_qr_page_and_signs_in(app, pages):
    make_user(app, "sue", "supervisor")
    with live_server(app) as url:
        page = pages(url + "/console/login")
        refused = []  # anything the Content-Security-Policy blocks is reported on the console
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.fill("#username", "sue")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(url + "/console/login/code")
        qr = page.locator("img.qr")
        assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
        assert refused == []
        assert axe_violations(page) == []
        secret = page.locator("#totp-secret").inner_text().replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).at(clock.now()))  # the app's clock, same process
        page.click("button[type=submit] >> text=Confirm and sign in")
        page.wait_for_url(url + "/console/")
