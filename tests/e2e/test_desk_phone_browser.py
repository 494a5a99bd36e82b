"""The adviser's browser phone on the desk, in Chromium under Playwright with axe-core.

With the development phone (PHONE_ADAPTER=development) a customer's call is rung to the adviser's
`client:` endpoint through the app's normal dispatch and the Twilio emulator: the desk rings and
the phone shows the call with the desk's triage summary; the adviser answers in the browser,
reads the whisper, presses 1 on the keypad, reads the caller's words, types theirs (not while
muted) and hangs up. With Twilio's real Voice SDK loaded and no Twilio reachable (the signalling
socket is refused by the test), the phone says it is not connected, with the SDK's own error.
"""

from __future__ import annotations

import re

import pytest

from console import phone
from tests.support.browser import (
    BROWSER_TEST,
    WEEKDAY_MORNING,
    axe_script,
    axe_violations,
    live_server,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user
from tests.support.emulator import eventually, live_voice_app

pytestmark = BROWSER_TEST
TIMEOUT = 15_000


def _audited(page) -> None:
    if not axe_script().exists():
        pytest.fail("axe-core is not in the cache: run scripts/browser.sh (make test does)")
    assert axe_violations(page, context="#phone") == []
    assert axe_violations(page) == []


def _sign_in(page, url: str) -> None:
    page.goto(url + "/console/login")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def development_phone(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings.model_copy(update={"phone_adapter": "development"}),
                        voice_clock=clock, chat_clock=clock, callback_clock=clock) as live:
        make_user(live.app, "sam", "adviser", endpoint="client:sam",
                  queues=["adult_information"])
        yield live


def test_a_call_rings_the_browser_and_is_answered_read_spoken_to_and_hung_up(
        pages, development_phone):
    from playwright.sync_api import expect

    live = development_phone
    desk = pages(timeout_ms=TIMEOUT)
    refused = []  # anything the Content-Security-Policy blocks is reported on the console
    desk.on("console", lambda m: refused.append(m.text) if "Content Security" in m.text else None)
    _sign_in(desk, live.app_url)
    panel = desk.locator("#phone")
    expect(panel).to_have_attribute("data-state", "connected")
    expect(desk.locator("#phone-state")).to_have_text(re.compile("Your phone is connected"))
    desk.get_by_role("button", name="Go Available").click()
    expect(desk.locator("#presence-status")).to_have_text("Available")

    customer = live.emulator.phone(from_="+441134960123")
    customer.settle()
    customer.press("45")
    customer.press("2")  # an adult wanting information: the adult information queue

    # The dispatcher rings sam's client:sam; the phone shows it with the desk's summary.
    expect(panel).to_have_attribute("data-state", "ringing")
    summary = desk.locator("#phone-summary")
    expect(summary).to_contain_text("adult information queue")
    expect(summary).to_contain_text(re.compile(r"waited \d+ (s|min), triage: "))
    expect(desk.locator("#alert-banner")).to_be_visible()  # the desk rings for the offer
    expect(desk.locator("#alert-ring")).to_have_attribute("data-state",
                                                          re.compile("playing|refused"))
    _audited(desk)

    desk.get_by_role("button", name="Answer the call").click()
    expect(panel).to_have_attribute("data-state", "on-call")
    heard = desk.locator("#phone-heard")
    expect(heard).to_contain_text("Press 1 to accept the call")  # the whisper, read
    expect(desk.get_by_role("button", name="Hang up")).to_be_focused()
    desk.get_by_role("button", name="Key 1").click()
    customer.wait_for("conference")

    customer.say("I would like to change career")
    expect(heard).to_contain_text("Caller: I would like to change career")
    desk.get_by_label("Say to the customer (typed)").fill("Let's look at your options")
    desk.get_by_role("button", name="Say it").click()
    customer.wait_heard("(they say) Let's look at your options")

    mute = desk.get_by_role("button", name="Mute", exact=True)
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "true")
    desk.get_by_label("Say to the customer (typed)").fill("Not to be heard")
    desk.get_by_role("button", name="Say it").click()
    expect(desk.locator("#phone-call-state")).to_have_text(re.compile("Muted"))
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    _audited(desk)

    desk.get_by_role("button", name="Hang up").click()
    expect(desk.locator("#phone-state")).to_have_text("The call has ended.")
    expect(desk.locator("#phone-call")).to_be_hidden()
    adviser_leg = live.emulator.calls(to="client:sam")[0]
    assert adviser_leg["status"] == "completed"
    assert not any("Not to be heard" in line for line in customer.heard)
    expect(desk.locator("#wrap")).to_be_visible(timeout=TIMEOUT)
    assert refused == []
    customer.hang_up()


