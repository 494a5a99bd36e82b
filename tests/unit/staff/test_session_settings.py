"""The staff sign-in and session settings: sensible defaults, and production's upper bounds."""

from __future__ import annotations

import pytest

from config.settings import Settings, SettingsError, load_settings

PRODUCTION = {"app_env": "production", "secret_key": "a-secret-of-our-own-for-tests-123",
              "voice_enabled": False, "database_url": "postgresql://db/x", "clock_start": None,
              "redis_url": "redis://cache:6379/0", "rasa_enabled": False,
              "sealing_keys": "c2VhbGluZy1rZXktZm9yLXRoZS1zZXNzaW9uLXRlc3Q=", "_env_file": None}


def test_defaults_sign_out_after_15_idle_minutes_or_12_hours():
    settings = Settings(_env_file=None)
    assert settings.console_idle_minutes == 15 and settings.console_session_hours == 12
    assert settings.console_signin_hashes_inflight >= 1


@pytest.mark.parametrize("changed", [{"console_idle_minutes": 31},
                                     {"console_session_hours": 13}])
def test_production_refuses_longer_sessions(changed):
    assert load_settings(**PRODUCTION)  # the defaults are accepted
    with pytest.raises(SettingsError, match="CONSOLE_SESSION_HOURS"):
        load_settings(**PRODUCTION, **changed)


@pytest.mark.parametrize("name", ["console_session_hours", "console_signin_hashes_inflight",
                                  "console_signin_per_address_per_minute",
                                  "console_signin_per_minute"])
def test_limits_are_at_least_one(name):
    with pytest.raises(SettingsError, match=name.upper()):
        load_settings(_env_file=None, **{name: 0})
