"""The directory in config/ loads as specified, and a bad edit is refused with a clear message."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from routing.directory import CONTRACTOR_IDS, QUEUE_IDS, DirectoryError, load_directory

# Ofcom's drama ranges used in config/contractors.yaml (never real lines).
DRAMA_PREFIXES = ("+441134960", "+441154960", "+441174960", "+441184960", "+441214960",
                  "+441614960", "+441914980", "+442079460", "+441632960")


def test_nine_contractors_with_drama_numbers_and_default_hours(directory):
    assert tuple(directory.contractors) == CONTRACTOR_IDS
    for contractor in directory.contractors.values():
        assert re.fullmatch(r"\+44\d{9,10}", contractor.transfer_number)
        assert contractor.transfer_number.startswith(DRAMA_PREFIXES)
        schedule = contractor.schedule
        assert [str(p) for p in schedule.weekly[0]] == ["09:00-17:00"]  # Monday (000:L9)
        assert schedule.weekly[5] == schedule.weekly[6] == ()  # closed at weekends
        assert schedule.closed_on_bank_holidays


def test_contact_centre_queues_and_language_lines(directory):
    centre = directory.contact_centre.schedule
    assert all([str(p) for p in day] == ["08:00-22:00"] for day in centre.weekly)  # 001:1.3
    assert centre.closed_yearly == {(12, 25), (12, 26), (1, 1)}
    assert {k: [str(p) for p in v] for k, v in centre.special_yearly.items()} == {
        (12, 24): ["08:00-16:00"], (12, 31): ["08:00-16:00"]}  # 000:L65
    assert tuple(directory.queues) == QUEUE_IDS
    assert sorted(directory.language_lines) == sorted(
        ["gujarati", "punjabi", "sylheti", "urdu", "farsi", "polish", "french", "somali"])
    assert str(directory.language_line("Punjabi").schedule.weekly[0][0]) == "09:00-20:00"
    assert str(directory.language_line("urdu").schedule.weekly[4][0]) == "09:00-20:00"
    assert str(directory.language_line("Polish").schedule.weekly[0][0]) == "09:00-17:00"
    assert directory.language_line("Klingon") is None


def test_every_entity_id_is_findable(directory):
    for ident in directory.entity_ids():
        assert directory.entity(ident).id == ident
    with pytest.raises(KeyError):
        directory.entity("nowhere")


def _edit(folder, name, change):
    path = folder / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data))


def _refused(folder, message):
    with pytest.raises(DirectoryError, match=message) as caught:
        load_directory(folder)
    assert "\n" not in str(caught.value)


def test_unknown_weekday_is_refused(config_copy):
    _edit(config_copy, "contractors.yaml",
          lambda d: d["contractors"][0].update(hours={"mondy": ["09:00-17:00"]}))
    _refused(config_copy, r"contractor north-east: unknown weekday 'mondy'")


def test_overlapping_periods_are_refused(config_copy):
    _edit(config_copy, "contact_centre.yaml", lambda d: d["contact_centre"]["hours"].update(
        saturday=["08:00-12:00", "11:00-14:00"]))
    _refused(config_copy, r"saturday: overlapping periods 08:00-12:00 and 11:00-14:00")


@pytest.mark.parametrize("number", ["01134960000", "+44 113 496 0000", "+4411", "+0441134960000"])
def test_bad_transfer_number_is_refused(config_copy, number):
    _edit(config_copy, "contractors.yaml",
          lambda d: d["contractors"][3].update(transfer_number=number))
    _refused(config_copy, r"contractor east-midlands: transfer_number .* is not an E.164 number")


@pytest.mark.parametrize("ranges, message", [
    (["9-17"], "is not a range like 09:00-17:00"),
    (["17:00-09:00"], "ends before it starts"),
    (["09:00-25:00"], "is not a time of day"),
    ("09:00-17:00", "expected a list"),
])
def test_bad_ranges_are_refused(config_copy, ranges, message):
    _edit(config_copy, "contact_centre.yaml",
          lambda d: d["language_lines"]["lines"][0].update(hours={"monday": ranges}))
    _refused(config_copy, message)


def test_unknown_and_missing_contractors_are_refused(config_copy):
    _edit(config_copy, "contractors.yaml", lambda d: d["contractors"][0].update(id="wales"))
    _refused(config_copy, r"contractor wales: unknown id")
    _edit(config_copy, "contractors.yaml", lambda d: d["contractors"].pop(0))
    _refused(config_copy, r"missing contractors north-east")


def test_bad_dates_missing_queue_and_bad_yaml_are_refused(config_copy):
    _edit(config_copy, "contact_centre.yaml",
          lambda d: d["contact_centre"]["closed_on"].append({"date": "12-32"}))
    _refused(config_copy, r"'12-32' is not a date")
    _edit(config_copy, "contact_centre.yaml", lambda d: d["contact_centre"]["closed_on"].pop())
    _edit(config_copy, "contact_centre.yaml", lambda d: d.update(
        queues=[q for q in d["queues"] if q["id"] != "safeguarding"]))
    _refused(config_copy, r"missing queues safeguarding")
    (config_copy / "contact_centre.yaml").write_text("queues: [unclosed\n")
    _refused(config_copy, r"not valid YAML")


def test_a_contractor_can_publish_its_own_hours_and_closures(config_copy):
    def change(data):
        data["contractors"][6].update(
            hours={"monday": ["09:00-18:00"], "saturday": ["10:00-13:00"]},
            closed_on=[{"date": "2026-11-27", "reason": "training"}])
    _edit(config_copy, "contractors.yaml", change)
    london = load_directory(config_copy).contractors["london"].schedule
    assert [str(p) for p in london.weekly[0]] == ["09:00-18:00"]
    assert [str(p) for p in london.weekly[5]] == ["10:00-13:00"]
    assert london.weekly[1] == ()  # its own week replaces the default week entirely
    assert london.periods_on(date(2026, 11, 27)) == ()
