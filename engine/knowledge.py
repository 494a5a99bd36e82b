"""The advisers' knowledge base: Markdown articles in config/knowledge/, read and checked once.

Each article is a Markdown file with a YAML header (docs/knowledge.md). A bad article stops the
process at start-up with the file's name and what is wrong, like every other file in config/:
an unknown topic or region, a link that is not https, a summary and an assistant answer both
given, or a telephone number that is not published (internal transfer numbers never are,
000:L81). An article may take its customer-facing summary from the assistant's own written
answer in bot/domain.yml (`assistant_answer`), so the desk and the assistant say the same thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, RootModel, ValidationInfo, field_validator, model_validator

from config.files import CONFIG_DIR, ConfigFileError, ConfigModel, load, load_markdown
from routing.directory import load_directory
from triage.postcodes import REGIONS

KNOWLEDGE_DIR = CONFIG_DIR / "knowledge"
KNOWLEDGE_FILE = CONFIG_DIR / "knowledge.yaml"
BOT_DOMAIN = CONFIG_DIR.parent / "bot" / "domain.yml"
MAX_SUMMARY = 600  # leaves room for the link and the adviser's own words in a 1,000-character reply
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9 ,]*\]")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A UK telephone number as written in text (0 or +44, then 8 to 10 more digits, spaced or not),
# and the 116 helplines. Times (09:00), years and rule citations (001:5.3) do not match.
_PHONE = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[ -]?\d){6,9}(?!\d)"
                    r"|(?<!\d)116[ -]?\d{3}(?!\d)")


class KnowledgeConfig(ConfigModel):
    """config/knowledge.yaml: the topics (id -> label, in order) and the published numbers."""

    topics: dict[str, str]
    published_numbers: dict[str, str]  # digits -> what it is

    @field_validator("topics", mode="before")
    @classmethod
    def _topics_by_id(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        try:
            return {str(t["id"]): str(t["label"]) for t in value}
        except (KeyError, TypeError):
            raise ValueError("each topic needs an id and a label") from None

    @field_validator("published_numbers", mode="before")
    @classmethod
    def _numbers_by_digits(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        try:
            return {_digits(str(n["number"])): str(n["what"]) for n in value}
        except (KeyError, TypeError):
            raise ValueError("each published number needs a number and a what") from None


class ArticleHeader(ConfigModel):
    """An article's YAML header; the body below it is the article for the adviser."""

    title: str = Field(min_length=3, max_length=120)
    topic: str
    tags: tuple[str, ...] = Field(min_length=1)
    review: date  # the date by which someone checks the article is still true
    link: str | None = None  # the customer-facing page the article points to
    summary: str | None = Field(default=None, min_length=10, max_length=MAX_SUMMARY)
    assistant_answer: str | None = None  # a response in bot/domain.yml, used as the summary
    regions: tuple[str, ...] = ()  # prime contractor areas the article is about

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_as_words(cls, value: Any) -> Any:
        # An unquoted tag such as 999 is read by YAML as a number: it is still a word to search.
        if isinstance(value, list):
            return [str(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                    for v in value]
        return value

    @field_validator("topic")
    @classmethod
    def _known_topic(cls, value: str, info: ValidationInfo) -> str:
        topics = (info.context or {}).get("topics", ())
        if value not in topics:
            raise ValueError(f"unknown topic {value!r} (expected one of {', '.join(topics)})")
        return value

    @field_validator("regions")
    @classmethod
    def _known_regions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [r for r in value if r not in REGIONS]
        if unknown:
            raise ValueError(f"unknown region {unknown[0]!r} "
                             f"(expected one of {', '.join(REGIONS)})")
        return value

    @field_validator("link")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https://[^\s<>\"']+", value):
            raise ValueError("must be an https:// address")
        return value

    @field_validator("summary")
    @classmethod
    def _finished(cls, value: str | None) -> str | None:
        # A campaign template's [PLACEHOLDER] must never reach a customer's reply.
        if value is not None and _PLACEHOLDER.search(value):
            raise ValueError("still has a [PLACEHOLDER] to replace")
        return value

    @model_validator(mode="after")
    def _one_summary(self) -> ArticleHeader:
        if self.summary and self.assistant_answer:
            raise ValueError("give a summary or an assistant_answer, not both")
        if self.topic == "local-services" and not self.regions:
            raise ValueError("a local-services article names its regions")
        return self


class _Responses(RootModel[dict[str, list[dict[str, Any]]]]):
    """bot/domain.yml's responses: name -> variants (only the written text is used here)."""


@dataclass(frozen=True, slots=True)
class Article:
    """One article, checked: what the search indexes and the desk shows."""

    id: str  # the file's name without .md
    title: str
    topic: str
    tags: tuple[str, ...]
    review: date
    link: str | None
    summary: str | None  # customer-facing words the desk can insert into a reply
    regions: tuple[str, ...]
    body: str
    assistant_answer: str | None = None  # the response in bot/domain.yml the assistant gives

    @property
    def confirmable(self) -> bool:
        """Whether it may be confirmed to a customer in writing: it has a public link and
        customer-facing words (an article without a summary is for staff only)."""
        return bool(self.link and self.summary)

    def blocks(self) -> list[dict[str, Any]]:
        """The body as headings, paragraphs and lists, for a page to show as plain text."""
        return body_blocks(self.body)


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """Every article, in file-name order, and the topics' labels."""

    articles: tuple[Article, ...]
    topics: dict[str, str]


def load_knowledge(directory: Path | None = None, config: Path | None = None, *,
                   domain: Path = BOT_DOMAIN) -> KnowledgeBase:
    """Read and check every article in `directory` (config/knowledge/) with `config`
    (config/knowledge.yaml); ConfigFileError names the file and the problem."""
    directory = directory or KNOWLEDGE_DIR
    config = config or KNOWLEDGE_FILE
    settings = load(KnowledgeConfig, config)
    internal = _internal_numbers()
    published = [n for n in settings.published_numbers if n in internal]
    if published:
        raise ConfigFileError(f"{config.name}: published_numbers: {published[0]} is an internal "
                              "number and is never published (000:L81)")
    answers: dict[str, list[dict[str, Any]]] | None = None
    articles = []
    paths = sorted(directory.glob("*.md"))
    if not paths:
        raise ConfigFileError(f"{directory.name}: has no articles (*.md)")
    for path in paths:
        if not _ID.fullmatch(path.stem):
            raise ConfigFileError(f"{path.name}: name it in lower case with hyphens, "
                                  "e.g. cv-builder.md")
        header, body = load_markdown(ArticleHeader, path, topics=tuple(settings.topics))
        if not body:
            raise ConfigFileError(f"{path.name}: has no text below its header")
        summary = header.summary
        if header.assistant_answer:
            if answers is None:
                answers = assistant_responses(domain)
            summary = _assistant_text(answers, header.assistant_answer, path.name)
        article = Article(id=path.stem, title=header.title, topic=header.topic,
                          tags=header.tags, review=header.review, link=header.link,
                          summary=summary, regions=header.regions, body=body,
                          assistant_answer=header.assistant_answer)
        _check_numbers(article, path.name, settings.published_numbers)
        articles.append(article)
    return KnowledgeBase(articles=tuple(articles), topics=dict(settings.topics))


@lru_cache(maxsize=1)
def default_knowledge() -> KnowledgeBase:
    """config/knowledge/, read once per process."""
    return load_knowledge()


def assistant_responses(domain: Path = BOT_DOMAIN) -> dict[str, list[dict[str, Any]]]:
    """bot/domain.yml's responses: name -> its variants (spoken and written)."""
    return load(_Responses, domain, section="responses").root


def body_blocks(body: str) -> list[dict[str, Any]]:
    """Markdown's headings ('#'), bullet lists ('- ') and paragraphs; inline marks stay as text."""
    blocks: list[dict[str, Any]] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        while lines and lines[0].startswith("#"):
            blocks.append({"kind": "heading", "text": lines.pop(0).lstrip("#").strip()})
        if lines and all(line.startswith(("- ", "* ")) for line in lines):
            blocks.append({"kind": "list", "items": [line[2:].strip() for line in lines]})
        elif lines:
            blocks.append({"kind": "paragraph", "text": " ".join(lines)})
    return blocks


def _assistant_text(answers: dict[str, list[dict[str, Any]]], name: str, where: str) -> str:
    """The assistant's written (not spoken) variant of response `name`."""
    written = [v.get("text") for v in answers.get(name, ()) if isinstance(v, dict)
               and "condition" not in v and isinstance(v.get("text"), str)]
    if not written:
        raise ConfigFileError(f"{where}: assistant_answer: {BOT_DOMAIN.parent.name}/"
                              f"{BOT_DOMAIN.name} has no written response {name!r}")
    if "{" in written[0] or len(written[0]) > MAX_SUMMARY:
        raise ConfigFileError(f"{where}: assistant_answer: {name!r} has placeholders or is longer "
                              f"than {MAX_SUMMARY} characters")
    return written[0]


def _check_numbers(article: Article, where: str, published: dict[str, str]) -> None:
    """Every telephone number in the article is a published one (none made up, none internal)."""
    text = "\n".join((article.title, article.summary or "", article.body, *article.tags))
    for found in _PHONE.finditer(text):
        if _digits(found.group()) not in published:
            raise ConfigFileError(f"{where}: {found.group()!r} is not a published number "
                                  "(config/knowledge.yaml published_numbers; internal numbers "
                                  "are never published, 000:L81)")


@lru_cache(maxsize=1)
def _internal_numbers() -> frozenset[str]:
    """Prime contractors' transfer numbers and the interpreters' lines, as national digits."""
    contractors = load_directory().contractors.values()
    interpreters = load(_Numbers, "console.yaml", section="interpreters").root.values()
    numbers = [c.transfer_number for c in contractors if c.transfer_number] + list(interpreters)
    return frozenset(_digits(n) for n in numbers)


class _Numbers(RootModel[dict[str, str]]):
    """A section of name -> telephone number."""


def _digits(number: str) -> str:
    """'+44 (0)161 496 0002' and '0161 496 0002' -> '01614960002'."""
    digits = re.sub(r"\D", "", number.replace("(0)", ""))
    return "0" + digits[2:] if number.strip().startswith("+44") else digits
