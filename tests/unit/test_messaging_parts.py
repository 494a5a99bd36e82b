"""The pure parts of messaging: opt-out keywords, the keyed number hash, who may have texts,
which claimed reminders are owed, and the emulator's segment count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from devtools.emulator.messages import segments
from ivr.messaging.config import load_messages_config
from models.callbacks import CallbackPublic
from models.opt_outs import number_hash
from models.relay_uk import can_text
from routing.callback_messages import reminder_owed

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(("body", "keyword"), [
    ("STOP", "opt_out"), (" stop\n", "opt_out"), ("Stopall", "opt_out"), ("UNSUBSCRIBE", "opt_out"),
    ("cancel", "opt_out"), ("END", "opt_out"), ("quit", "opt_out"), ("START", "opt_in"),
    ("unstop", "opt_in"), ("stop please", None), ("Thanks!", None), ("", None),
])
def test_only_a_whole_keyword_changes_anything(body, keyword):
    # Twilio's default keywords on a long code (Advanced Opt-Out tutorial): the whole message.
    assert load_messages_config().keyword(body) == keyword


def test_the_number_hash_is_keyed_and_never_holds_the_number():
    first = number_hash("+447400123456", "key-one")
    assert first == number_hash(" +447400123456 ", "key-one") and len(first) == 64
    assert first != number_hash("+447400123456", "key-two")
    assert first != number_hash("+447400123457", "key-one")
    assert "7400123456" not in first


@pytest.mark.parametrize(("number", "mobile"), [
    ("+447400123456", True), ("+441134960456", False), ("18001 01134960456", False),
])
def test_only_a_mobile_can_have_texts(number, mobile):
    assert can_text(number) is mobile


def _callback(created: datetime, due: datetime) -> CallbackPublic:
    return CallbackPublic(
        id=1, contact_key="k", queue_id="website_callbacks", due_at=due, phone="+447400123456",
        reason="r", source="customer_request", status="pending", created_at=created,
        updated_at=created, available_at=created, claimed_by=None, lease_expires_at=None,
        claim_count=0, attempt_count=0, finished_at=None, notify="sms")


def test_a_reminder_is_owed_only_to_a_callback_booked_before_its_reminder_time():
    due = NOW + timedelta(hours=3)
    assert reminder_owed(_callback(NOW, due), 60)
    assert reminder_owed(_callback(due - timedelta(minutes=60), due), 60)
    assert not reminder_owed(_callback(due - timedelta(minutes=30), due), 60)


@pytest.mark.parametrize(("body", "parts"), [
    ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("é" * 160, 1),
    ("ł" * 70, 1), ("ł" * 71, 2),
])
def test_segments_follow_gsm7_and_ucs2_lengths(body, parts):
    assert segments(body) == parts
