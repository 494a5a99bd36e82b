"""How well a screen does on labelled phrasings: recall by manner and kind, false alarms.

Used by the held-out test (tests/heldout/safeguarding/) and the benchmark
(bench/bench_safeguarding.py), so the README's figures and `make test`'s gate are one count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

# The targets of `make test` (issue: safeguarding that generalises).
TARGETS = {"explicit": 1.0, "indirect": 0.95, "false_alarms": 0.03}


@dataclass
class Measured:
    """Counts of caught / total per group, and the look-alikes wrongly escalated."""

    caught: Counter = field(default_factory=Counter)
    total: Counter = field(default_factory=Counter)
    missed: list[dict] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)

    def rate(self, group: str) -> float:
        """Caught over total for a group (1.0 when the group is empty)."""
        return self.caught[group] / self.total[group] if self.total[group] else 1.0

    @property
    def false_alarm_rate(self) -> float:
        """Look-alikes escalated over all look-alikes."""
        alike = self.total["look_alike"]
        return len(self.false_alarms) / alike if alike else 0.0

    def meets_targets(self) -> bool:
        """True when every target of TARGETS is met."""
        return (self.rate("explicit") >= TARGETS["explicit"]
                and self.rate("indirect") >= TARGETS["indirect"]
                and self.false_alarm_rate <= TARGETS["false_alarms"])

    def table(self) -> list[tuple[str, int, int, float]]:
        """(group, caught, total, rate) for every group measured, look-alikes as false alarms."""
        rows = []
        for group in sorted(self.total):
            if group == "look_alike":
                rows.append(("look-alikes escalated", len(self.false_alarms), self.total[group],
                             self.false_alarm_rate))
            else:
                rows.append((group, self.caught[group], self.total[group], self.rate(group)))
        return rows


def measure(rows: list[dict], fires: Callable[[str], bool]) -> Measured:
    """Run `fires` on every row's text and count by explicit/indirect, kind and about."""
    result = Measured()
    for row in rows:
        hit = fires(row["text"])
        if not row["concern"]:
            result.total["look_alike"] += 1
            if hit:
                result.false_alarms.append(row)
            continue
        manner = "explicit" if row["explicit"] else "indirect"
        groups = (manner, f"{manner}:{row['kind']}", f"about:{row['about']}")
        for group in groups:
            result.total[group] += 1
            result.caught[group] += hit
        if not hit:
            result.missed.append(row)
    return result
