"""Adviser figures for a day: handling time, wrap time, occupancy, contacts per hour and
outcome codes, per adviser and for the team (issue: supervisors run the floor, item 4).

Pure: it takes the day's presence intervals (models.presence_history) and the timeline's
`answered` and `wrapped_up` events, and returns the figures; the console reads them and shows
them. Handling time is the time Busy plus the time in Wrap-up (talk, hold and after-call work),
divided by the contacts answered; occupancy is (Busy + Wrap-up) ÷ (Available + Busy + Wrap-up).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from models.contacts import adviser_of

ON_DUTY = ("available", "busy", "wrap_up")


@dataclass
class AdviserDay:
    """One adviser's (or the team's) figures for the day."""

    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    answered: int = 0
    queues: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)

    def figures(self) -> dict:
        """The figures, None where there is nothing to divide by."""
        busy, wrap = self.seconds["busy"], self.seconds["wrap_up"]
        on_duty = sum(self.seconds[s] for s in ON_DUTY)
        return {
            "answered": self.answered,
            "average_handling_seconds": (busy + wrap) / self.answered if self.answered else None,
            "average_wrap_seconds": wrap / self.answered if self.answered else None,
            "occupancy": (busy + wrap) / on_duty if on_duty else None,
            "contacts_per_hour": self.answered / (on_duty / 3600) if on_duty else None,
            "on_duty_seconds": on_duty,
            "away_seconds": self.seconds["away"],
            "queues": dict(self.queues),
            "outcomes": dict(self.outcomes),
        }


def day_figures(*, intervals: Iterable, events: Iterable[tuple[str, dict | None]],
                start: datetime, end: datetime) -> dict[int | str, dict]:
    """Per adviser id, and "team", from presence intervals (clipped to [start, end), an open
    one ending at `end`) and (kind, detail) timeline events of the day."""
    days: dict[int, AdviserDay] = defaultdict(AdviserDay)
    for row in intervals:
        overlap = (min(row.ended or end, end) - max(row.started, start)).total_seconds()
        if overlap > 0:
            days[row.adviser_id].seconds[row.state] += overlap
    for kind, detail in events:
        adviser = adviser_of(detail)
        if adviser is None:
            continue
        if kind == "answered":
            days[adviser].answered += 1
            days[adviser].queues[str((detail or {}).get("queue") or "unknown")] += 1
        elif kind == "wrapped_up" and (detail or {}).get("outcome"):
            days[adviser].outcomes[str(detail["outcome"])] += 1
    team = AdviserDay()
    for day in days.values():
        for state, seconds in day.seconds.items():
            team.seconds[state] += seconds
        team.answered += day.answered
        team.queues.update(day.queues)
        team.outcomes.update(day.outcomes)
    return {**{adviser: day.figures() for adviser, day in days.items()}, "team": team.figures()}
