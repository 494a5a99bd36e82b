"""The request-start stamp: read in the forms balancers write it, believed only when plausible."""

from __future__ import annotations

import math

from live import arrival

NOW = 1_800_000_000.0


def test_seconds_milliseconds_and_microseconds_are_read_alike():
    for value in ("t=1799999996.5", "1799999996500", "t=1799999996500000"):
        assert arrival.arrived_at(value, NOW) == 1_799_999_996.5


def test_a_missing_unreadable_future_or_ancient_stamp_is_not_believed():
    for value in (None, "", "t=soon", f"t={NOW + 5}", f"t={NOW - 3600}", "t=nan", "t=inf", "1e400"):
        assert arrival.arrived_at(value, NOW) is None


def test_the_answer_is_due_within_the_budget_of_arrival_or_of_now():
    assert arrival.answer_by({arrival.HEADER: f"t={NOW - 4}"}, 10, NOW) == NOW + 6
    assert arrival.answer_by({}, 10, NOW) == NOW + 10


def test_the_front_keeps_an_earlier_upstream_stamp_and_otherwise_its_own():
    assert arrival.earlier(f"t={NOW - 2}", NOW) == f"t={NOW - 2:.3f}"
    assert arrival.earlier(f"t={NOW + 2}", NOW) == f"t={NOW:.3f}"
    assert arrival.earlier(None, NOW) == arrival.stamp(NOW)
    assert not math.isinf(float(arrival.stamp().removeprefix("t=")))
