"""Timezone-aware UTC timestamps that read back the same from SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator):
    """A UTC instant: aware datetimes in, aware UTC datetimes out (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        value = require_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def require_utc(value: datetime) -> datetime:
    """`value` as UTC; a naive time is refused because nobody can tell which clock it came from."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("times must be timezone-aware (UTC)")
    return value.astimezone(UTC)
