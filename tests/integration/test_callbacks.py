"""Durable callbacks on SQLite and real PostgreSQL: idempotent create, leased claims, attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from models.callbacks import CallbackAttempt
from routing import callbacks as cb

NOW = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)
DUE = datetime(2026, 12, 29, 17, 0, tzinfo=UTC)
SUMMARY = {"destination": "prime_contractor_advice", "reasons": ["001:5.3"], "region": "london"}


def make(session, key="CA0001", *, due=DUE, contractor_id="london", queue_id=None, now=NOW,
         **extra):
    values = {"phone": "+447700900123", "reason": "career change advice", "summary": SUMMARY,
              "source": "cold_transfer"} | extra
    return cb.create_callback(session=session, contact_key=key, due=due,
                              contractor_id=contractor_id, queue_id=queue_id, now=now, **values)


def test_create_is_durable_and_holds_what_the_contractor_needs(engine):
    with Session(engine) as session:
        created = make(session, phone="07700 900123")
    with Session(engine) as session:
        stored = cb.get_callback(session=session, callback_id=created.id)
    assert stored.status == "pending" and stored.contractor_id == "london"
    assert stored.phone == "+447700900123"  # normalised to E.164
    assert (stored.reason, stored.summary) == ("career change advice", SUMMARY)  # 000:L81
    assert stored.due_at == DUE and stored.due_at.tzinfo is not None


def test_a_retried_create_returns_the_same_callback(engine):
    with Session(engine) as session:
        first = make(session)
        again = make(session, due=DUE + timedelta(days=1), reason="different")
    assert again.id == first.id and again.due_at == DUE and again.reason == first.reason
    with Session(engine) as session:
        assert len(cb.list_pending(session=session)) == 1


@pytest.mark.parametrize("change, message", [
    ({"phone": None}, "phone number or an email"),
    ({"phone": "not a number"}, "phone"),
    ({"email": "nobody", "phone": None}, "email"),
    ({"queue_id": "complaints"}, "exactly one of contractor_id and queue_id"),
    ({"contractor_id": None}, "exactly one of contractor_id and queue_id"),
    ({"source": "guess"}, "source"),
    ({"reason": ""}, "reason"),
    ({"due": datetime(2026, 12, 29, 17)}, "due_at"),
    ({"contractor_id": "North West"}, "contractor_id"),
])
def test_bad_requests_are_refused_with_the_field_named(engine, change, message):
    with Session(engine) as session, pytest.raises(cb.CallbackError, match=message):
        make(session, **change)


def test_email_only_callback_for_a_queue(engine):
    with Session(engine) as session:
        created = make(session, contractor_id=None, queue_id="young_people", phone=None,
                       email="customer@example.org", source="out_of_hours")
    assert created.queue_id == "young_people"
    assert (created.email, created.phone) == ("customer@example.org", None)


def test_claims_come_soonest_due_first_and_by_owner(engine):
    with Session(engine) as session:
        make(session, "late", due=DUE + timedelta(hours=2))
        make(session, "soon", due=DUE)
        make(session, "other", due=DUE - timedelta(hours=1), contractor_id="north-west")
        make(session, "queue", due=DUE - timedelta(hours=2), contractor_id=None,
             queue_id="complaints")
        london = [cb.claim_next(session=session, staff_id=f"s{i}", contractor_id="london", now=NOW)
                  for i in range(3)]
        assert [c.contact_key for c in london[:2]] == ["soon", "late"] and london[2] is None
        assert cb.claim_next(session=session, staff_id="q", queue_id="complaints",
                             now=NOW).contact_key == "queue"
        assert cb.claim_next(session=session, staff_id="any", now=NOW).contact_key == "other"
        assert cb.claim_next(session=session, staff_id="any", now=NOW) is None


def test_a_claim_is_leased_and_an_expired_lease_is_claimable_again(engine):
    with Session(engine) as session:
        created = make(session)
        first = cb.claim_next(session=session, staff_id="anna", lease_seconds=60, now=NOW)
        assert (first.id, first.claimed_by) == (created.id, "anna")
        assert first.lease_expires_at == NOW + timedelta(seconds=60)
        early = NOW + timedelta(seconds=59)
        assert cb.claim_next(session=session, staff_id="ben", now=early) is None
        second = cb.claim_next(session=session, staff_id="ben", now=NOW + timedelta(seconds=60))
        assert (second.id, second.claimed_by, second.claim_count) == (created.id, "ben", 2)
        # Anna's lease has gone: she can no longer act on it.
        with pytest.raises(cb.CallbackConflict):
            cb.record_attempt(session=session, callback_id=created.id, staff_id="anna",
                              outcome="reached", now=NOW + timedelta(seconds=61))


def test_the_soonest_due_wins_between_lapsed_claims_and_pending_ones(engine):
    with Session(engine) as session:
        make(session, "lapsed", due=DUE)
        make(session, "middle", due=DUE + timedelta(hours=1))
        make(session, "last", due=DUE + timedelta(hours=2))
        assert cb.claim_next(session=session, staff_id="anna", lease_seconds=60,
                             now=NOW).contact_key == "lapsed"
        later = NOW + timedelta(seconds=61)
        # Anna's lease has lapsed, and that callback is due before every pending one.
        assert cb.claim_next(session=session, staff_id="ben", now=later).contact_key == "lapsed"
        assert cb.claim_next(session=session, staff_id="cat", lease_seconds=60,
                             now=later).contact_key == "middle"
        # Now a pending callback ("last") is due after the lapsed "middle", which comes first.
        much_later = later + timedelta(seconds=61)
        picked = [cb.claim_next(session=session, staff_id="dan", now=much_later).contact_key
                  for _ in range(2)]
        assert picked == ["middle", "last"]


def test_extend_and_release(engine):
    with Session(engine) as session:
        created = make(session)
        cb.claim_next(session=session, staff_id="anna", lease_seconds=60, now=NOW)
        extended = cb.extend_lease(session=session, callback_id=created.id, staff_id="anna",
                                   lease_seconds=600, now=NOW + timedelta(seconds=30))
        assert extended.lease_expires_at == NOW + timedelta(seconds=630)
        later = NOW + timedelta(seconds=90)
        assert cb.claim_next(session=session, staff_id="ben", now=later) is None
        released = cb.release(session=session, callback_id=created.id, staff_id="anna", now=NOW)
        assert (released.status, released.claimed_by) == ("pending", None)
        assert cb.claim_next(session=session, staff_id="ben", now=NOW).claimed_by == "ben"


def test_three_unanswered_attempts_fail_the_callback(engine):
    # The adviser calls back up to three times (000:L29).
    with Session(engine) as session:
        created = make(session)
        at = NOW
        for number in (1, 2):
            claimed = cb.claim_next(session=session, staff_id="anna", now=at)
            assert claimed.id == created.id and claimed.attempt_count == number - 1
            after = cb.record_attempt(session=session, callback_id=created.id, staff_id="anna",
                                      outcome="no_answer", now=at, retry_after_seconds=1800)
            assert (after.status, after.attempt_count) == ("pending", number)
            # Not offered again until the retry delay has passed.
            too_soon = at + timedelta(minutes=29)
            assert cb.claim_next(session=session, staff_id="anna", now=too_soon) is None
            at += timedelta(minutes=30)
        cb.claim_next(session=session, staff_id="anna", now=at)
        final = cb.record_attempt(session=session, callback_id=created.id, staff_id="anna",
                                  outcome="voicemail", now=at)
        assert (final.status, final.attempt_count) == ("failed", 3)
        assert [a.outcome for a in final.attempts] == ["no_answer", "no_answer", "voicemail"]
        assert cb.claim_next(session=session, staff_id="anna", now=at + timedelta(days=1)) is None


def test_reached_completes_and_wrong_number_fails(engine):
    with Session(engine) as session:
        one, two = make(session, "one"), make(session, "two")
        cb.claim_next(session=session, staff_id="anna", now=NOW)
        cb.claim_next(session=session, staff_id="ben", now=NOW)
        done = cb.record_attempt(session=session, callback_id=one.id, staff_id="anna",
                                 outcome="reached", now=NOW)
        assert (done.status, done.finished_at) == ("completed", NOW)
        failed = cb.record_attempt(session=session, callback_id=two.id, staff_id="ben",
                                   outcome="wrong_number", now=NOW)
        assert failed.status == "failed"
        with pytest.raises(cb.CallbackError, match="outcome"):
            cb.record_attempt(session=session, callback_id=one.id, staff_id="anna",
                              outcome="maybe", now=NOW)


def test_complete_is_for_the_claim_holder_and_safe_to_retry(engine):
    with Session(engine) as session:
        created = make(session)
        with pytest.raises(cb.CallbackConflict):
            cb.complete(session=session, callback_id=created.id, staff_id="anna", now=NOW)
        cb.claim_next(session=session, staff_id="anna", now=NOW)
        with pytest.raises(cb.CallbackConflict):
            cb.complete(session=session, callback_id=created.id, staff_id="ben", now=NOW)
        assert cb.complete(session=session, callback_id=created.id, staff_id="anna",
                           now=NOW).status == "completed"
        assert cb.complete(session=session, callback_id=created.id, staff_id="anna",
                           now=NOW).status == "completed"
        with pytest.raises(cb.CallbackConflict, match="already completed"):
            cb.cancel(session=session, callback_id=created.id, now=NOW)


def test_cancel_takes_it_off_the_list(engine):
    with Session(engine) as session:
        created = make(session)
        assert cb.cancel(session=session, callback_id=created.id, now=NOW).status == "cancelled"
        assert cb.cancel(session=session, callback_id=created.id, now=NOW).status == "cancelled"
        assert cb.list_pending(session=session) == []
        assert cb.claim_next(session=session, staff_id="anna", now=NOW) is None
        with pytest.raises(cb.CallbackError):
            cb.cancel(session=session, callback_id=999, now=NOW)


def test_list_pending_by_owner_and_due_time(engine):
    with Session(engine) as session:
        make(session, "b", due=DUE + timedelta(hours=1))
        make(session, "a", due=DUE)
        make(session, "c", due=DUE, contractor_id="north-west")
        make(session, "q", due=DUE, contractor_id=None, queue_id="complaints")
        cb.claim_next(session=session, staff_id="anna", contractor_id="north-west", now=NOW)
        assert [c.contact_key for c in cb.list_pending(session=session, contractor_id="london")] \
            == ["a", "b"]
        assert [c.status for c in cb.list_pending(session=session, contractor_id="north-west")] \
            == ["claimed"]
        assert [c.contact_key for c in cb.list_pending(session=session, queue_id="complaints")] \
            == ["q"]
        assert len(cb.list_pending(session=session, limit=2)) == 2


def test_the_database_refuses_a_fourth_attempt_and_a_second_row_per_key(engine):
    with Session(engine) as session:
        created = make(session)
        session.add(CallbackAttempt(callback_id=created.id, number=4, staff_id="x",
                                    outcome="busy", at=NOW))
        with pytest.raises(IntegrityError):
            session.commit()


def test_reason_and_summary_are_stored_redacted(engine):
    from sqlalchemy import text

    with Session(engine) as session:
        cb.create_callback(
            session=session, contact_key="CA-redact", due=datetime(2026, 12, 1, 17, tzinfo=UTC),
            reason="just out of prison, call me on 07700 900123", source="cold_transfer",
            summary={"notes": ["said they were on probation"],
                     "priority_groups": ["non_community"]},
            contractor_id="london", phone="+447700900123",
        )
    with engine.connect() as connection:
        reason, summary = connection.execute(
            text("SELECT reason, summary FROM callback WHERE contact_key = 'CA-redact'")).one()
    stored = f"{reason} {summary}"
    for word in ("prison", "probation", "07700"):
        assert word not in stored
    assert "[restricted]" in reason and "[phone]" in reason
    assert "non_community" in stored
