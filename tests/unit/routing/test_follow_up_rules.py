"""The follow-up programme's pure rules: due times (000:L110), routes, rates (000:L5, L16)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.files import ConfigFileError, config_file, load
from routing.follow_up_rules import (
    FollowUpRules,
    Recorded,
    add_months,
    due_at,
    load_rules,
    rates,
    second_due,
    service_of,
)

RULES = load_rules()
LAST = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)


def test_the_first_follow_up_is_31_days_after_the_last_contact_and_the_second_two_months_on():
    assert due_at(LAST, 1, RULES) == datetime(2026, 2, 10, 15, 0, tzinfo=UTC)
    assert due_at(LAST, 2, RULES) == datetime(2026, 4, 10, 15, 0, tzinfo=UTC)
    with pytest.raises(ValueError):
        due_at(LAST, 3, RULES)


def test_a_late_first_flag_moves_the_second_so_one_round_never_flags_both():
    on_time = due_at(LAST, 1, RULES)
    assert second_due(LAST, on_time, RULES) == due_at(LAST, 2, RULES)
    late = datetime(2026, 5, 1, tzinfo=UTC)
    assert second_due(LAST, late, RULES) == datetime(2026, 7, 1, tzinfo=UTC)


def test_calendar_months_end_on_the_last_day_of_a_short_month():
    assert add_months(datetime(2026, 12, 31, tzinfo=UTC), 2) == datetime(2027, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 11, 30, tzinfo=UTC), 3) == datetime(2028, 2, 29, tzinfo=UTC)


def test_routes_decide_the_target_and_who_is_not_followed_up():
    assert service_of("adult_information", RULES) == "information"
    assert service_of("prime_contractor_advice", RULES) == "advice"
    assert service_of("adult_digital_advice", RULES) == "advice"
    for route in ("safeguarding", "complaints_and_feedback", "outside_england", None):
        assert service_of(route, RULES) is None


def test_the_outcome_list_comes_from_the_seeds_and_has_positives_and_negatives():
    codes = {o.code: o.positive for o in RULES.outcomes}
    assert codes["found_job"] and codes["enrolled_learning"] and codes["progression_in_work"]
    assert codes["still_looking"] is False
    assert RULES.target_percent == {"information": 40, "advice": 50}
    assert RULES.outcome("nonsense") is None and RULES.decline_channel("phone") is not None


def test_a_customer_counts_once_and_positive_if_either_follow_up_was():
    found = {r.service: r for r in rates([
        Recorded(1, "CA1", "advice", False), Recorded(1, "CA1", "advice", True),
        Recorded(2, "CA2", "advice", False),
        Recorded(3, "chat-3", "information", True), Recorded(4, "chat-4", "information", False),
        Recorded(5, "chat-5", "information", False)], RULES)}
    assert (found["advice"].followed_up, found["advice"].positive) == (2, 1)
    assert found["advice"].percent == 50.0 and found["advice"].met is True
    assert found["information"].percent == pytest.approx(33.3) and not found["information"].met


def test_nobody_followed_up_has_no_rate():
    (information, advice) = rates([], RULES)
    assert information.percent is None and information.met is None and advice.followed_up == 0


def test_a_bad_file_is_refused_with_the_entry(tmp_path):
    text = tmp_path / "f.yaml"
    text.write_text(config_file("follow_up.yaml").read_text().replace("advice: 50", "advice: 500"))
    with pytest.raises(ConfigFileError, match="target_percent"):
        load(FollowUpRules, text)
