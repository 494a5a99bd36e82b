"""The follow-up programme in the reports: positive-outcome rates against the targets.

Information customers 40% and advice customers 50% (000:L16 para 16, 000:L5 para 3). A customer
counts once per programme (their last contact), by the day the outcome was recorded, as positive
when a follow-up recorded a positive progression outcome (config/follow_up.yaml).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.follow_ups import finished_between
from routing.follow_up_rules import FollowUpRules, Recorded, rates

SECTION = "follow_up_outcomes"
FORMULA = ("customers with a positive progression outcome ÷ customers followed up with an "
           "outcome recorded")


def report_sections(engine: Engine, rules: FollowUpRules, *, first: date, last: date,
                    label: str, timezone: ZoneInfo) -> dict[str, list[dict[str, Any]]]:
    """One row per service for local days `first` to `last`: followed up, positive, the rate
    and the target as fractions (None without anyone followed up)."""
    start = datetime.combine(first, time(), timezone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time(), timezone).astimezone(UTC)
    with session_scope(engine) as session:
        recorded = [Recorded(f.customer_id, f.contact_key, f.service or "", bool(f.positive))
                    for f in finished_between(session=session, start=start, end=end)]
    rows = []
    for rate in rates(recorded, rules):
        rows.append({"period": label, "service": rate.service, "followed_up": rate.followed_up,
                     "positive": rate.positive,
                     "positive_rate": None if rate.percent is None else rate.percent / 100,
                     "target_rate": rate.target_percent / 100, "formula": FORMULA})
    return {SECTION: rows}
