"""Erlang C against published figures, and the properties any staffing answer must keep."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from routing.erlang_c import (
    agents_needed,
    average_speed_of_answer,
    probability_of_waiting,
    service_level,
    traffic_intensity,
    with_shrinkage,
)

# Published worked example: 100 calls in 30 minutes, average handling time 180 s, answer time
# 20 s. Source: the R package ErlangC (CRAN, README "Example": erlang_c(100, 30 min, 180 s,
# 20 s, 14) and calculate_agents(..., require_service_level = 0.8)), the example Call Centre
# Helper's "Erlang C Formula – Made Simple With an Easy Worked Example" also works through.
# (agents, probability of waiting, service level) as printed there.
PUBLISHED = [
    (11, 0.6821182, 0.3896138),
    (14, 0.1741319, 0.88835),
]
PUBLISHED_ASA_14 = 7.83593701177724  # seconds
PUBLISHED_OCCUPANCY_14 = 0.7142857
PUBLISHED_AGENTS_80_20 = 14


def test_traffic_intensity_of_the_published_example():
    assert traffic_intensity(100, 180, 1800) == 10


@pytest.mark.parametrize(("agents", "waits", "within"), PUBLISHED)
def test_the_published_rows(agents, waits, within):
    assert probability_of_waiting(10, agents) == pytest.approx(waits, abs=5e-7)
    assert service_level(10, agents, 180, 20) == pytest.approx(within, abs=5e-6)


def test_the_published_speed_of_answer_occupancy_and_agents():
    assert average_speed_of_answer(10, 14, 180) == pytest.approx(PUBLISHED_ASA_14, rel=1e-9)
    assert 10 / 14 == pytest.approx(PUBLISHED_OCCUPANCY_14, abs=5e-8)
    assert agents_needed(100, 180, 1800, target=0.8, answer_seconds=20) == \
        PUBLISHED_AGENTS_80_20
    # 13 advisers fall short of 80% (about 79.6%), so 14 is the fewest, not merely enough.
    assert service_level(10, 13, 180, 20) < 0.8


def test_shrinkage_adds_the_advisers_off_the_phones():
    # 14 on the phones with 30% shrinkage: 14 ÷ 0.7 = 20 rostered (floating point gives
    # 20.000000000000004, which must not become 21).
    assert with_shrinkage(14, 0.3) == 20
    assert with_shrinkage(14, 0.0) == 14
    assert with_shrinkage(0, 0.3) == 0
    with pytest.raises(ValueError):
        with_shrinkage(14, 1.0)


def test_no_calls_need_no_advisers():
    assert agents_needed(0, 300, 1800, target=0.9, answer_seconds=15) == 0
    assert probability_of_waiting(0, 0) == 0.0
    assert service_level(0, 0, 300, 15) == 1.0


def test_a_queue_that_never_settles_keeps_adding_advisers():
    # 10 erlangs: with 10 or fewer advisers the queue grows for ever.
    assert probability_of_waiting(10, 10) == 1.0
    assert service_level(10, 10, 180, 20) == 0.0
    assert average_speed_of_answer(10, 9, 180) == math.inf
    # A tiny fraction of an erlang still needs one adviser.
    assert agents_needed(1, 1, 1800, target=0.9, answer_seconds=15) == 1


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        traffic_intensity(-1, 180, 1800)
    with pytest.raises(ValueError):
        traffic_intensity(1, 180, 0)
    with pytest.raises(ValueError):
        agents_needed(10, 180, 1800, target=1.0, answer_seconds=15)


def test_hundreds_of_erlangs_neither_overflow_nor_lose_precision():
    # 171! overflows a float: the recursion must not need it.
    agents = agents_needed(6000, 180, 1800, target=0.9, answer_seconds=15)
    assert 600 < agents < 700
    assert service_level(600, agents, 180, 15) >= 0.9 > service_level(600, agents - 1, 180, 15)


intensities = st.floats(min_value=0.01, max_value=200, allow_nan=False)


@given(intensities, st.integers(min_value=0, max_value=260),
       st.floats(min_value=1, max_value=900), st.floats(min_value=0, max_value=120))
def test_another_adviser_never_lowers_the_service_level(intensity, agents, handling, answer):
    before = service_level(intensity, agents, handling, answer)
    after = service_level(intensity, agents + 1, handling, answer)
    assert 0.0 <= before <= after + 1e-12 <= 1.0 + 1e-12
    assert probability_of_waiting(intensity, agents + 1) <= \
        probability_of_waiting(intensity, agents) + 1e-12


@given(st.floats(min_value=0, max_value=2000), st.floats(min_value=10, max_value=900),
       st.sampled_from([0.8, 0.9, 0.95]), st.sampled_from([10.0, 15.0, 20.0, 30.0]))
def test_the_answer_is_the_fewest_that_meet_the_target(calls, handling, target, answer):
    agents = agents_needed(calls, handling, 1800, target=target, answer_seconds=answer)
    intensity = traffic_intensity(calls, handling, 1800)
    if intensity == 0:  # no calls (or so few the work rounds to nothing)
        assert agents == 0
        return
    assert agents > intensity
    assert service_level(intensity, agents, handling, answer) >= target
    assert service_level(intensity, agents - 1, handling, answer) < target


@given(st.floats(min_value=0, max_value=500), st.floats(min_value=0, max_value=500))
def test_more_calls_never_need_fewer_advisers(calls, more):
    fewer = agents_needed(calls, 300, 1800, target=0.9, answer_seconds=15)
    assert agents_needed(calls + more, 300, 1800, target=0.9, answer_seconds=15) >= fewer
