"""config/staffing.yaml reads as written, refuses what cannot be planned, and the plan's days."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from config.files import ConfigFileError
from routing.staffing import STAFFING_CONFIG_FILE, load_staffing_config, same_weekdays


def test_the_shipped_file_loads():
    config = load_staffing_config()
    assert config.channels == ("phone",) and config.interval_minutes == 30
    assert config.handling_for("adult_information") == 300
    assert config.handling_for("complaints") == config.handling_seconds.default


@pytest.mark.parametrize(("entry", "value", "complaint"), [
    ("interval_minutes", 25, "divide the hour"),
    ("shrinkage", 1.0, "shrinkage"),
    ("plan_weeks", 0, "plan_weeks"),
    ("channels", [], "channels"),
    ("surprise", 1, "surprise"),
])
def test_a_wrong_entry_is_named(tmp_path, entry, value, complaint):
    data = yaml.safe_load(STAFFING_CONFIG_FILE.read_text(encoding="utf-8"))
    data[entry] = value
    broken = tmp_path / "staffing.yaml"
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigFileError, match=complaint):
        load_staffing_config(broken)


def test_the_same_weekdays_are_all_before_today():
    monday = date(2026, 12, 7)
    assert same_weekdays(date(2026, 12, 8), today=monday, weeks=2) == (date(2026, 12, 1),
                                                                     date(2026, 11, 24))
    # Next Monday: today (a Monday, still under way) is not history.
    assert same_weekdays(date(2026, 12, 14), today=monday, weeks=1) == (date(2026, 11, 30),)
    for ahead in range(1, 15):
        day = date.fromordinal(monday.toordinal() + ahead)
        found = same_weekdays(day, today=monday, weeks=3)
        assert all(d < monday and d.weekday() == day.weekday() for d in found)
        assert (monday - found[0]).days <= 7
