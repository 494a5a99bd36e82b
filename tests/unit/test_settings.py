"""Settings: defaults for development, fail-fast messages a newcomer understands."""

import base64
import os

import pydantic
import pytest

from config.sealing_keys import DEVELOPMENT_SEALING_KEY
from config.settings import Settings, SettingsError, load_settings

SEALING_KEY = base64.b64encode(os.urandom(32)).decode()


@pytest.fixture(autouse=True)
def _no_suite_clock(monkeypatch):
    # These read settings from the environment; production refuses the suite's CLOCK_START.
    monkeypatch.delenv("CLOCK_START", raising=False)


def test_development_defaults_need_no_environment(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    settings = load_settings()
    assert settings.port == 8000
    assert settings.effective_database_url.startswith("sqlite:///")
    assert settings.effective_public_base_url == "http://127.0.0.1:8000"
    assert settings.rasa_url == "http://127.0.0.1:5005"


def test_public_base_url_follows_port(monkeypatch):
    monkeypatch.setenv("PORT", "9123")
    assert load_settings().effective_public_base_url == "http://127.0.0.1:9123"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {"APP_ENV": "production", "TWILIO_AUTH_TOKEN": "t", "DATABASE_URL": "sqlite://"},
            "SECRET_KEY",
        ),
        (
            {"APP_ENV": "production", "SECRET_KEY": "s", "DATABASE_URL": "sqlite://"},
            "TWILIO_AUTH_TOKEN",
        ),
        ({"PORT": "70000"}, "PORT"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
    ],
)
def test_bad_settings_fail_with_a_readable_message(monkeypatch, environment, expected):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=expected):
        load_settings()


def test_production_with_the_assistant_needs_its_api_token(monkeypatch):
    """Rasa's HTTP API is never left open in production (--auth-token, RASA_AUTH_TOKEN)."""
    for name, value in {"APP_ENV": "production", "SECRET_KEY": "s3cret", "VOICE_ENABLED": "false",
                        "DATABASE_URL": "postgresql://db/x", "REDIS_URL": "redis://c/0",
                        "SEALING_KEYS": SEALING_KEY}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("RASA_AUTH_TOKEN", raising=False)
    with pytest.raises(SettingsError, match="RASA_AUTH_TOKEN"):
        load_settings()
    monkeypatch.setenv("RASA_ENABLED", "false")
    assert not load_settings().rasa_enabled


@pytest.mark.parametrize(("missing", "others"), [
    ("REDIS_URL", {"VOICE_ENABLED": "false"}),
    ("PUBLIC_BASE_URL", {"TWILIO_AUTH_TOKEN": "t" * 32, "REDIS_URL": "redis://c/0"}),
])
def test_production_needs_one_redis_and_its_public_url(monkeypatch, missing, others):
    """One Redis for every process (lock-outs, limits, sessions); Twilio's URL from settings."""
    for name, value in {"APP_ENV": "production", "SECRET_KEY": "s3cret", "RASA_ENABLED": "false",
                        "DATABASE_URL": "postgresql://db/x", "SEALING_KEYS": SEALING_KEY,
                        **others}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing, raising=False)
    with pytest.raises(SettingsError, match=missing):
        load_settings()


def test_production_without_voice_needs_no_twilio_token(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s3cret")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/x")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("VOICE_ENABLED", "false")
    monkeypatch.setenv("SEALING_KEYS", SEALING_KEY)
    settings = load_settings()
    assert settings.database_url == "postgresql+psycopg://db/x"


def test_settings_are_immutable():
    settings = Settings(_env_file=None)
    with pytest.raises(pydantic.ValidationError):
        settings.port = 1


def test_assistant_trackers_default_to_their_own_database_on_the_same_server():
    settings = Settings(redis_url="redis://cache.internal:6380/0", _env_file=None)
    assert settings.effective_rasa_tracker_redis_url == "redis://cache.internal:6380/1"
    explicit = Settings(redis_url="redis://a:1/0", rasa_tracker_redis_url="redis://b:2/5",
                        _env_file=None)
    assert explicit.effective_rasa_tracker_redis_url == "redis://b:2/5"