def test_declining_in_the_browser_gives_the_call_back_and_sends_the_adviser_away(
        pages, development_phone):
    from playwright.sync_api import expect

    live = development_phone
    desk = pages(timeout_ms=TIMEOUT)
    _sign_in(desk, live.app_url)
    desk.get_by_role("button", name="Go Available").click()
    expect(desk.locator("#presence-status")).to_have_text("Available")
    customer = live.emulator.phone()
    customer.settle()
    customer.press("45")
    customer.press("2")
    expect(desk.locator("#phone")).to_have_attribute("data-state", "ringing")
    desk.get_by_role("button", name="Decline the call").click()
    expect(desk.locator("#phone-state")).to_have_text("The call has ended.")
    expect(desk.locator("#presence-status")).to_have_text("Away", timeout=TIMEOUT)
    assert live.emulator.calls(to="client:sam")[0]["status"] == "busy"
    eventually(lambda: customer.info()["queue_sid"])  # still waiting, its place kept
    customer.hang_up()


def test_the_development_phone_is_only_ones_own(development_phone):
    from tests.support.console import api_headers, sign_in

    live = development_phone
    client = live.app.test_client()
    assert sign_in(client).status_code == 303
    available = client.post("/console/api/presence", json={"mode": "available"},
                            headers=api_headers(client, "/console/desk"))
    assert available.status_code == 200
    customer = live.emulator.phone()
    customer.settle()
    customer.press("45")
    customer.press("2")
    leg = live.emulator.ringing("client:sam")
    make_user(live.app, "kim", "adviser", endpoint="client:kim", queues=["adult_information"])
    other = live.app.test_client()
    assert sign_in(other, "kim").status_code == 303
    json = {"Accept": "application/json"}
    assert [c["sid"] for c in client.get("/console/api/phone/dev/calls",
                                         headers=json).get_json()] == [leg.sid]
    assert other.get("/console/api/phone/dev/calls", headers=json).get_json() == []
    stolen = other.get(f"/console/api/phone/dev/calls/{leg.sid}", headers=json)
    assert stolen.status_code == 404 and "client:kim" in stolen.get_json()["error"]
    bad = client.get("/console/api/phone/dev/calls/not-a-sid", headers=json)
    assert bad.status_code == 400 and "call SID" in bad.get_json()["error"]
    customer.hang_up()
    eventually(lambda: leg.info()["status"] != "ringing")


@pytest.fixture
def sdk_phone(settings, redis_client):
    if not (phone.sdk_dir_for(None) / phone.SDK_FILE).is_file():
        pytest.fail("the Voice SDK is not in the cache: run scripts/voice_sdk.sh (make test does)")
    from app import create_app

    clock = moving_clock(WEEKDAY_MORNING)
    app = create_app(settings.model_copy(update={"phone_adapter": "sdk"}),
                     voice_clock=clock, chat_clock=clock)
    make_user(app, "sam", "adviser", endpoint="client:sam", queues=["adult_information"])
    with live_server(app) as url:
        yield url


def test_with_the_real_sdk_and_no_twilio_the_desk_says_the_phone_is_not_connected(
        pages, sdk_phone):
    from playwright.sync_api import expect

    desk = pages(timeout_ms=TIMEOUT)
    asked = []
    # No Twilio here: the SDK's signalling socket is refused at once, as an unreachable or
    # blocked network would (and nothing leaves this machine). Its insights posts likewise.
    desk.route_web_socket(re.compile(r"wss://.*twilio\.com.*"),
                          lambda ws: (asked.append(ws.url), ws.close(code=1006)))
    desk.route(re.compile(r"https://.*twilio(cdn)?\.com/.*"), lambda route: route.abort())
    _sign_in(desk, sdk_url := sdk_phone)
    panel = desk.locator("#phone")
    expect(panel).to_have_attribute("data-state", "not-connected")
    error = desk.locator("#phone-error")
    expect(error).to_be_visible()
    # The SDK's own words: "ConnectionError (31005): A connection error occurred …".
    expect(error).to_have_text(re.compile(r"^Your phone is not connected: \w+Error \(\d{5}\): \w"))
    assert asked and asked[0].startswith("wss://voice-js.roaming.twilio.com")
    assert desk.evaluate("typeof Twilio.Device") == "function"  # the real SDK, from our server
    scripts = desk.evaluate("[...document.scripts].map(s => s.src)")
    assert sdk_url + "/console/phone/sdk/twilio.min.js" in scripts
    assert all(s.startswith(sdk_url) for s in scripts if s)
    _audited(desk)
