"""A due time in words is said one way on every channel."""

from datetime import datetime
from zoneinfo import ZoneInfo

from engine.when import by_when, when

LONDON = ZoneInfo("Europe/London")


def test_the_promise_is_the_time_words_with_by_in_front():
    now = datetime(2026, 12, 24, 16, 0, tzinfo=LONDON)
    due = datetime(2026, 12, 29, 17, 0, tzinfo=LONDON)  # after Christmas and Boxing Day
    assert when(due, now) == "5pm on Tuesday"
    assert by_when(due, now) == "by " + when(due, now)


def test_a_week_or_more_away_names_the_date():
    now = datetime(2026, 12, 18, 16, 0, tzinfo=LONDON)
    assert when(datetime(2026, 12, 29, 17, 0, tzinfo=LONDON), now) == "5pm on Tuesday 29 December"
