"""The start of a phone call: the privacy notice (9), the language lines (8) and their own numbers.

Signed Twilio webhooks into the app, real Redis and the database (000:L83; 000:L36, L47, L129).
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

import pytest

from ivr.notices import notices
from tests.support.twilio import (
    WEEKDAY_MORNING,
    call_state,
    events,
    new_call,
    voice_app,
)

POLISH_LINE = "+448081570006"
PRIVACY_OFFER = "To hear our privacy notice, press 9."
LANGUAGES_OFFER = "For other languages, press 8."
WELFARE_REFORM = "Under the Welfare Reform Act 2009"


class Assistant:
    """An assistant that is never asked in these tests: the opening keys come before it."""

    def send(self, *args, **kwargs):
        raise AssertionError("the assistant was asked")


@pytest.fixture
def weekday(settings, redis_client):
    return voice_app(settings, WEEKDAY_MORNING)


@pytest.fixture
def with_assistant(settings, redis_client):
    app = voice_app(settings, WEEKDAY_MORNING)
    app.extensions["voice"] = dataclasses.replace(app.extensions["voice"], rasa=Assistant())
    return app


def _says(element) -> list[tuple[str, str | None, str | None]]:
    return [(s.text, s.get("language"), s.get("voice")) for s in element.iter("Say")]


def _enqueued(app, call_sid) -> dict:
    return dict(events(app, call_sid))["enqueued"]


def test_a_call_to_the_polish_lines_number_is_greeted_in_polish_and_queued_for_it(weekday):
    call = new_call(weekday, dialled=POLISH_LINE)
    root = ET.fromstring(call.post("/voice/incoming"))
    said = _says(root)
    assert said[0][1] == "pl-PL" and said[0][2] == "Polly.Ewa"
    assert said[0][0].startswith("Witamy")
    assert not any(text.startswith("Welcome") for text, _, _ in said)  # no English assistant
    assert root.find("Enqueue").text == "language_lines:polish"
    assert call_state(weekday, call.call_sid)["facts"] == {"language": "Polish"}
    assert _enqueued(weekday, call.call_sid)["queue"] == "language_lines:polish"


def test_the_national_line_offers_the_notice_and_other_languages_before_the_question(weekday):
    call = new_call(weekday)
    heard = call.start()
    assert heard[:3] == [heard[0], PRIVACY_OFFER, LANGUAGES_OFFER]
    assert heard[-1].startswith("Please enter your age")


@pytest.mark.parametrize("fixture", ["weekday", "with_assistant"])
def test_pressing_8_lists_the_languages_in_their_own_words_and_a_key_queues_for_one(
        request, fixture):
    app = request.getfixturevalue(fixture)
    call = new_call(app)
    call.start()
    call.press("8")
    menu = _says(call.waiting.element)
    assert ("Aby rozmawiać po polsku, naciśnij 6.", "pl-PL", "Polly.Ewa") in menu
    assert ("Pour le français, appuyez sur 7.", "fr-FR", "Polly.Lea") in menu
    assert len(menu) == 8
    heard = call.press("6")
    assert heard[0].startswith("Witamy")
    assert _enqueued(app, call.call_sid)["queue"] == "language_lines:polish"


def test_an_unknown_key_on_the_language_menu_is_told_and_asked_again(weekday):
    call = new_call(weekday)
    call.start()
    call.press("8")
    heard = call.press("9")
    assert heard[0] == "Sorry, that is not one of the choices."
    assert len(heard) == 9 and not call.ended
    call.press("7")
    assert _enqueued(weekday, call.call_sid)["queue"] == "language_lines:french"


def test_silence_on_the_language_menu_is_never_dead_air(weekday):
    call = new_call(weekday)
    call.start()
    call.press("8")
    assert call.silence()[0] == "Sorry, I did not hear a key."
    heard = call.silence()  # twice: an adviser, not the end of the call
    assert "I will put you through to an adviser in the contact centre." in heard


@pytest.mark.parametrize("fixture", ["weekday", "with_assistant"])
def test_pressing_9_reads_the_notice_then_carries_on_where_the_customer_was(request, fixture):
    app = request.getfixturevalue(fixture)
    call = new_call(app)
    first = call.start()[-1]
    heard = call.press("9")
    assert heard[:-1] == notices().privacy.spoken()
    assert any(WELFARE_REFORM in text for text in heard)
    assert heard[-1] == first  # the same question again
    assert dict(events(app, call.call_sid))["customer_said"] == {"keypad": "privacy_notice"}
    if fixture == "weekday":
        call.press("45")  # and the call goes on from there
        assert call.press("2")[0].startswith("I will put you through")


def test_after_the_opening_9_is_an_answer_again(weekday):
    call = new_call(weekday)
    call.start()
    call.press("40")
    heard = call.press("9")  # the need menu: 9 is no choice there
    assert heard[0] == "Sorry, that is not one of the choices."
