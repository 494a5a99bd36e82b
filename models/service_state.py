"""Operational key/value facts (no personal data), e.g. when the retention purge last ran."""

from datetime import datetime

from sqlmodel import Field, Session, SQLModel

from config import clock


class ServiceState(SQLModel, table=True):
    """One named operational value."""

    __tablename__ = "service_state"
    name: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=256)
    updated_at: datetime


def set_state(*, session: Session, name: str, value: str) -> ServiceState:
    """Record `value` under `name`, replacing any earlier value."""
    row = session.get(ServiceState, name) or ServiceState(name=name, value=value, updated_at=_now())
    row.value, row.updated_at = value, _now()
    session.add(row)
    return row


def get_state(*, session: Session, name: str) -> str | None:
    """The value recorded under `name`, if any."""
    row = session.get(ServiceState, name)
    return row.value if row else None


def _now() -> datetime:
    return clock.now()
