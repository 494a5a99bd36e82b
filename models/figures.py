"""Management-information table: the figure counters rolled up per hour (routing.rollup).

One row per (hour, measure, first dimension, second dimension); a report sums rows over days.
It holds counts only: no contact keys, no personal data, and never the offender indicator
(001:20.3): the counters it copies never name it (routing.figures.NEVER_COUNTED_GROUPS).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.timestamps import UTCDateTime


class FigureHour(SQLModel, table=True):
    """One counter's value for one clock hour."""

    __tablename__ = "figure_hour"
    __table_args__ = (
        UniqueConstraint("hour_start", "measure", "first", "second", name="uq_figure_hour"),
        Index("ix_figure_hour_day", "local_date", "measure"),
    )

    id: int | None = Field(default=None, primary_key=True)
    hour_start: datetime = Field(sa_type=UTCDateTime)  # the hour's start, UTC
    local_date: date  # the Europe/London day the hour belongs to
    local_hour: int  # its wall-clock hour there, 0-23 (twice 1 on the day the clocks go back)
    measure: str = Field(max_length=32)
    first: str = Field(max_length=48)  # channel, contractor or owner ("-" for none)
    second: str = Field(max_length=48)  # queue, destination, group, source or status
    value: float
