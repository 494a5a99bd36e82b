"""The follow-up programme's rules as data and pure functions: when a follow-up is due, who is
followed up, what counts as positive, and the rates against the targets (config/follow_up.yaml).

No I/O beyond reading the file once: the worker's round (routing.follow_up) and the reports
call these with what they read.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, Field, PositiveInt, field_validator, model_validator

from config.files import ConfigModel, load

Service = Literal["information", "advice"]


class Outcome(ConfigModel):
    """One progression outcome an adviser may record."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    label: str = Field(min_length=1)
    positive: bool


class Choice(ConfigModel):
    """A code and the words shown for it."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{0,15}$")
    label: str = Field(min_length=1)


class FollowUpRules(ConfigModel):
    """config/follow_up.yaml: what each entry means is written there."""

    first_after_days: PositiveInt
    second_after_months: PositiveInt
    service_by_route: dict[str, Service] = Field(min_length=1)
    target_percent: dict[Service, int]
    queue: str = Field(pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    batch_size: PositiveInt
    outcomes: tuple[Outcome, ...] = Field(min_length=1)
    decline_channels: tuple[Choice, ...] = Field(min_length=1)

    @field_validator("target_percent")
    @classmethod
    def _both_targets(cls, value: dict[str, int]) -> dict[str, int]:
        if set(value) != {"information", "advice"} or not all(0 < v <= 100 for v in
                                                                 value.values()):
            raise ValueError("give information and advice, each a per cent from 1 to 100")
        return value

    @model_validator(mode="after")
    def _codes_once(self) -> FollowUpRules:
        for name, items in (("outcomes", self.outcomes), ("decline_channels",
                                                          self.decline_channels)):
            codes = [i.code for i in items]
            if len(codes) != len(set(codes)):
                raise ValueError(f"{name}: a code is listed twice")
        if not any(o.positive for o in self.outcomes):
            raise ValueError("outcomes: at least one is positive")
        return self

    def outcome(self, code: str) -> Outcome | None:
        """The outcome with this code, or None."""
        return next((o for o in self.outcomes if o.code == code), None)

    def decline_channel(self, code: str) -> Choice | None:
        """The decline channel with this code, or None."""
        return next((c for c in self.decline_channels if c.code == code), None)


@lru_cache(maxsize=1)
def load_rules() -> FollowUpRules:
    """config/follow_up.yaml, read once and checked."""
    return load(FollowUpRules, "follow_up.yaml")


def add_months(at: datetime, months: int) -> datetime:
    """`at` moved on by calendar months, on the month's last day when the day does not exist
    (31 January + 1 month = 28 or 29 February)."""
    month = at.month - 1 + months
    year, month = at.year + month // 12, month % 12 + 1
    return at.replace(year=year, month=month,
                      day=min(at.day, calendar.monthrange(year, month)[1]))


def due_at(last_contact_at: datetime, stage: int, rules: FollowUpRules) -> datetime:
    """When follow-up `stage` (1 or 2) falls due after a last contact at `last_contact_at`."""
    first = last_contact_at + timedelta(days=rules.first_after_days)
    if stage == 1:
        return first
    if stage == 2:
        return add_months(first, rules.second_after_months)
    raise ValueError("a follow-up stage is 1 or 2")


def second_due(last_contact_at: datetime, flagged_at: datetime, rules: FollowUpRules) -> datetime:
    """When stage 2 falls due: two months after stage 1 fell due, or after it was flagged when
    that was later (a worker that was stopped, a first run over old records), so one round
    never flags both follow-ups of a customer at once."""
    return add_months(max(due_at(last_contact_at, 1, rules), flagged_at),
                      rules.second_after_months)


def service_of(destination: str | None, rules: FollowUpRules) -> Service | None:
    """Which target a customer counts towards, from their last contact's route (None: none)."""
    return rules.service_by_route.get(destination or "")


class Rate(BaseModel):
    """Positive outcomes against a target for one service."""

    service: str
    followed_up: int  # customers with a recorded outcome
    positive: int
    target_percent: int

    @property
    def percent(self) -> float | None:
        """The positive-outcome rate in per cent, or None with nobody followed up."""
        return None if not self.followed_up else round(100 * self.positive / self.followed_up, 1)

    @property
    def met(self) -> bool | None:
        """Whether the target is met, or None with nobody followed up."""
        return None if self.percent is None else self.percent >= self.target_percent


@dataclass(frozen=True)
class Recorded:
    """One recorded follow-up outcome: whose programme (customer and last contact) and which."""

    customer_id: int
    contact_key: str
    service: str
    positive: bool


def rates(recorded: Iterable[Recorded], rules: FollowUpRules) -> list[Rate]:
    """Positive-outcome rates by service: a customer counts once per last contact, as positive
    when any of its follow-ups recorded a positive outcome (1 or 3 months, 000:L16 para 17)."""
    by_customer: dict[tuple[int, str], Recorded] = {}
    for item in recorded:
        key = (item.customer_id, item.contact_key)
        if key not in by_customer or item.positive:
            by_customer[key] = item
    out = []
    for service in ("information", "advice"):
        found = [r for r in by_customer.values() if r.service == service]
        out.append(Rate(service=service, followed_up=len(found),
                        positive=sum(r.positive for r in found),
                        target_percent=rules.target_percent[service]))
    return out
