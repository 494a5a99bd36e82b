"""Call-me windows: only inside the contact centre's opening hours (001:1.3, 000:L65)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivr.forms.windows import WindowError, check_window, offered_windows
from routing.plan import default_directory

LONDON = ZoneInfo("Europe/London")
CENTRE = default_directory().contact_centre


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def offered(now):
    return offered_windows(CENTRE, now, days_ahead=6, slot_minutes=120, lead_minutes=15)


def test_offers_start_ahead_of_now_and_stay_inside_the_opening_period():
    windows = offered(at(2026, 3, 2, 10, 5))  # a Monday
    assert windows[0].start == at(2026, 3, 2, 10, 30) and windows[0].end == at(2026, 3, 2, 12, 0)
    for window in windows:
        local = window.start.astimezone(LONDON)
        assert 8 <= local.hour and window.end.astimezone(LONDON).hour <= 22
        assert window.end - window.start >= timedelta(minutes=30)
    days = {w.start.astimezone(LONDON).date() for w in windows}
    assert len(days) == 7  # today and the next six days, all open


def test_christmas_and_boxing_day_are_never_offered_and_christmas_eve_ends_at_four():
    windows = offered(at(2026, 12, 23, 21, 0))
    days = {w.start.astimezone(LONDON).date() for w in windows}
    assert at(2026, 12, 25, 9).date() not in days and at(2026, 12, 26, 9).date() not in days
    eve = [w for w in windows if w.start.astimezone(LONDON).date() == at(2026, 12, 24, 9).date()]
    assert eve[0].start == at(2026, 12, 24, 8) and eve[-1].end == at(2026, 12, 24, 16)


def test_late_evening_offers_start_tomorrow_morning():
    windows = offered(at(2026, 3, 2, 21, 50))
    assert windows[0].start == at(2026, 3, 3, 8, 0)


@pytest.mark.parametrize(("start", "end", "why"), [
    (at(2026, 3, 2, 21, 0), at(2026, 3, 2, 23, 0), "opening hours"),
    (at(2026, 12, 25, 10, 0), at(2026, 12, 25, 12, 0), "opening hours"),
    (at(2026, 3, 2, 9, 0), at(2026, 3, 2, 9, 10), "at least 30 minutes"),
    (at(2026, 3, 1, 9, 0), at(2026, 3, 1, 11, 0), "already passed"),
    (at(2026, 3, 20, 9, 0), at(2026, 3, 20, 11, 0), "next 6 days"),
    (datetime(2026, 3, 2, 12), datetime(2026, 3, 2, 14), "UTC offset"),
])
def test_windows_outside_the_rules_are_refused_with_the_reason(start, end, why):
    with pytest.raises(WindowError, match=why):
        check_window(CENTRE, at(2026, 3, 2, 10, 0), start, end, days_ahead=6,
                     min_window_minutes=30)


def test_a_window_already_under_way_is_booked_from_now():
    now = at(2026, 3, 2, 10, 0)
    window = check_window(CENTRE, now, at(2026, 3, 2, 9, 0), at(2026, 3, 2, 11, 0),
                          days_ahead=6, min_window_minutes=30)
    assert window.start == now and window.end == at(2026, 3, 2, 11, 0)
