"""Times, waits and summaries in plain words."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.summary import summary_sentence
from engine.when import by_when, clock
from ivr.voice.spoken import digits, minutes

LONDON = ZoneInfo("Europe/London")
FRIDAY_EVENING = datetime(2026, 3, 6, 18, 0, tzinfo=LONDON)


@pytest.mark.parametrize(("hour", "minute", "words"), [
    (17, 0, "5pm"), (9, 30, "9:30am"), (12, 0, "midday"), (0, 0, "midnight"), (22, 0, "10pm"),
])
def test_clock(hour, minute, words):
    assert clock(datetime(2026, 3, 2, hour, minute)) == words


def test_by_when_names_the_day_plainly():
    monday = datetime(2026, 3, 9, 17, 0, tzinfo=LONDON)
    assert by_when(monday, FRIDAY_EVENING) == "by 5pm on Monday"
    assert by_when(datetime(2026, 3, 6, 21, 0, tzinfo=LONDON), FRIDAY_EVENING) == "by 9pm today"
    assert by_when(datetime(2026, 3, 7, 22, 0, tzinfo=LONDON), FRIDAY_EVENING) == "by 10pm tomorrow"
    assert by_when(datetime(2026, 3, 20, 17, 0, tzinfo=LONDON), FRIDAY_EVENING) == (
        "by 5pm on Friday 20 March")


def test_by_when_speaks_london_time_for_a_utc_deadline():
    due = datetime(2026, 7, 6, 16, 0, tzinfo=ZoneInfo("UTC"))  # 5pm British Summer Time
    assert by_when(due, datetime(2026, 7, 3, 18, 0, tzinfo=LONDON)) == "by 5pm on Monday"


def test_midnight_belongs_to_the_day_before():
    due = datetime(2026, 3, 10, 0, 0, tzinfo=LONDON)
    assert by_when(due, FRIDAY_EVENING) == "by midnight on Monday"


@pytest.mark.parametrize(("seconds", "words"), [
    (0, "less than a minute"), (20, "less than a minute"), (60, "1 minute"), (150, "2 minutes"),
    (600, "10 minutes"),
])
def test_minutes(seconds, words):
    assert minutes(seconds) == words


def test_digits_are_spaced_for_reading():
    assert digits("+441134960123") == "1 2 3"


def test_summary_sentence_leaves_custody_out():  # 001:20.2
    sentence = summary_sentence({"age": 18, "need": "advice", "jobcentre_plus_claimant": True,
                                 "in_custody": True},
                                {"destination": "prime_contractor_advice",
                                 "offer_face_to_face": True}, "London")
    assert sentence == ("The customer is aged 18, wants careers advice, is a Jobcentre Plus "
                        "customer, is in a priority group for face to face support, lives in the "
                        "London area.")
    assert "custody" not in sentence
