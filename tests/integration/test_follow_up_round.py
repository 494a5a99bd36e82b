"""The worker's follow-up round on SQLite and PostgreSQL: who is flagged, when, and who never is
(000:L110: 31 days after the last contact, then two months later)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from models.contacts import EventKind, open_contact, timeline
from models.customers import link_contact
from models.db import session_scope
from models.erasure import erase_customer
from models.follow_ups import FollowUp, has_declined
from models.records import Customer
from models.retention import purge_expired
from models.safeguarding_cases import SafeguardingCase
from models.subject_access import export_customer
from routing import follow_up
from routing.follow_up_rules import load_rules
from tests.support.follow_ups import customer_with_contact

LAST = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
DUE = LAST + timedelta(days=31)
RULES = load_rules()


def _flag(engine, now):
    with session_scope(engine) as session:
        return follow_up.flag_due(session=session, now=now, rules=RULES)


def _rows(engine):
    with session_scope(engine) as session:
        found = session.exec(select(FollowUp).order_by(FollowUp.id)).all()
        return [(f.contact_key, f.stage, f.status, f.service) for f in found]


@pytest.fixture
def people(engine):
    ids = {"info": customer_with_contact(engine, "Info", "CA-info", at=LAST),
           "advice": customer_with_contact(engine, "Advice", "chat-advice", at=LAST,
                                           route="prime_contractor_advice", channel="webchat"),
           "complaint": customer_with_contact(engine, "Complaint", "CA-complaint", at=LAST,
                                              route="complaints_and_feedback"),
           "recent": customer_with_contact(engine, "Recent", "CA-recent",
                                           at=LAST + timedelta(days=10)),
           "held": customer_with_contact(engine, "Held", "CA-held", at=LAST),
           "declined": customer_with_contact(engine, "Declined", "CA-declined", at=LAST)}
    with session_scope(engine) as session:
        session.add(SafeguardingCase(alert_id="1-0", contact_key="CA-held", channel="phone",
                                     kind="self_harm", explicit=True, about="self", rule="model",
                                     step="assistant", raised_at=LAST))
        session.commit()
        assert follow_up.decline(session=session, contact_key="CA-declined", channel="phone",
                                 rules=RULES, now=LAST + timedelta(days=1))
    return ids


def test_nobody_is_flagged_a_minute_before_31_days(engine, people):
    assert _flag(engine, DUE - timedelta(minutes=1))["flagged"] == 0
    assert _rows(engine) == []


def test_at_31_days_followed_routes_are_flagged_and_the_rest_never(engine, people):
    counts = _flag(engine, DUE)
    assert counts["flagged"] == 2 and counts["not_followed"] == 1
    rows = {r[0]: r for r in _rows(engine)}
    assert set(rows) == {"CA-info", "chat-advice", "CA-complaint"}  # not held, declined, recent
    assert rows["CA-info"] == ("CA-info", 1, "open", "information")
    assert rows["CA-complaint"][2] == "not_followed"
    with session_scope(engine) as session:
        events = [e for e in timeline(session=session, contact_key="CA-info")
                  if e.kind == EventKind.FOLLOW_UP]
        assert [e.detail for e in events] == [{"step": "flagged", "stage": 1}]
        assert events[0].text is None
    assert _flag(engine, DUE + timedelta(minutes=5))["flagged"] == 0  # once per contact


def test_two_months_later_the_second_follow_up_and_never_a_third(engine, people):
    _flag(engine, DUE)
    assert _flag(engine, DUE + timedelta(days=58))["second"] == 0  # 10 March: not yet
    assert _flag(engine, datetime(2026, 4, 10, 15, 0, tzinfo=UTC))["second"] == 2
    assert {r[:2] for r in _rows(engine) if r[1] == 2} == {("CA-info", 2), ("chat-advice", 2)}
    # "recent" (10 days later) had its first on 10 April's round, its second comes now; no third
    assert _flag(engine, datetime(2026, 12, 1, tzinfo=UTC)) == {
        "flagged": 0, "not_followed": 0, "second": 1, "cancelled": 0}
    assert _flag(engine, datetime(2027, 12, 1, tzinfo=UTC))["second"] == 0


def test_a_hold_lifted_later_is_flagged_then(engine, people):
    _flag(engine, DUE)
    with session_scope(engine) as session:
        case = session.exec(select(SafeguardingCase)).one()
        case.status = "closed"
        session.add(case)
        session.commit()
    assert _flag(engine, DUE + timedelta(days=1))["flagged"] == 1
    assert ("CA-held", 1, "open", "information") in _rows(engine)


def test_a_newer_contact_starts_again_and_cancels_the_open_follow_up(engine, people):
    _flag(engine, DUE)
    with session_scope(engine) as session:
        open_contact(session=session, key="CA-info-2", channel="phone", at=DUE + timedelta(1))
        link_contact(session=session, contact_key="CA-info-2", customer_id=people["info"])
        session.commit()
    assert _flag(engine, DUE + timedelta(days=2))["cancelled"] == 1
    assert ("CA-info", 1, "cancelled", "information") in _rows(engine)


def test_declining_closes_open_follow_ups_and_erasure_removes_them(engine, redis_client,
                                                                     people):
    _flag(engine, DUE)
    with session_scope(engine) as session:
        assert follow_up.decline(session=session, contact_key="chat-advice", channel="webchat",
                                 rules=RULES, now=DUE + timedelta(hours=1))
        assert not follow_up.decline(session=session, contact_key="chat-advice",
                                     channel="email", rules=RULES, now=DUE)
        assert has_declined(session=session, customer_id=people["advice"])
        with pytest.raises(follow_up.FollowUpError):
            follow_up.decline(session=session, contact_key="CA-nobody", channel="phone",
                              rules=RULES, now=DUE)
    assert ("chat-advice", 1, "declined", "advice") in _rows(engine)
    with session_scope(engine) as session:  # a subject access request shows both
        held = export_customer(session=session, customer_id=people["advice"], at=DUE)
    assert held["follow_ups"]["declined"]["channel"] == "webchat"
    assert [f["status"] for f in held["follow_ups"]["follow_ups"]] == ["declined"]
    # CA-info and "recent" (flagged on this round too); never the advice customer who declined
    assert _flag(engine, datetime(2026, 5, 1, tzinfo=UTC))["second"] == 1
    with session_scope(engine) as session:
        receipt = erase_customer(session=session, customer_id=people["info"], redis=redis_client,
                                 tracker_redis=redis_client, at=DUE)
        session.commit()
    assert receipt.counts["follow_ups"] == 2
    assert not [r for r in _rows(engine) if r[0] == "CA-info"]


def test_the_three_month_follow_up_outlives_the_retention_purge(engine, people):
    _flag(engine, DUE)
    later = datetime(2026, 4, 12, 15, 0, tzinfo=UTC)  # past 90 days: the contacts are purged
    with session_scope(engine) as session:
        purge_expired(session=session, now=later, retention_days=90)
        session.commit()
        kept = set(session.exec(select(Customer.id)))
    assert {people["info"], people["advice"]} <= kept  # their programme is still running
    assert people["complaint"] not in kept and people["declined"] not in kept
    assert _flag(engine, later)["second"] == 2
    assert {r[:2] for r in _rows(engine) if r[1] == 2} == {("CA-info", 2), ("chat-advice", 2)}