def test_the_front_starts_in_production_with_its_redis_alone(monkeypatch):
    """The internet-facing process needs, and so is given, no secret of the app's."""
    from config.settings import FrontSettings

    for name in ("SECRET_KEY", "DATABASE_URL", "TWILIO_AUTH_TOKEN", "RASA_AUTH_TOKEN",
                 "PUBLIC_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(SettingsError, match="REDIS_URL"):
        load_settings(FrontSettings, _env_file=None)
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    assert load_settings(FrontSettings, _env_file=None).redis_url == "redis://cache:6379/0"
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(_env_file=None)  # the app's processes still insist


PRODUCTION = {"APP_ENV": "production", "SECRET_KEY": "s" * 32, "TWILIO_AUTH_TOKEN": "t" * 32,
              "DATABASE_URL": "postgresql://db/x", "REDIS_URL": "redis://cache:6379/0",
              "PUBLIC_BASE_URL": "https://contact.careers.example"}


def _production(monkeypatch, **more: str):
    for name, value in {**PRODUCTION, **more}.items():
        monkeypatch.setenv(name, value)
    return load_settings(_env_file=None)


def test_production_needs_sealing_keys_of_its_own(monkeypatch):
    monkeypatch.delenv("SEALING_KEYS", raising=False)
    with pytest.raises(SettingsError, match="SEALING_KEYS must be set"):
        _production(monkeypatch)
    with pytest.raises(SettingsError, match="SEALING_KEYS must be set"):
        _production(monkeypatch, SEALING_KEYS=" , ")
    with pytest.raises(SettingsError, match="development defaults are refused in production"):
        _production(monkeypatch, SEALING_KEYS=DEVELOPMENT_SEALING_KEY)
    with pytest.raises(SettingsError, match="SEALING_KEYS"):  # the old one still listed
        _production(monkeypatch, SEALING_KEYS=f"{SEALING_KEY},{DEVELOPMENT_SEALING_KEY}")
    settings = _production(monkeypatch, SEALING_KEYS=SEALING_KEY)
    assert settings.effective_sealing_keys == (base64.b64decode(SEALING_KEY),)


def test_the_development_sealing_key_is_refused_off_loopback(monkeypatch):
    for name, value in {"BIND_HOST": "0.0.0.0", "SECRET_KEY": "k" * 32,
                        "TWILIO_AUTH_TOKEN": "t" * 32}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="SEALING_KEYS must be set to secrets of your own"):
        load_settings(_env_file=None)
    monkeypatch.setenv("SEALING_KEYS", SEALING_KEY)
    assert load_settings(_env_file=None).bind_host == "0.0.0.0"


@pytest.mark.parametrize("keys", ["not base64!", base64.b64encode(b"16 bytes only...").decode(),
                                  f"{SEALING_KEY},{base64.b64encode(b'x' * 31).decode()}"],
                         ids=["not-base64", "16-bytes", "second-of-31-bytes"])
def test_sealing_keys_must_be_base64_keys_of_32_bytes(monkeypatch, keys):
    with pytest.raises(SettingsError, match="base64 keys of 32 bytes"):
        _production(monkeypatch, SEALING_KEYS=keys)


def test_sealing_keys_are_listed_newest_first_in_either_base64_alphabet(monkeypatch):
    new, old = os.urandom(32), os.urandom(32)
    listed = f"{base64.urlsafe_b64encode(new).decode()}, {base64.b64encode(old).decode()}"
    assert _production(monkeypatch, SEALING_KEYS=listed).effective_sealing_keys == (new, old)


def test_sealing_keys_are_not_the_cookie_key(monkeypatch):
    with pytest.raises(SettingsError, match="must not include SECRET_KEY"):
        _production(monkeypatch, SEALING_KEYS=SEALING_KEY, SECRET_KEY=SEALING_KEY)
    # Outside production too: the development SECRET_KEY is never a sealing key either.
    for name in ("SECRET_KEY", "SEALING_KEYS"):
        monkeypatch.delenv(name)
    settings = load_settings(app_env="test", _env_file=None)
    assert settings.effective_secret_key.encode() not in settings.effective_sealing_keys


def test_a_chat_is_not_judged_gone_before_its_stream_could_have_reconnected():
    # A customer still there reconnects only when their stream ends (LIVE_STREAM_SECONDS).
    with pytest.raises(pydantic.ValidationError, match="CHAT_CUSTOMER_GONE_SECONDS"):
        Settings(chat_customer_gone_seconds=300, live_stream_seconds=300, _env_file=None)
    with pytest.raises(pydantic.ValidationError, match="RECONCILE_INTERVAL_SECONDS"):
        Settings(reconcile_interval_seconds=0, _env_file=None)
    assert Settings(_env_file=None).chat_customer_gone_seconds > 300
