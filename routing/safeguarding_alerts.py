"""Safeguarding alerts for supervisors: one Redis stream entry per concern, on any channel.

The screen (triage.safeguarding) finds the concern; the channel hands the customer to a person at
once (003:L211) and raises an alert here so that a supervisor sees it live. An entry says where
and what kind, never what the customer said: the words stay in the redacted contact timeline.

Stream `models.keys.SAFEGUARDING_ALERTS`, fields (all strings):
  contact   the CallSid or the chat's contact key (what `python -m models erase --contact` takes)
  channel   phone | webchat | webform | email
  kind      self_harm | abuse | danger
  explicit  "1" said outright, "0" said indirectly
  about     self (the customer is at risk) | other (someone they told us about)
  rule      the screen's rule that matched (e.g. "no_point"), or "assistant"
  where     the step of the contact: assistant | menu | keypad | speech | queue | adviser | callback
            | call_me | enquiry
  at        ISO 8601 time in UTC
  adviser   (only when a person was already with the customer) the adviser's username

Each alert, and each change supervisors make to one, also goes on the panel's stream
(`models.keys.SAFEGUARDING_PANEL`, through live.publish) so the open panels hear it at once.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import redis

from live import publish as live_publish
from models import keys

log = logging.getLogger(__name__)
# Why a cap: the stream is a live feed, not the record (the timeline is); ~10,000 recent alerts.
MAX_ALERTS = 10_000
# The panel's stream only wakes open pages: a day of changes is plenty.
PANEL_LENGTH = 1000
PANEL_TTL_SECONDS = 24 * 3600
CHANGES = ("raised", "acknowledged", "assigned", "outcome", "closed")


class SafeguardingAlerts:
    """Raise and read safeguarding alerts; takes its Redis connection in the constructor."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client

    def raise_alert(self, *, contact: str, channel: str, kind: str, explicit: bool, rule: str,
                    where: str, at: datetime, about: str = "self",
                    adviser: str | None = None) -> str:
        """Append one alert to the stream and tell the open panels; returns its stream id."""
        fields = {"contact": contact, "channel": channel, "kind": kind,
                  "explicit": "1" if explicit else "0", "about": about, "rule": rule,
                  "where": where, "at": at.astimezone(UTC).isoformat()}
        if adviser:
            fields["adviser"] = adviser
        entry = _text(self._redis.xadd(keys.SAFEGUARDING_ALERTS, fields, maxlen=MAX_ALERTS,
                                       approximate=True))
        try:
            self.changed(entry, "raised")
        except redis.RedisError as error:  # the alert stands; panels see it at their next read
            log.error("safeguarding panel not woken: %s", type(error).__name__)
        return entry

    def changed(self, alert_id: str, change: str) -> str:
        """Put one change of alert `alert_id` on the panel's stream (ids only); its entry id."""
        if change not in CHANGES:
            raise ValueError(f"unknown change {change!r}")
        data = json.dumps({"id": alert_id, "change": change})
        return _text(live_publish.add(self._redis, keys.SAFEGUARDING_PANEL,
                                      live_publish.event("alert", data), maxlen=PANEL_LENGTH,
                                      ttl_seconds=PANEL_TTL_SECONDS))

    def panel_position(self) -> str:
        """The panel stream's newest entry id ("0" when empty): a page follows from there."""
        rows = self._redis.xrevrange(keys.SAFEGUARDING_PANEL, count=1)
        return _text(rows[0][0]) if rows else "0"

    def after(self, entry_id: str, count: int = 500) -> list[dict[str, Any]]:
        """Alerts after stream id `entry_id`, oldest first, each with its stream `id`."""
        rows = self._redis.xrange(keys.SAFEGUARDING_ALERTS, min=f"({entry_id}", count=count)
        return [{"id": _text(entry_id), **{_text(k): _text(v) for k, v in fields.items()}}
                for entry_id, fields in rows]

    def recent(self, count: int = 50) -> list[dict[str, Any]]:
        """The newest alerts first, each with its stream `id`."""
        rows = self._redis.xrevrange(keys.SAFEGUARDING_ALERTS, count=count)
        return [{"id": _text(entry_id), **{_text(k): _text(v) for k, v in fields.items()}}
                for entry_id, fields in rows]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
