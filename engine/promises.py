"""When a promised callback is due: one rule per kind of promise, for every channel.

- asked for instead of waiting while the centre is open (busy): within `busy_callback_hours`
  (config/callbacks.yaml; 000:L115, 000:L21), on the hour so it can be said plainly;
- the contact centre closed: by the end of its next opening period (000:L19);
- a prime contractor closed (cold transfer): by the end of its next opening period, its next
  working day (000:L9, 000:L81);
- a safeguarding follow-up: now (003:L211).
A period that cannot be found (no opening hours configured) falls back to the busy promise, so
a customer is never given no time at all.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from routing import hours
from routing.callback_config import load_rules
from routing.directory import Directory, Entity


def busy_period(at: datetime) -> datetime:
    """Due within the busy-period promise of `at`, on the hour."""
    due = at + timedelta(hours=load_rules().busy_callback_hours)
    return due.replace(minute=0, second=0, microsecond=0)


def next_period(entity: Entity, at: datetime) -> datetime:
    """Due by the end of `entity`'s next opening period after `at` (it is closed now)."""
    return hours.end_of_next_period(entity, at) or busy_period(at)


def planned(due: datetime | None, at: datetime) -> datetime:
    """A due time routing's plan already worked out, or the busy promise when it had none."""
    return due or busy_period(at)


def who_will_call(owner: dict[str, str], directory: Directory) -> str:
    """Who the customer is told will call them back: the prime contractor's adviser or ours."""
    words = load_rules().who_will_call
    contractor = owner.get("contractor_id")
    if contractor:
        return words.contractor.format(contractor=directory.contractors[contractor].name)
    return words.contact_centre


def safeguarding(at: datetime) -> datetime:
    """A safeguarding follow-up is due at once."""
    return at
