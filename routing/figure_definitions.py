"""The definitions behind the supervisor figures (config/figures.yaml): thresholds and formulas.

Every figure is computed from counters by the functions here, so the dashboard, `/metrics` and
the management information cannot disagree about what a figure means.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    field_validator,
    model_validator,
)

from config.files import ConfigModel, config_file, load

CONFIG_PATH = config_file("figures.yaml")
FORMULAS = ("within_over_answered_and_late_abandons", "within_over_answered",
            "within_over_offered_less_short")
Formula = Literal["within_over_answered_and_late_abandons", "within_over_answered",
                  "within_over_offered_less_short"]


class QueueDefinition(ConfigModel):
    """How one queue's figures are counted and judged."""

    threshold_seconds: PositiveFloat
    short_abandon_seconds: NonNegativeFloat
    exclude_short_abandons: bool
    service_level_formula: Formula
    service_level_target: float = Field(gt=0, le=1)
    abandonment_rate_target: float = Field(gt=0, le=1)

    def answered_within(self, waited: float) -> bool:
        """A wait of exactly the threshold is within it."""
        return waited <= self.threshold_seconds

    def short_abandon(self, waited: float) -> bool:
        """An abandon quicker than the cut-off."""
        return waited < self.short_abandon_seconds


class FormulaWords(ConfigModel):
    """A service-level formula in symbols (beside the figure) and in words (definitions page)."""

    label: str = Field(min_length=1)
    words: str = Field(min_length=1)


