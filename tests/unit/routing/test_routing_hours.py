"""Calendars in Europe/London: opening hours, Christmas, bank holidays, DST days, working days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from routing_times import london

from routing import hours
from routing.schedule import BankHolidays


def test_contact_centre_hours_every_day(directory):
    centre = directory.contact_centre  # 08:00-22:00 seven days a week (001:1.3)
    for day in ("2026-06-01", "2026-06-06", "2026-06-07"):  # Monday, Saturday, Sunday
        assert not hours.is_open(centre, london(f"{day} 07:59:59"))
        assert hours.is_open(centre, london(f"{day} 08:00"))
        assert hours.is_open(centre, london(f"{day} 21:59:59"))
        assert not hours.is_open(centre, london(f"{day} 22:00"))


def test_contact_centre_over_christmas_and_new_year(directory):
    centre = directory.contact_centre
    assert hours.is_open(centre, london("2026-12-24 15:59"))  # short day (000:L65)
    assert not hours.is_open(centre, london("2026-12-24 16:00"))
    assert not hours.is_open(centre, london("2026-12-25 12:00"))  # closed (001:1.3)
    assert not hours.is_open(centre, london("2026-12-26 12:00"))
    assert hours.is_open(centre, london("2026-12-28 12:00"))  # open on Boxing Day observed
    assert not hours.is_open(centre, london("2026-12-31 16:30"))
    assert not hours.is_open(centre, london("2027-01-01 09:00"))
    assert hours.next_opening(centre, london("2026-12-24 17:00")) == london("2026-12-27 08:00")


def test_contact_centre_stays_open_on_other_bank_holidays(directory):
    assert hours.is_open(directory.contact_centre, london("2026-04-03 10:00"))  # Good Friday


def test_contractor_weekdays_only(directory):
    north_west = directory.contractors["north-west"]
    assert hours.is_open(north_west, london("2026-06-05 16:59"))  # Friday
    assert not hours.is_open(north_west, london("2026-06-05 17:00"))
    assert not hours.is_open(north_west, london("2026-06-06 10:00"))  # Saturday
    opens = hours.next_opening(north_west, london("2026-06-05 18:00"))
    assert opens == london("2026-06-08 09:00")


def test_friday_evening_is_due_monday_at_five(directory):
    north_west = directory.contractors["north-west"]
    due = hours.end_of_next_period(north_west, london("2026-06-05 18:00"))
    assert due == london("2026-06-08 17:00")


def test_christmas_eve_evening_is_due_tuesday_29th(directory):
    # 25 Dec (Friday), Boxing Day observed on Monday 28 Dec, so Tuesday 29 Dec at 17:00.
    north_west = directory.contractors["north-west"]
    due = hours.end_of_next_period(north_west, london("2026-12-24 18:00"))
    assert due == london("2026-12-29 17:00")


def test_bank_holidays_close_contractors(directory):
    leeds = directory.contractors["yorkshire-humber"]
    for holiday in ("2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31"):
        assert not hours.is_open(leeds, london(f"{holiday} 10:00")), holiday
    # The day before Easter weekend: next period is the Tuesday after Easter Monday.
    assert hours.next_period(leeds, london("2026-04-02 17:30")) == (
        london("2026-04-07 09:00"), london("2026-04-07 17:00"))


def test_only_england_bank_holidays_count(directory):
    # 2 January and St Andrew's Day are Scottish bank holidays, not English ones.
    leeds = directory.contractors["yorkshire-humber"]
    assert hours.is_open(leeds, london("2026-01-02 10:00"))
    assert hours.is_open(leeds, london("2026-11-30 10:00"))


def test_spring_forward_day(directory):
    # Sunday 29 March 2026: clocks go from 01:00 GMT to 02:00 BST.
    centre = directory.contact_centre
    assert not hours.is_open(centre, datetime(2026, 3, 29, 6, 59, tzinfo=UTC))  # 07:59 BST
    assert hours.is_open(centre, datetime(2026, 3, 29, 7, 0, tzinfo=UTC))  # 08:00 BST
    assert not hours.is_open(centre, datetime(2026, 3, 29, 21, 0, tzinfo=UTC))  # 22:00 BST
    # Friday 27 March 18:00 GMT -> Monday 30 March 09:00 BST, which is 08:00 UTC.
    start, end = hours.next_period(directory.contractors["london"], london("2026-03-27 18:00"))
    assert start.astimezone(UTC) == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 3, 30, 16, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=8)


def test_fall_back_day(directory):
    # Sunday 25 October 2026: clocks go from 02:00 BST back to 01:00 GMT.
    centre = directory.contact_centre
    assert not hours.is_open(centre, datetime(2026, 10, 25, 7, 59, tzinfo=UTC))  # 07:59 GMT
    assert hours.is_open(centre, datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
    # Saturday 24 October 23:30 BST -> the period starting Sunday 08:00 GMT, ending 22:00 GMT.
    start, end = hours.next_period(centre, london("2026-10-24 23:30"))
    assert start.astimezone(UTC) == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)
    assert end.astimezone(UTC) == datetime(2026, 10, 25, 22, 0, tzinfo=UTC)
    assert hours.is_open(directory.contractors["london"], datetime(2026, 10, 26, 9, 0, tzinfo=UTC))


def test_emergency_closure_overrides_published_hours(directory):
    north_west = directory.contractors["north-west"]
    monday = london("2026-06-08 10:00")
    assert hours.is_open(north_west, monday)
    assert not hours.is_open(north_west, monday, closed={"north-west"})
    assert hours.is_open(north_west, monday, closed={"london"})
    # While closed, the next published period is the best answer.
    opens = hours.next_opening(north_west, monday, closed={"north-west"})
    assert opens == london("2026-06-09 09:00")


def test_current_period(directory):
    north_west = directory.contractors["north-west"]
    assert hours.current_period(north_west, london("2026-06-08 10:00")) == (
        london("2026-06-08 09:00"), london("2026-06-08 17:00"))
    assert hours.current_period(north_west, london("2026-06-08 08:00")) is None


def test_working_days(directory):
    holidays = directory.bank_holidays
    assert hours.is_working_day(date(2026, 12, 24), holidays)
    assert not hours.is_working_day(date(2026, 12, 28), holidays)  # Boxing Day observed
    assert hours.next_working_day(date(2026, 12, 24), holidays) == date(2026, 12, 29)
    assert hours.next_working_day(date(2026, 6, 5), holidays) == date(2026, 6, 8)
    # Face-to-face within five working days (000:L115): from Thursday 2 April over Easter.
    assert hours.add_working_days(date(2026, 4, 2), 5, holidays) == date(2026, 4, 13)
    with pytest.raises(ValueError):
        hours.add_working_days(date(2026, 4, 2), -1, holidays)


def test_bank_holiday_overrides():
    plain = BankHolidays()
    changed = BankHolidays(added={date(2027, 6, 7): "one-off"},
                           removed=frozenset({date(2027, 5, 3)}))
    assert date(2027, 5, 3) in plain and date(2027, 5, 3) not in changed
    assert date(2027, 6, 7) not in plain and date(2027, 6, 7) in changed


def test_overrides_from_config(config_copy):
    import yaml

    from routing.directory import load_directory

    path = config_copy / "contact_centre.yaml"
    data = yaml.safe_load(path.read_text())
    data["bank_holidays"] = {"add": [{"date": "2026-06-08", "reason": "one-off"}],
                             "remove": ["2026-05-04"]}
    path.write_text(yaml.safe_dump(data))
    north_west = load_directory(config_copy).contractors["north-west"]
    assert not hours.is_open(north_west, london("2026-06-08 10:00"))
    assert hours.is_open(north_west, london("2026-05-04 10:00"))


def test_naive_times_are_refused(directory):
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.is_open(directory.contact_centre, datetime(2026, 6, 8, 10, 0))
