"""Erlang C: how many advisers a queue needs to answer a share of calls within a time.

Pure functions, standard library only. The model (M/M/N): calls arrive at random at a steady
rate through the interval, handling times are exponential, every caller waits as long as it
takes (nobody abandons) and any adviser can take any call. For N advisers and traffic A:

    A  = calls × average handling time ÷ interval                      (erlangs)
    Pw = probability that a call waits (Erlang's delay formula)
    SL = 1 − Pw × e^(−(N − A) × T ÷ AHT)                              (answered within T)

Pw comes from the Erlang B recursion, B(0) = 1, B(n) = A·B(n−1) ÷ (n + A·B(n−1)), and
Pw = N·B ÷ (N − A·(1 − B)): the same number as the textbook ratio of A^N ÷ N! terms, without
factorials, so a queue of hundreds of erlangs neither overflows nor loses precision.
"""

from __future__ import annotations

import math

MAX_AGENTS = 10_000  # a search that reaches this is a misconfiguration, not a staffing plan


def traffic_intensity(calls: float, handling_seconds: float, interval_seconds: float) -> float:
    """Erlangs: the advisers' worth of work the calls bring, on average, through the interval."""
    if calls < 0 or handling_seconds < 0 or interval_seconds <= 0:
        raise ValueError("calls and handling time must not be negative; the interval positive")
    return calls * handling_seconds / interval_seconds


def probability_of_waiting(intensity: float, agents: int) -> float:
    """Erlang C: the chance a call finds every adviser busy (1.0 when the queue never settles)."""
    if intensity < 0 or agents < 0:
        raise ValueError("intensity and agents must not be negative")
    if intensity == 0:
        return 0.0
    if agents <= intensity:
        return 1.0  # work arrives as fast as, or faster than, N advisers can do it
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = intensity * blocking / (n + intensity * blocking)
    return agents * blocking / (agents - intensity * (1 - blocking))


def service_level(intensity: float, agents: int, handling_seconds: float,
                  answer_seconds: float) -> float:
    """The share of calls answered within `answer_seconds` with `agents` advisers."""
    if intensity == 0:
        return 1.0
    if agents <= intensity:
        return 0.0  # the queue grows without end: in the long run nobody is answered in time
    waits = probability_of_waiting(intensity, agents)
    return max(0.0, 1 - waits * math.exp(-(agents - intensity) * answer_seconds
                                         / handling_seconds))


def average_speed_of_answer(intensity: float, agents: int, handling_seconds: float) -> float:
    """The mean wait in seconds over all calls (infinite when the queue never settles)."""
    if intensity == 0:
        return 0.0
    if agents <= intensity:
        return math.inf
    return probability_of_waiting(intensity, agents) * handling_seconds / (agents - intensity)


def agents_needed(calls: float, handling_seconds: float, interval_seconds: float, *,
                  target: float, answer_seconds: float) -> int:
    """The fewest advisers who answer `target` of the calls within `answer_seconds`.

    No calls need no advisers. The search starts at the first whole number above the traffic
    (fewer never settle) and adds one at a time: the service level rises with every adviser.
    """
    if not 0 < target < 1:
        raise ValueError("the target is a share between 0 and 1, e.g. 0.9")
    if answer_seconds < 0:
        raise ValueError("the answer time must not be negative")
    intensity = traffic_intensity(calls, handling_seconds, interval_seconds)
    if intensity == 0:
        return 0
    agents = math.floor(intensity) + 1
    while service_level(intensity, agents, handling_seconds, answer_seconds) < target:
        agents += 1
        if agents > MAX_AGENTS:
            raise ValueError(f"more than {MAX_AGENTS} advisers: check the handling time")
    return agents


def with_shrinkage(agents: int, shrinkage: float) -> int:
    """Advisers to roster so that `agents` are on the phones when `shrinkage` of paid time goes
    on breaks, training, meetings and absence (0.3 = 30%)."""
    if not 0 <= shrinkage < 1:
        raise ValueError("shrinkage is a share from 0 up to (not including) 1")
    # Rounded before the ceiling, so 14 ÷ 0.7 (20.000000000000004 in floating point) is 20.
    return math.ceil(round(agents / (1 - shrinkage), 9))
