"""The development clock: CLOCK_START starts a process's clock there and runs on from it."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

import pytest

from bot.actions import clock as actions_clock
from config import clock
from config.settings import Settings, SettingsError, load_settings

SATURDAY = "2026-03-07T10:00:00+00:00"


@pytest.fixture(autouse=True)
def _suite_clock_after(monkeypatch):
    # Each test here reads CLOCK_START from its own start (not the suite's shared timeline),
    # and the suite's clock (tests/support/clock.py) is put back after it.
    monkeypatch.delenv("CLOCK_STARTED_AT", raising=False)
    suite = os.environ.get("CLOCK_START")
    yield
    monkeypatch.undo()
    clock.start(clock.parse_start(suite) if suite else None)


def test_clock_start_is_read_from_the_environment_and_runs_on(monkeypatch):
    monkeypatch.setenv("CLOCK_START", SATURDAY)
    settings = Settings(_env_file=None)
    assert settings.clock_start == datetime(2026, 3, 7, 10, tzinfo=UTC)
    clock.start(settings.clock_start)
    first = clock.now()
    assert abs(first - settings.clock_start) < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock.now() > first  # it runs on from the start
    assert clock.is_shifted()


def test_without_clock_start_the_clock_is_real():
    clock.start(None)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=1)
    assert not clock.is_shifted()


@pytest.mark.parametrize("text", ["2026-03-07T10:00:00", "Saturday", "2026-13-01T00:00:00Z"])
def test_a_clock_start_without_an_offset_or_not_a_time_is_refused(text):
    with pytest.raises(SettingsError, match="CLOCK_START"):
        load_settings(clock_start=text, _env_file=None)


def test_clock_start_is_refused_in_production():
    with pytest.raises(SettingsError, match="CLOCK_START is for development"):
        load_settings(app_env="production", secret_key="s", twilio_auth_token="t",
                      database_url="postgresql://x/y", clock_start=SATURDAY, _env_file=None)


def test_the_actions_clock_follows_the_same_rule(monkeypatch):
    offset = actions_clock._start_offset({"CLOCK_START": SATURDAY})
    assert abs(datetime.now(UTC) + offset - datetime(2026, 3, 7, 10, tzinfo=UTC)) < \
        timedelta(seconds=1)
    assert actions_clock._start_offset({}) == timedelta(0)
    with pytest.raises(RuntimeError, match="production"):
        actions_clock._start_offset({"CLOCK_START": SATURDAY, "APP_ENV": "production"})


def test_processes_of_one_make_run_share_one_timeline(monkeypatch):
    # make run sets CLOCK_STARTED_AT: a process started later is as far on as the first.
    monkeypatch.setenv("CLOCK_START", SATURDAY)
    monkeypatch.setenv("CLOCK_STARTED_AT", f"{time.time() - 60:.3f}")
    clock.start(datetime(2026, 3, 7, 10, tzinfo=UTC))
    assert abs(clock.now() - datetime(2026, 3, 7, 10, 1, tzinfo=UTC)) < timedelta(seconds=2)
    offset = actions_clock._start_offset({"CLOCK_START": SATURDAY,
                                          "CLOCK_STARTED_AT": f"{time.time() - 60:.3f}"})
    assert abs(datetime.now(UTC) + offset - datetime(2026, 3, 7, 10, 1, tzinfo=UTC)) < \
        timedelta(seconds=2)


def test_a_clock_set_to_another_time_reads_that_time_now(monkeypatch):
    # The shared timeline's stamp belongs to CLOCK_START's time; a test or tool that sets the
    # clock elsewhere (the top of a minute, say) gets exactly that time, however long it has run.
    monkeypatch.setenv("CLOCK_START", SATURDAY)
    monkeypatch.setenv("CLOCK_STARTED_AT", f"{time.time() - 600:.3f}")
    top = datetime(2026, 12, 25, 3, 10, tzinfo=UTC)
    clock.start(top)
    assert timedelta(0) <= clock.now() - top < timedelta(seconds=1)


def test_the_mailbox_intake_runs_on_the_development_clock(monkeypatch):
    from ivr.mailbox.__main__ import centre_clock

    monkeypatch.setenv("CLOCK_START", SATURDAY)
    now = centre_clock(Settings(_env_file=None))
    # An email read now is received on Saturday, as the app and the advisers believe.
    assert abs(now() - datetime(2026, 3, 7, 10, tzinfo=UTC)) < timedelta(seconds=1)
