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
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import redis

from models import keys

# Why a cap: the stream is a live feed, not the record (the timeline is); ~10,000 recent alerts.
MAX_ALERTS = 10_000


class SafeguardingAlerts:
    """Raise and read safeguarding alerts; takes its Redis connection in the constructor."""

    def __init__(self, redis_client: redis.Redis) -> None:
        self._redis = redis_client

    def raise_alert(self, *, contact: str, channel: str, kind: str, explicit: bool, rule: str,
                    where: str, at: datetime, about: str = "self") -> str:
        """Append one alert to the stream; returns its stream id."""
        fields = {"contact": contact, "channel": channel, "kind": kind,
                  "explicit": "1" if explicit else "0", "about": about, "rule": rule,
                  "where": where, "at": at.astimezone(UTC).isoformat()}
        entry = self._redis.xadd(keys.SAFEGUARDING_ALERTS, fields, maxlen=MAX_ALERTS,
                                 approximate=True)
        return entry.decode() if isinstance(entry, bytes) else str(entry)

    def recent(self, count: int = 50) -> list[dict[str, Any]]:
        """The newest alerts first, each with its stream `id`."""
        rows = self._redis.xrevrange(keys.SAFEGUARDING_ALERTS, count=count)
        return [{"id": _text(entry_id), **{_text(k): _text(v) for k, v in fields.items()}}
                for entry_id, fields in rows]


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)
