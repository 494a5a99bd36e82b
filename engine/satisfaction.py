"""The satisfaction survey every channel offers after a contact: who is asked, its words, storing.

config/satisfaction.yaml says the share of customers asked by route, the words on each channel,
what counts as satisfied and the target. Who is asked is decided by a hash of the contact's key
against its route's share, so one contact is always in or always out (a retried webhook, a second
process, a test with a share of 1.0 or 0.0 all agree). The answers are stored in one transaction
with a `satisfaction` event on the contact's timeline.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from pydantic import Field, field_validator
from sqlalchemy.engine import Engine
from sqlmodel import Session

from config.files import ConfigModel, labels_by_code, load
from engine import figures
from engine.survey_31_config import Survey31Config
from models.contacts import EventKind, NewEvent, record_events
from models.db import session_scope
from models.satisfaction import (
    AFTER_CONTACT,
    DIMENSIONS,
    Answers,
    record_response,
    tallies,
)
from triage.tables import DESTINATIONS

log = logging.getLogger(__name__)
CONFIG_FILE = "satisfaction.yaml"
# The report's sections, one per dimension; a row names its value under these keys (the CSV's
# dimension_1 is the route's "destination", as in the other sections).
SECTIONS = {"channel": ("satisfaction_channels", "channel"),
            "route": ("satisfaction_routes", "destination"),
            "queue": ("satisfaction_queues", "queue"),
            "contractor": ("satisfaction_contractors", "contractor")}
SATISFIED_FORMULA = "satisfied = responses scoring {scores} ÷ responses with a score"


class PhoneWords(ConfigModel):
    """What the caller hears: consent, the two questions, a wrong key, thanks, a skip."""

    consent: str
    score_question: str
    needed_question: str
    invalid_key: str
    thanks: str
    skipped: str


class ChatWords(ConfigModel):
    """What the webchat widget shows, and the chat API's reasons for refusing an answer."""

    heading: str
    intro: str
    score_question: str
    score_labels: dict[str, str]
    needed_question: str
    yes: str
    no: str
    submit: str
    skip: str
    thanks: str
    skipped: str
    bad_score: str
    bad_needed: str
    not_ended: str
    not_offered: str
    already_answered: str

    @field_validator("score_labels", mode="before")
    @classmethod
    def _labels(cls, value):
        value = labels_by_code(value)
        if not isinstance(value, dict) or sorted(map(str, value)) != ["1", "2", "3", "4", "5"]:
            raise ValueError("needs a label for each score from 1 to 5")
        return {str(k): v for k, v in value.items()}


class SatisfactionConfig(ConfigModel):
    """Everything config/satisfaction.yaml says; a test changes it with model_copy."""

    share_by_route: dict[str, float]
    satisfied_scores: frozenset[int]
    target_percent: float = Field(ge=0, le=100)
    phone: PhoneWords
    chat: ChatWords
    survey_31_day: Survey31Config

    @field_validator("share_by_route")
    @classmethod
    def _every_route(cls, value: dict[str, float]) -> dict[str, float]:
        unknown, missing = set(value) - set(DESTINATIONS), set(DESTINATIONS) - set(value)
        if unknown or missing:
            raise ValueError(f"must list every route once (unknown {sorted(unknown)}, "
                             f"missing {sorted(missing)})")
        if any(not 0.0 <= share <= 1.0 for share in value.values()):
            raise ValueError("each share is from 0.0 to 1.0")
        return value

    @field_validator("satisfied_scores")
    @classmethod
    def _scores(cls, value: frozenset[int]) -> frozenset[int]:
        if not value or not value <= set(range(1, 6)):
            raise ValueError("satisfied scores are some of 1 to 5")
        return value

    def share(self, route: str | None) -> float:
        """The share of customers on `route` who are asked (none for an unknown route)."""
        return self.share_by_route.get(route or "", 0.0)

    def is_satisfied(self, score: int) -> bool:
        """True when `score` counts as satisfied."""
        return score in self.satisfied_scores


def load_satisfaction_config(path: str = CONFIG_FILE) -> SatisfactionConfig:
    """Read and check config/satisfaction.yaml; a wrong entry stops the app with its name."""
    return load(SatisfactionConfig, path)


@lru_cache(maxsize=1)
def _default_config() -> SatisfactionConfig:
    return load_satisfaction_config()


