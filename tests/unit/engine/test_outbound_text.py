"""The check every outbound text passes (engine.outbound_text): restricted words (001:20.2-20.4),
dates of birth and memorable numbers refused with a reason, never with the words."""

from __future__ import annotations

import pytest

from engine.outbound_text import refusal
from ivr.messaging.config import load_messages_config


@pytest.mark.parametrize("text", [
    "National Careers Service: an adviser will call you by 4pm on Monday 28 December.",
    "Call us free on 0800 100 900.",
    "Call us on 07400 123456 or 0113 496 0456.",
    "Reply STOP to get no more texts about it.",
    "A cellist and a scone",  # innocent words that contain restricted ones
])
def test_ordinary_texts_pass(text):
    assert refusal(text) is None


@pytest.mark.parametrize(("text", "reason"), [
    ("Your adviser from the prison service", "restricted_word"),
    ("Since you were convicted", "restricted_word"),
    ("ex-offender support", "restricted_word"),
    ("p.r.i.s.o.n", "restricted_word"),
    ("born 12/03/1990", "date_of_birth"),
    ("born 4 March 1990", "date_of_birth"),
    ("born March 4, 1990", "date_of_birth"),
    ("your memorable number 123456", "memorable_number"),
    ("keyed 12345678", "memorable_number"),
    ("code 123 4567", "memorable_number"),
])
def test_what_must_never_be_written_is_refused_with_its_reason(text, reason):
    assert refusal(text) == reason


def test_every_configured_template_passes_the_check_when_filled_in():
    config = load_messages_config()
    words = {"who": "An adviser from the contact centre",
             "who_in_sentence": "an adviser from the contact centre",
             "when": "by 4pm on Monday 28 December"}
    templates = list(config.sms.values()) + list(config.email.values())
    assert templates
    for template in templates:
        assert refusal(template.format(**words)) is None, template