class Definitions(ConfigModel):
    """All figure definitions (config/figures.yaml): the defaults, each queue's own (the
    defaults with its overrides), the formulas' words, the day's time zone."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    timezone: ZoneInfo
    default: QueueDefinition = Field(validation_alias="defaults")
    queues: dict[str, QueueDefinition]
    formulas: dict[Formula, FormulaWords]
    stale_waiting_seconds: PositiveFloat
    keep_days_in_redis: PositiveInt
    entry_points: dict[str, str]  # channel -> line name

    @field_validator("timezone", mode="before")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        try:
            return ZoneInfo(value) if isinstance(value, str) else value
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None

    @model_validator(mode="before")
    @classmethod
    def _queues_over_defaults(cls, data: Any) -> Any:
        """A queue names only what differs from the defaults."""
        if isinstance(data, dict) and isinstance(data.get("defaults"), dict):
            queues = data.get("queues") or {}
            if isinstance(queues, dict):
                data = {**data, "queues": {qid: {**data["defaults"], **(over or {})}
                                           for qid, over in queues.items()}}
        return data

    @model_validator(mode="after")
    def _formulas_described(self) -> Definitions:
        used = {q.service_level_formula for q in (self.default, *self.queues.values())}
        missing = sorted(used - set(self.formulas))
        if missing:
            raise ValueError(f"formulas: no words for {', '.join(missing)}")
        return self

    def entry_point(self, channel: str) -> str:
        """The line a contact on a written channel is counted under (its entry point's name)."""
        return self.entry_points.get(channel, channel)

    def for_queue(self, queue_id: str | None) -> QueueDefinition:
        """The definition that applies to `queue_id` (the defaults unless overridden)."""
        return self.queues.get(queue_id or "", self.default)

    def formula_label(self, queue_id: str | None) -> str:
        """The service-level formula of a queue, in symbols (shown beside the figure)."""
        return self.formulas[self.for_queue(queue_id).service_level_formula].label


def load_definitions(path: Path | str = CONFIG_PATH) -> Definitions:
    """Read and check config/figures.yaml; ConfigFileError names the entry at fault."""
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> Definitions:
    return load(Definitions, Path(path))


def rates(counts: Mapping[str, float], definition: QueueDefinition) -> dict[str, float | None]:
    """Service level, abandonment rate and average speed of answer from one set of counters.

    `counts` holds offered, answered, answered_within, abandoned, short_abandoned,
    abandoned_after and answered_wait_seconds; a rate with nothing to divide by is None.
    """
    get = lambda name: float(counts.get(name, 0) or 0)  # noqa: E731
    offered, answered, abandoned = get("offered"), get("answered"), get("abandoned")
    short = get("short_abandoned")
    within = get("answered_within")
    denominator = {
        "within_over_answered_and_late_abandons": answered + get("abandoned_after"),
        "within_over_answered": answered,
        "within_over_offered_less_short": offered - short,
    }[definition.service_level_formula]
    if definition.exclude_short_abandons:
        abandon_rate = _ratio(abandoned - short, offered - short)
    else:
        abandon_rate = _ratio(abandoned, offered)
    return {
        "service_level": _ratio(within, denominator),
        "abandonment_rate": abandon_rate,
        "average_speed_of_answer_seconds": _ratio(get("answered_wait_seconds"), answered),
    }


def describe(definitions: Definitions) -> list[dict[str, str]]:
    """Every figure, formula, threshold and window in words (the definitions page)."""
    d = definitions.default
    zone = definitions.timezone.key
    short_rule = ("excluded from both the abandoned count and the contacts offered"
                  if d.exclude_short_abandons else "still counted as abandoned")
    rows = [
        ("Window", f"Each day runs from midnight to midnight, {zone} time; on the days the clocks "
                   "change a day has 23 or 25 hours. A contact counts on the day and hour it "
                   "joined the queue, even when it is answered or abandoned after midnight."),
        ("Offered", "Contacts that joined a contact-centre queue (phone calls put in a queue, "
                    "chats waiting for an adviser). Hang-ups while talking to the assistant are "
                    "not offered and never count as abandoned."),
        ("Answered", "Queued contacts an adviser took. Phone: Twilio's QueueResult bridged or "
                     "bridging-in-process; webchat: an adviser took the chat."),
        ("Abandoned", "Queued contacts whose customer gave up while waiting. Phone: QueueResult "
                      "hangup; webchat: the customer ended the chat while it waited."),
        ("Left the queue", "Contacts that left the queue for a callback, or were redirected; "
                           "neither answered nor abandoned."),
        ("Queue time", "Seconds from joining the queue to being answered or giving up (Twilio's "
                       "QueueTime on the phone)."),
        ("Answered within the threshold", f"Answered after a queue time of at most "
                                          f"{d.threshold_seconds:g} seconds."),
        ("Short abandons", f"Abandoned in under {d.short_abandon_seconds:g} seconds; shown apart "
                           f"and {short_rule}."),
        ("Service level", f"{definitions.formulas[d.service_level_formula].words} Target "
                          f"{d.service_level_target:.0%} (000:L115)."),
        ("Abandonment rate", "Abandoned ÷ offered" + (" (both less short abandons)"
                             if d.exclude_short_abandons else "") +
                             f". Target below {d.abandonment_rate_target:.0%} (000:L115)."),
        ("Average speed of answer", "Total queue time of answered contacts ÷ answered contacts, "
                                    "measured from joining the queue (after the assistant)."),
        ("Waiting now, longest wait", "Contacts in a queue at this moment, and how long the one "
                                      "waiting longest has waited."),
        ("Callbacks", "Open callbacks per owner (a prime contractor or a contact-centre queue): "
                      "pending, due within the next hour, and overdue (past their due time and "
                      "not finished). Due times already skip closed days and bank holidays."),
        ("Transfers", "Per prime contractor: warm (the adviser accepted the whisper), failed warm "
                      "(no answer, busy or declined; it becomes a callback) and cold (a callback "
                      "for the contractor when it was closed or the warm transfer failed)."),
        ("Assistant containment", "Contacts that ended without a queue, a transfer or a "
                                  "callback and without hanging up mid-conversation, ÷ contacts "
                                  "started."),
        ("By line", "Contacts started, by the line they came in on: a phone call by the name "
                    "of the number dialled (national, Jobcentre Plus, campaign or language "
                    "line; \"other\" for a number not configured, never the number itself), "
                    "a written contact by its channel's entry point (000:L113)."),
        ("By line and route", "Contacts triaged, by line and by the route triage chose (the "
                              "destination), counted once per contact at its first complete "
                              "decision."),
        ("Keypad fallbacks, assistant errors", "Calls and chats moved to keypad menus or buttons "
                                               "because the assistant was slow, down or did not "
                                               "understand; turns where it could not answer."),
    ]
    rows += [(f"Queue {queue}", f"threshold {q.threshold_seconds:g} s, short abandons under "
              f"{q.short_abandon_seconds:g} s, service level = "
              f"{definitions.formulas[q.service_level_formula].label}")
             for queue, q in definitions.queues.items()]
    return [{"name": name, "words": words} for name, words in rows]


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator > 0 else None
