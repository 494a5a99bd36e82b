"""The quality evaluation form (config/quality.yaml) and how a contact's answers score."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from config.files import ConfigModel, load


class Answer(ConfigModel):
    """One answer a question may get, and the share of its weight it earns (None: left out)."""

    code: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1)
    # Absent for an answer that takes the question out of the score ("not applicable").
    value: float | None = Field(default=None, ge=0, le=1)


class Question(ConfigModel):
    """One question on the form, weighted."""

    id: str = Field(pattern=r"^[a-z_]+$")
    question: str = Field(min_length=1)
    weight: float = Field(gt=0)


class QualityConfig(ConfigModel):
    """Everything config/quality.yaml says."""

    target: float = Field(gt=0, le=1)
    sample_per_adviser_per_week: int = Field(ge=1, le=50)
    comment_max_chars: int = Field(ge=1, le=10_000)
    answers: tuple[Answer, ...] = Field(min_length=2)
    form: tuple[Question, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> QualityConfig:
        for name, codes in (("answers", [a.code for a in self.answers]),
                            ("form", [q.id for q in self.form])):
            if len(set(codes)) != len(codes):
                raise ValueError(f"{name}: each entry needs its own code")
        return self

    def score(self, answers: dict[str, str]) -> float | None:
        """The weighted share of points earned over the questions that apply (None if none)."""
        values = {a.code: a.value for a in self.answers}
        earned = possible = 0.0
        for question in self.form:
            value = values[answers[question.id]]
            if value is not None:
                earned += question.weight * value
                possible += question.weight
        return earned / possible if possible else None

    def problems(self, answers: dict[str, str]) -> list[str]:
        """What is wrong with a set of answers (every question needs one of the answers)."""
        codes = {a.code for a in self.answers}
        return [f"answer \u201c{q.question}\u201d" for q in self.form
                if answers.get(q.id) not in codes]


@lru_cache(maxsize=1)
def quality_config() -> QualityConfig:
    """config/quality.yaml, read once per process."""
    return load(QualityConfig, "quality.yaml")


def iso_week(at: datetime, zone: ZoneInfo) -> str:
    """The centre's ISO week of `at`, e.g. 2026-W49."""
    year, week, _ = at.astimezone(zone).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(week: str, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the centre's time, as UTC; ValueError if bad."""
    monday = date.fromisocalendar(int(week[:4]), int(week.split("-W")[1]), 1)
    start = datetime.combine(monday, time(0), tzinfo=zone)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)
