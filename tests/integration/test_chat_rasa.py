"""Chats through the real assistant (Rasa with the trained model and its action server).

The same routes as the menu, reached in the customer's own words: adult advice (001:5.3), a young
person (001:5.2), information with an adviser on request (001:5.5), face to face (001:5.6) and a
complaint; and in the browser, a chat handed over to an adviser after the assistant triaged it.
"""

from __future__ import annotations

import pytest

from app import create_app
from config.settings import Settings
from ivr.chat.config import load_chat_config
from tests.support.browser import (
    WEEKDAY_MORNING,
    chromium_available,
    launch_chromium,
    live_server,
    moving_clock,
)
from tests.support.console import PASSWORD, make_user
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import assistant_url  # noqa: F401  (a fixture)

pytestmark = pytest.mark.rasa


@pytest.fixture
def app(sqlite_url, assistant_url, redis_client):  # noqa: F811
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant_url, rasa_timeout_seconds=10.0, _env_file=None)
    config = load_chat_config().model_copy(update={"stream_seconds": 5})
    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING), chat_config=config)


def chat(client, *texts: str) -> tuple[str, dict]:
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    answer: dict = {}
    for text in texts:
        response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        assert response.status_code == 200
        answer = response.get_json()
    return session_id, answer


def said(answer: dict) -> str:
    return " ".join(message["text"] for message in answer["messages"])


def test_adult_advice_in_words_waits_for_the_contact_centres_advisers(app):  # 001:5.3
    _, answer = chat(app.test_client(), "I'd like some careers advice about changing jobs",
                     "I'm 34", "I live in Leeds, LS1 4AP")  # where they live first (000:L68)
    assert answer["route"] == {"action": "enqueue", "destination": "adult_digital_advice",
                               "queue": "adult_digital_advice"}
    assert "waiting for an adviser from the contact centre" in said(answer)


def test_young_person_is_answered_and_waits_for_the_young_peoples_team(app):  # 001:5.2, 5.4
    _, answer = chat(app.test_client(), "hi, I'm 17 and want to know about apprenticeships")
    assert answer["route"]["queue"] == "young_people"
    assert "apprenticeships.gov.uk" in said(answer)


def test_information_is_given_and_yes_to_an_adviser_queues_the_chat(app):  # 001:5.5
    client = app.test_client()
    session_id, answer = chat(client, "how do I find a course?", "45")
    assert answer["route"]["action"] == "self_serve"
    assert "find-a-course" in said(answer)
    yes = next(b for m in answer["messages"] for b in m["buttons"] if b["title"] == "Yes")
    response = client.post(f"/api/chat/sessions/{session_id}/messages",
                           json={"text": yes["payload"]})
    assert response.get_json()["route"]["queue"] == "adult_information"


def test_face_to_face_in_words_becomes_a_callback_from_the_area(app):  # 001:5.6
    client = app.test_client()
    session_id, answer = chat(client, "I want to book a face to face appointment", "I'm 40",
                              "LS1 4AP")
    assert (answer["route"]["action"], answer["route"]["contractor"]) == (
        "cold_transfer", "yorkshire-humber")
    response = client.post(f"/api/chat/sessions/{session_id}/messages",
                           json={"text": "my email is sam@example.org"})
    assert "will contact you by" in said(response.get_json())


def test_complaint_in_words_waits_for_complaints(app):  # 001:32.2
    _, answer = chat(app.test_client(), "I want to make a complaint")
    assert answer["route"]["queue"] == "complaints"


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium (Debian's)")
def test_in_the_browser_the_assistant_triages_and_an_adviser_replies(app):
    from playwright.sync_api import expect, sync_playwright

    with live_server(app) as base, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(base + "/")
        page.get_by_role("button", name="Chat with us").click()
        log = page.get_by_role("log", name="Conversation")
        for text, reply in (("I'd like careers advice please", "How old are you?"),
                            ("I'm 52", "postcode"),
                            ("M1 1AE", "waiting for an adviser from the contact centre")):
            page.get_by_label("Your message").fill(text)
            page.keyboard.press("Enter")
            expect(log).to_contain_text(reply)
        make_user(app, "sam", "adviser", queues=["adult_digital_advice"])
        adviser = browser.new_context().new_page()
        adviser.set_default_timeout(15_000)
        adviser.goto(base + "/console/login")
        adviser.get_by_label("Username").fill("sam")
        adviser.get_by_label("Password").fill(PASSWORD)
        adviser.get_by_role("button", name="Sign in").click()
        adviser.get_by_role("button", name="Go Available").click()  # the chat pops up on the desk
        expect(adviser.locator("#pop-channel")).to_have_text("Webchat")
        adviser.get_by_label("Your reply").fill("Hello, I can help with that.")
        adviser.get_by_role("button", name="Send reply").click()
        expect(log).to_contain_text("Hello, I can help with that.")
        page.get_by_label("Your message").fill("Thanks, that sounds good")
        page.keyboard.press("Enter")
        expect(adviser.get_by_role("log", name="Conversation with the customer")).to_contain_text(
            "Thanks, that sounds good")
        # The customer's own line reaches their log by its own event; any reply would follow it.
        expect(log).to_contain_text("Thanks, that sounds good")
        page.wait_for_timeout(1_000)
        # Once handed over, the assistant says nothing more.
        assert "National Careers Service:" not in log.inner_text().split("Thanks, that sounds")[-1]
        browser.close()


def test_asking_for_a_person_straight_away_queues_the_chat(app):
    _, answer = chat(app.test_client(), "can i speak to a real person please")
    assert answer["route"]["action"] == "enqueue"
    assert answer["route"]["queue"] == "adult_information"