def get_config() -> SatisfactionConfig:
    """The current app's survey configuration (a test may pass satisfaction_config=); nobody is
    asked when the settings turn the survey off (SATISFACTION_SURVEYS=false)."""
    configured = current_app.extensions.get("satisfaction_config")
    if configured is not None:
        return configured
    settings = current_app.config.get("SETTINGS")
    if settings is not None and not settings.satisfaction_surveys:
        return _nobody_asked()
    return _default_config()


@lru_cache(maxsize=1)
def _nobody_asked() -> SatisfactionConfig:
    config = _default_config()
    return config.model_copy(update={"share_by_route": {r: 0.0 for r in config.share_by_route}})


def _config_of() -> SatisfactionConfig:
    """The app's configuration inside a request, the file's outside one (a script, a test)."""
    return get_config() if has_app_context() else _default_config()


def configured() -> SatisfactionConfig:
    """The configuration given to create_app (a test's), else the file's: unlike get_config,
    whatever SATISFACTION_SURVEYS says (that switch is about the survey after the contact)."""
    given = current_app.extensions.get("satisfaction_config") if has_app_context() else None
    return given if given is not None else _default_config()


def draw(contact_key: str) -> float:
    """Where the contact falls in [0, 1): a hash of its key, the same every time."""
    digest = hashlib.sha256(f"satisfaction:{contact_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def is_sampled(config: SatisfactionConfig, contact_key: str, route: str | None) -> bool:
    """True when the contact is among those its route's share asks."""
    return draw(contact_key) < config.share(route)


def store(engine: Engine, answers: Answers, *, at: datetime) -> bool:
    """The answers, and the timeline's `satisfaction` event, in one transaction; False when the
    contact's answers were already stored (the first stand; no second event)."""
    with session_scope(engine) as session:
        event = store_in(session=session, answers=answers, at=at)
    if event is None:
        return False
    if answers.source == AFTER_CONTACT:  # /metrics counts the survey after the contact, by result
        figures.observe(answers.channel, answers.contact_key, [event])
    log.info("satisfaction survey %s on %s", "skipped" if answers.skipped else "answered",
             answers.channel)
    return True


def store_in(*, session: Session, answers: Answers, at: datetime) -> NewEvent | None:
    """Stage the answers and their timeline event in `session` (the caller commits); None when
    the contact's answers of that source were already stored."""
    satisfied = None if answers.score is None else _config_of().is_satisfied(answers.score)
    detail = {"channel": answers.channel, "score": answers.score, "satisfied": satisfied,
              "got_what_they_needed": answers.got_what_they_needed, "skipped": answers.skipped}
    step = "satisfaction"
    if answers.source != AFTER_CONTACT:
        detail["source"] = step = answers.source
    event = NewEvent(kind=EventKind.SATISFACTION, at=at,
                     event_id=f"{answers.contact_key}:{step}", detail=detail)
    if not record_response(session=session, answers=answers, at=at):
        return None
    record_events(session=session, contact_key=answers.contact_key, events=[event])
    return event


def report_sections(engine: Engine, config: SatisfactionConfig, *, first: date, last: date,
                    label: str, timezone: ZoneInfo) -> dict[str, list[dict[str, Any]]]:
    """The survey's figures for local days `first` to `last`, one section per dimension.

    Each row: responses (skips included), scored, satisfied, satisfied_rate (satisfied ÷ scored,
    None without a score), the target as a rate, and got_what_they_needed yes of those answering.
    """
    start = datetime.combine(first, time(), timezone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), timezone).astimezone(UTC)
    with session_scope(engine) as session:
        found = tallies(session=session, start=start, end=end,
                        satisfied_scores=config.satisfied_scores)
    formula = SATISFIED_FORMULA.format(scores=" or ".join(map(str, sorted(
        config.satisfied_scores))))
    sections: dict[str, list[dict[str, Any]]] = {SECTIONS[d][0]: [] for d in DIMENSIONS}
    for tally in found:
        section, key = SECTIONS[tally.dimension]
        rate = tally.satisfied / tally.scored if tally.scored else None
        sections[section].append({
            "period": label, key: tally.value, "responses": tally.responses,
            "scored": tally.scored, "satisfied": tally.satisfied, "satisfied_rate": rate,
            "target_rate": config.target_percent / 100,
            "needed_yes": tally.needed_yes, "needed_answered": tally.needed_answered,
            "formula": formula})
    return sections
