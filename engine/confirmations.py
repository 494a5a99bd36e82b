"""Confirming in writing the information a customer was given (000:L21, 000:L115), every channel.

The information is confirmed "via email or text whichever is best for the customer within a
maximum of 5 working days" (000:L21): the adviser's wrap-up chooses knowledge articles
(config/knowledge/) for a customer who agreed to be contacted, and the message holds only the
articles' titles and public links — never the reason, the summary, the customer's words or
anything about them (000:L35). The assistant's information answers are recognised here too (the
words of an article's `assistant_answer`), so the timeline says which article it gave.

The words and figures are the `information` section of config/messages.yaml. This module is the
pure part (the choice, the due time, the message) and the one call that stores a confirmation;
sending is the messaging channel's (ivr/messaging/confirmations.py), in the worker's round.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from pydantic import Field
from sqlmodel import Session

from config.files import ConfigModel, load
from engine.knowledge import Article, KnowledgeBase, assistant_responses, default_knowledge
from models import relay_uk
from models.confirmations import NOTIFY, InformationConfirmation, arrange
from models.contacts import EventKind, record_event
from routing.hours import add_working_days
from routing.schedule import BankHolidays

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ConfirmationConfig(ConfigModel):
    """The `information` section of config/messages.yaml."""

    working_days: int = Field(gt=0)
    max_articles: int = Field(gt=0)
    retry_minutes: tuple[int, ...] = Field(min_length=1)
    lease_seconds: int = Field(gt=0)
    offer_yes_words: tuple[str, ...] = Field(min_length=1)
    sms: str
    sms_article: str
    email_subject: str
    email: str
    email_article: str


class ChoiceError(ValueError):
    """The wrap-up's confirmation cannot be arranged; the message says why (a 400's reason)."""


def load_confirmation_config(path: str = "messages.yaml") -> ConfirmationConfig:
    """Read and check the `information` section of config/messages.yaml."""
    return load(ConfirmationConfig, path, section="information")


@lru_cache(maxsize=1)
def confirmation_config() -> ConfirmationConfig:
    """config/messages.yaml's `information` section, read once per process."""
    return load_confirmation_config()


def confirmable(knowledge: KnowledgeBase | None = None) -> list[Article]:
    """The articles that may be confirmed to a customer (a public link and customer words)."""
    return [a for a in (knowledge or default_knowledge()).articles if a.confirmable]


def chosen(ids: object, knowledge: KnowledgeBase | None = None, *,
           limit: int | None = None) -> list[Article]:
    """The articles `ids` names, in the knowledge base's order; ChoiceError says what is wrong."""
    limit = limit or confirmation_config().max_articles
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise ChoiceError("choose at least one article, as a list of article ids")
    if len(set(ids)) > limit:
        raise ChoiceError(f"choose at most {limit} articles")
    by_id = {a.id: a for a in confirmable(knowledge)}
    unknown = [i for i in ids if i not in by_id]
    if unknown:
        raise ChoiceError(f"{unknown[0][:64]!r} is not an article that can be confirmed")
    return [a for a in by_id.values() if a.id in set(ids)]


def address(notify: object, to: object) -> str:
    """Where to send: a UK mobile in E.164 for a text, or an e-mail address; else ChoiceError."""
    if notify not in NOTIFY:
        raise ChoiceError(f"send by one of {', '.join(NOTIFY)}")
    text = to.strip() if isinstance(to, str) else ""
    if notify == "email":
        if not _EMAIL.match(text) or len(text) > 254:
            raise ChoiceError("give the e-mail address the customer agreed to")
        return text
    number = relay_uk.uk_number(text)
    if number is None or not relay_uk.can_text(number):
        raise ChoiceError("texts go only to a UK mobile number")
    return number


def due_by(at: datetime, *, working_days: int, bank_holidays: BankHolidays,
           tz: ZoneInfo) -> datetime:
    """The end (local midnight) of the `working_days`th working day after `at`'s local date."""
    last: date = add_working_days(at.astimezone(tz).date(), working_days, bank_holidays)
    return datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz)


def retry_at(now: datetime, attempt: int, retry_minutes: Sequence[int]) -> datetime:
    """When to try again after failed attempt number `attempt` (1 for the first); the last
    interval repeats, so a confirmation is retried until it goes (never dropped)."""
    step = retry_minutes[min(max(attempt, 1), len(retry_minutes)) - 1]
    return now + timedelta(minutes=step)


def compose(articles: Iterable[Article], notify: str,
            config: ConfirmationConfig | None = None) -> tuple[str | None, str]:
    """(subject or None for a text, body): the templates filled with titles and links only."""
    config = config or confirmation_config()
    line = config.sms_article if notify == "sms" else config.email_article
    listed = "\n".join(line.format(title=a.title, link=a.link) for a in articles)
    if notify == "sms":
        return None, config.sms.format(articles=listed)
    return config.email_subject, config.email.format(articles=listed)


def articles_given(texts: Iterable[str], knowledge: KnowledgeBase | None = None) -> list[str]:
    """The ids of the articles whose assistant answer (any variant, spoken or written) is one of
    `texts`, in the order said: what the assistant gave the customer."""
    answers = _answers(knowledge or default_knowledge())
    found: list[str] = []
    for text in texts:
        article = answers.get(_normal(text))
        if article is not None and article not in found:
            found.append(article)
    return found


def arrange_confirmation(*, session: Session, contact_key: str, articles: list[Article],
                         notify: str, to: str, at: datetime, bank_holidays: BankHolidays,
                         tz: ZoneInfo, adviser: str | None = None) -> InformationConfirmation:
    """Store a confirmation owed (the worker sends it at once) and say so on the timeline:
    the articles, the channel and the due time, never the address."""
    config = confirmation_config()
    due = due_by(at, working_days=config.working_days, bank_holidays=bank_holidays, tz=tz)
    row = arrange(session=session, contact_key=contact_key, articles=[a.id for a in articles],
                  notify=notify, to=to, at=at, due_at=due)
    detail = {"confirmation_id": row.id, "articles": row.articles, "channel": notify,
              "due_at": row.due_at.isoformat(), "adviser": adviser}
    record_event(session=session, contact_key=contact_key, kind=EventKind.CONFIRMATION_ARRANGED,
                 at=at, event_id=f"confirmation-{row.id}:arranged",
                 detail={k: v for k, v in detail.items() if v is not None})
    session.commit()
    return row


# Per knowledge base (it holds a dict, so it cannot be an lru_cache key): the base, its answers.
_ANSWERS: dict[int, tuple[KnowledgeBase, dict[str, str]]] = {}


def _answers(knowledge: KnowledgeBase) -> dict[str, str]:
    cached = _ANSWERS.get(id(knowledge))
    if cached is None or cached[0] is not knowledge:
        cached = _ANSWERS[id(knowledge)] = (knowledge, _answer_texts(knowledge))
    return cached[1]


def _answer_texts(knowledge: KnowledgeBase) -> dict[str, str]:
    """Every variant of every article's assistant answer, normalised -> the article's id."""
    wanted = {a.assistant_answer: a.id for a in knowledge.articles if a.assistant_answer}
    if not wanted:
        return {}
    found: dict[str, str] = {}
    for name, variants in assistant_responses().items():
        if name in wanted:
            for variant in variants:
                if isinstance(variant, dict) and isinstance(variant.get("text"), str):
                    found[_normal(variant["text"])] = wanted[name]
    return found


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()
