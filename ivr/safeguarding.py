"""The safeguarding screen as every channel applies it: screen a turn, alert supervisors.

Each customer turn on the phone (speech of any confidence, keys' spoken words, the queue), on chat
(the assistant's path, the menu, the queue, with an adviser) and in writing (the call-me form's
words, the enquiry form, the national mailbox) passes through `check` before anything else reads
it (ARCHITECTURE.md: channel adapter -> safeguarding screen -> assistant). The channel then hands
the customer to a person at once through routing's safeguarding route (003:L211).
"""

from __future__ import annotations

import logging
from datetime import datetime

from routing.safeguarding_alerts import SafeguardingAlerts
from triage.safeguarding import Concern, screen

log = logging.getLogger(__name__)
# What the assistant's own decision raises, when it found the concern (the same screen runs there).
ASSISTANT_CONCERN = Concern("self_harm", True, "assistant")


def check(text: str | None) -> Concern | None:
    """The concern in one customer turn, or None (pure; never raises)."""
    try:
        return screen(text)
    except Exception as error:  # a screen fault must never lose a customer's turn
        log.error("safeguarding screen failed: %s", type(error).__name__)
        return None


def summary(concern: Concern) -> dict[str, object]:
    """What the adviser's screen pop shows of a concern: why, never the customer's words."""
    return {"kind": concern.kind, "explicit": concern.explicit, "about": concern.about}


def alert(redis_client, *, contact: str, channel: str, concern: Concern, where: str,
          at: datetime, adviser: str | None = None) -> None:
    """Tell supervisors (with the adviser already with the customer, if any); a Redis fault is
    logged, never in the customer's way."""
    try:
        SafeguardingAlerts(redis_client).raise_alert(
            contact=contact, channel=channel, kind=concern.kind, explicit=concern.explicit,
            about=concern.about, rule=concern.rule, where=where, at=at, adviser=adviser)
    except Exception as error:
        log.error("safeguarding alert not written: %s", type(error).__name__)
