"""The channels' one-line hooks into the figure counters (routing.figures) of the current app.

Counting never stands in a customer's way: outside an app, or when Redis fails, the hook logs the
failure's type and the call or chat carries on.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app, has_app_context

from config import clock
from routing.figures import Figures

log = logging.getLogger(__name__)


def current() -> Figures | None:
    """The app's figure counters, or None outside an app."""
    return current_app.extensions.get("figures") if has_app_context() else None


def observe(channel: str, contact_key: str, events: Iterable[Any]) -> None:
    """Count the timeline events just committed for a contact."""
    _quietly(lambda f: f.observe(channel, contact_key, list(events)))


def left_queue(channel: str, contact_key: str, *, queue: str | None,
               at: datetime | None = None, waited: float | None = None) -> None:
    """A queued contact left for a callback or was redirected (at: the timeline's clock)."""
    _quietly(lambda f: f.left_queue(channel, contact_key, queue=queue,
                                    at=at or clock.now(), waited=waited))


def note(channel: str, measure: str, *, at: datetime | None = None,
         contact_key: str | None = None, event_id: str | None = None) -> None:
    """A keypad fallback or an assistant error (at: the timeline's clock)."""
    _quietly(lambda f: f.note(channel, measure, at=at or clock.now(),
                              contact_key=contact_key, event_id=event_id))


def _quietly(count) -> None:
    figures = current()
    if figures is None:
        return
    try:
        count(figures)
    except Exception as error:  # noqa: BLE001 - a figure is never worth a customer's call
        log.error("figure counting failed: %s", type(error).__name__)
