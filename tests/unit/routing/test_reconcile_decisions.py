"""The reconcile round's pure decisions: which calls and chats have lost their customer."""

from __future__ import annotations

import pytest

from routing.reconcile import Verdict, call_verdict, chat_verdict

TIMEOUT = 900.0


@pytest.mark.parametrize("status", ["completed", "busy", "failed", "no-answer", "canceled"])
def test_a_call_in_a_final_state_is_ended(status):
    assert call_verdict(status) is Verdict.END


@pytest.mark.parametrize("status", ["queued", "ringing", "in-progress"])
def test_a_live_call_is_kept(status):
    assert call_verdict(status) is Verdict.KEEP


@pytest.mark.parametrize("status", [None, "", "paused", "COMPLETED"])
def test_a_status_twilio_could_not_give_leaves_the_call_alone(status):
    # Unreachable, a Sid Twilio does not know (404), or a value not in call_enum_status.
    assert call_verdict(status) is Verdict.UNKNOWN


def test_a_waiting_chat_unseen_for_longer_than_the_timeout_is_ended():
    assert chat_verdict(state="queued", last_seen=1000.0, joined=900.0,
                        now=1000.0 + TIMEOUT + 1, timeout_seconds=TIMEOUT) is Verdict.END


def test_a_waiting_chat_seen_within_the_timeout_is_kept():
    assert chat_verdict(state="queued", last_seen=1000.0, joined=900.0,
                        now=1000.0 + TIMEOUT, timeout_seconds=TIMEOUT) is Verdict.KEEP


def test_a_chat_never_seen_since_it_joined_counts_from_joining():
    assert chat_verdict(state="queued", last_seen=None, joined=500.0,
                        now=500.0 + TIMEOUT + 1, timeout_seconds=TIMEOUT) is Verdict.END
    assert chat_verdict(state="queued", last_seen=None, joined=500.0,
                        now=500.0 + TIMEOUT - 1, timeout_seconds=TIMEOUT) is Verdict.KEEP


def test_a_customer_last_seen_before_joining_is_counted_from_joining():
    # Seen when they wrote the answer that queued them, a little before the queue's own stamp.
    assert chat_verdict(state="queued", last_seen=100.0, joined=1000.0,
                        now=1000.0 + TIMEOUT - 1, timeout_seconds=TIMEOUT) is Verdict.KEEP


@pytest.mark.parametrize("state", ["adviser", "ended", "callback", "triage", None])
def test_a_chat_that_no_longer_waits_is_never_ended_by_the_round(state):
    assert chat_verdict(state=state, last_seen=0.0, joined=0.0, now=1e9,
                        timeout_seconds=TIMEOUT) is Verdict.KEEP
