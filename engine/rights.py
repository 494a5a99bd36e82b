"""Customers' requests about their data, received on any channel: the one place a request is
checked, its clocks are set and it is stored (models.rights_requests; config/rights.yaml).

Clocks: a subject access request is answered within 40 calendar days and the funder is told
within five working days (001:34.1–34.2); a termination of service (001:7.4) has the same 40
days. Working days skip weekends and England's bank holidays (routing.hours).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from sqlmodel import Session

from config.files import ConfigModel, labels_by_code, load
from models.customers import Identity
from models.rights_requests import CHANNELS, KINDS, RightsRequest, open_request
from routing import hours
from routing.directory import Directory

MAX_REPLY = 254


class RightsConfig(ConfigModel):
    """Everything config/rights.yaml says."""

    answer_days: int = Field(ge=1, le=60)
    funder_working_days: int = Field(ge=1, le=20)
    termination_days: int = Field(ge=1, le=60)
    outcomes: dict[str, str]

    @field_validator("outcomes", mode="before")
    @classmethod
    def _labels_by_code(cls, value: Any) -> Any:
        return labels_by_code(value)


@lru_cache(maxsize=1)
def rights_config() -> RightsConfig:
    """config/rights.yaml, read once per process."""
    return load(RightsConfig, "rights.yaml")


class RequestError(ValueError):
    """A request cannot be taken as given; `errors` maps each field to what is wrong."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def clocks(kind: str, received: datetime, directory: Directory,
           zone: ZoneInfo) -> tuple[date | None, date]:
    """(tell the funder by, answer by) for a request received at `received`."""
    config = rights_config()
    day = received.astimezone(zone).date()
    if kind == "access":
        return (hours.add_working_days(day, config.funder_working_days, directory.bank_holidays),
                day + timedelta(days=config.answer_days))
    if kind == "termination":
        return None, day + timedelta(days=config.termination_days)
    return None, day + timedelta(days=config.answer_days)


def receive(*, session: Session, kind: str, channel: str, logged_by: str, at: datetime,
            directory: Directory, zone: ZoneInfo, surname: str, first_name: str,
            date_of_birth: str, postcode: str, reply_to: str) -> RightsRequest:
    """Check and store a request with its clocks; RequestError names each field at fault."""
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Choose what you would like us to do."
    if channel not in CHANNELS:
        errors["channel"] = "Say how the request arrived."
    identity = None
    try:
        identity = Identity.of(surname=surname, first_name=first_name,
                               date_of_birth=date_of_birth.strip(), postcode=postcode)
    except ValueError as error:
        text = str(error)
        errors["identity"] = ("Enter your date of birth as a date, for example 2001-03-27."
                              if "isoformat" in text or "date" in text else
                              text[0].upper() + text[1:] + ".")
    reply_to = " ".join(reply_to.split())
    if not reply_to or len(reply_to) > MAX_REPLY:
        errors["reply_to"] = "Give an email address or phone number we can reply to."
    if errors or identity is None:
        raise RequestError(errors)
    funder_due, answer_due = clocks(kind, at, directory, zone)
    return open_request(session=session, kind=kind, channel=channel, logged_by=logged_by, at=at,
                        funder_due=funder_due, answer_due=answer_due, surname=identity.surname,
                        first_name=identity.first_name, date_of_birth=identity.date_of_birth,
                        postcode=identity.postcode, reply_to=reply_to)


def identity_of(row: RightsRequest) -> Identity:
    """The four facts the request names (only while it is open)."""
    if row.closed_at is not None or row.date_of_birth is None:
        raise ValueError("this request is closed: its details are no longer kept")
    return Identity(row.surname or "", row.first_name or "", row.date_of_birth, row.postcode or "")
