"""GET /console/api/phone/token: a Voice access token for the signed-in adviser's own `client:`
identity (decoded here with PyJWT: identity, grant, lifetime on the app's clock, signed with the
API key's secret), never cached, never for anyone else; and the phone settings refused where
they do not belong."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import jwt
import pytest

from app import create_app
from config.settings import (
    DEVELOPMENT_TWILIO_API_KEY_SECRET,
    DEVELOPMENT_TWILIO_API_KEY_SID,
    Settings,
    SettingsError,
    load_settings,
)
from console import phone
from tests.support.console import signed_in

URL = "/console/api/phone/token"
JSON = {"Accept": "application/json"}
STARTS = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
KEY_SID, KEY_SECRET = "SK" + "a" * 32, "s" * 32


@pytest.fixture
def phone_app(settings, redis_client):
    return create_app(settings.model_copy(update={
        "clock_start": STARTS, "phone_adapter": "sdk", "twilio_api_key_sid": KEY_SID,
        "twilio_api_key_secret": KEY_SECRET,
        "twilio_twiml_app_sid": "AP" + "b" * 32}))


def test_an_adviser_with_a_browser_phone_gets_a_short_lived_token_for_their_identity(phone_app):
    client, _ = signed_in(phone_app, "amy", "adviser", endpoint="client:amy_7")
    answer = client.get(URL, headers=JSON)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.get_json()
    assert body["identity"] == "amy_7" and body["ttl_seconds"] == 3600
    with pytest.raises(jwt.InvalidSignatureError):  # not signed with anything but the key secret
        jwt.decode(body["token"], "another secret of thirty-two bytes", algorithms=["HS256"],
                   options={"verify_exp": False, "verify_nbf": False})
    claims = jwt.decode(body["token"], KEY_SECRET, algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})
    assert jwt.get_unverified_header(body["token"])["cty"] == "twilio-fpa;v=1"
    assert claims["iss"] == KEY_SID and claims["sub"] == "AC" + "0" * 31 + "1"
    assert claims["grants"]["identity"] == "amy_7"
    assert claims["grants"]["voice"] == {"incoming": {"allow": True},
                                         "outgoing": {"application_sid": "AP" + "b" * 32}}
    # Valid from now for the configured hour, on the app's clock (set by CLOCK_START).
    started = claims["nbf"]
    assert abs(started - STARTS.timestamp()) < 60
    assert claims["exp"] - started == 3600
    assert body["token"] not in str(phone_app.extensions["redis"].keys("*"))


def test_without_a_twiml_app_the_grant_only_receives(settings, redis_client):
    app = create_app(settings)  # development's API key on loopback
    client, _ = signed_in(app, "amy", "adviser", endpoint="client:amy")
    token = client.get(URL, headers=JSON).get_json()["token"]
    claims = jwt.decode(token, DEVELOPMENT_TWILIO_API_KEY_SECRET, algorithms=["HS256"],
                        options={"verify_exp": False, "verify_nbf": False})
    assert claims["iss"] == DEVELOPMENT_TWILIO_API_KEY_SID
    assert claims["grants"]["voice"] == {"incoming": {"allow": True}}


@pytest.mark.parametrize(("role", "options", "reason"), [
    ("adviser", {"endpoint": "+441134960000"}, "not a browser phone"),
    ("adviser", {}, "not a browser phone"),
    ("supervisor", {}, "your role cannot use this page"),
    ("contractor_adviser", {"contractor": "london", "endpoint": "client:london"},
     "your role cannot use this page"),
])
def test_anyone_else_is_refused_with_a_reason(phone_app, role, options, reason):
    client, _ = signed_in(phone_app, "sam", role, **options)
    answer = client.get(URL, headers=JSON)
    assert answer.status_code == 403
    assert reason in answer.get_json()["error"]
    assert "token" not in answer.get_json()


def test_signed_out_there_is_no_token(phone_app):
    answer = phone_app.test_client().get(URL, headers=JSON)
    assert answer.status_code == 302 and "/console/login" in answer.headers["Location"]
    assert b"eyJ" not in answer.data  # no JWT


def test_issuing_is_audited_without_the_token(phone_app):
    from sqlmodel import Session, select

    from models.staff import AuditEntry

    client, _ = signed_in(phone_app, "amy", "adviser", endpoint="client:amy")
    token = client.get(URL, headers=JSON).get_json()["token"]
    with Session(phone_app.extensions["engine"]) as db:
        entries = db.exec(select(AuditEntry).where(AuditEntry.action == "phone_token_issued")).all()
    assert len(entries) == 1 and entries[0].target == "amy"
    assert token not in str(entries[0].detail) and token.split(".")[2] not in str(entries[0].detail)


def test_the_phone_settings_are_refused_where_they_do_not_belong(monkeypatch):
    production = {"APP_ENV": "production", "SECRET_KEY": "k" * 32, "TWILIO_AUTH_TOKEN": "t" * 32,
                  "DATABASE_URL": "sqlite://", "REDIS_URL": "redis://127.0.0.1:6379/0",
                  "SEALING_KEYS": "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
                  "PUBLIC_BASE_URL": "https://careers.example", "RASA_ENABLED": "false"}
    monkeypatch.delenv("CLOCK_START", raising=False)
    for name, value in production.items():
        monkeypatch.setenv(name, value)
    assert load_settings(_env_file=None).effective_twilio_api_key is None  # off: none set
    assert load_settings(_env_file=None).effective_phone_adapter == "sdk"
    monkeypatch.setenv("PHONE_ADAPTER", "development")
    with pytest.raises(SettingsError, match="PHONE_ADAPTER=development"):
        load_settings(_env_file=None)
    monkeypatch.setenv("PHONE_ADAPTER", "sdk")
    monkeypatch.setenv("TWILIO_API_KEY_SID", DEVELOPMENT_TWILIO_API_KEY_SID)
    monkeypatch.setenv("TWILIO_API_KEY_SECRET", DEVELOPMENT_TWILIO_API_KEY_SECRET)
    with pytest.raises(SettingsError, match="TWILIO_API_KEY_SECRET"):
        load_settings(_env_file=None)
    monkeypatch.delenv("TWILIO_API_KEY_SECRET")
    with pytest.raises(SettingsError, match="set together"):
        load_settings(_env_file=None)
    monkeypatch.setenv("TWILIO_API_KEY_SID", "AC" + "1" * 32)
    monkeypatch.setenv("TWILIO_API_KEY_SECRET", KEY_SECRET)
    with pytest.raises(SettingsError, match="API key's SID"):
        load_settings(_env_file=None)
    monkeypatch.setenv("TWILIO_API_KEY_SID", KEY_SID)
    assert load_settings(_env_file=None).effective_twilio_api_key == (KEY_SID, KEY_SECRET)


def test_off_loopback_development_has_no_published_key():
    settings = Settings(bind_host="0.0.0.0", secret_key="k" * 32, twilio_auth_token="t" * 32,
                        sealing_keys="a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
                        _env_file=None)
    assert settings.effective_twilio_api_key is None


def test_the_sdk_is_served_from_the_apps_own_files(settings, redis_client, tmp_path):
    (tmp_path / "twilio.min.js").write_text("/* the SDK */", encoding="utf-8")
    app = create_app(settings.model_copy(update={"phone_sdk_dir": str(tmp_path)}))
    client, _ = signed_in(app, "amy", "adviser", endpoint="client:amy")
    answer = client.get("/console/phone/sdk/twilio.min.js")
    assert answer.status_code == 200 and answer.data == b"/* the SDK */"
    assert answer.mimetype == "text/javascript"
    (tmp_path / "twilio.min.js").unlink()
    missing = client.get("/console/phone/sdk/twilio.min.js", headers=JSON)
    assert missing.status_code == 404
    assert "scripts/voice_sdk.sh" in missing.get_json()["error"]


def test_by_default_the_sdk_comes_from_the_cache_keyed_by_the_lock_file(app):
    with app.test_request_context():
        folder = phone.sdk_dir()
    digest = hashlib.sha256(phone.SDK_LOCK.read_bytes()).hexdigest()[:12]
    assert folder.name == f"voice-sdk-{digest}"


def test_the_phone_file_is_the_one_place_its_values_are_written():
    defaults = [n for n, f in phone.PhoneConfig.model_fields.items() if not f.is_required()]
    assert defaults == []
    config = phone.default_phone_config()
    assert config.token_ttl_seconds <= phone.MAX_TTL_SECONDS
    assert "wss://voice-js.roaming.twilio.com" in config.sdk_sources["connect-src"]


def test_the_desk_lets_the_sdk_reach_twilio_and_only_the_desk(phone_app):
    client, _ = signed_in(phone_app, "amy", "adviser", endpoint="client:amy")
    policy = client.get("/console/desk").headers["Content-Security-Policy"]
    assert "connect-src 'self' wss://voice-js.roaming.twilio.com https://eventgw.twilio.com" \
        in policy
    assert "media-src 'self' mediastream:" in policy
    assert "frame-ancestors 'none'" in policy
    other = client.get("/console/api/desk").headers["Content-Security-Policy"]
    assert "twilio" not in other


def test_the_development_phone_keeps_the_policy_self(settings, redis_client):
    app = create_app(settings.model_copy(update={"phone_adapter": "development"}))
    client, _ = signed_in(app, "amy", "adviser", endpoint="client:amy")
    page = client.get("/console/desk")
    assert "twilio" not in page.headers["Content-Security-Policy"]
    assert b"phone_dev.js" in page.data and b"twilio.min.js" not in page.data
    off = create_app(settings.model_copy(update={"phone_adapter": "sdk"}))
    client, _ = signed_in(off, "bob", "adviser", endpoint="client:bob")
    assert client.get("/console/api/phone/dev/calls",
                      headers=JSON).get_json()["error"].startswith("the development phone is off")


def test_the_development_phone_says_why_when_the_emulator_is_away_or_input_is_bad(
        settings, redis_client):
    from tests.support.console import api_headers
    from tests.support.emulator import free_port

    app = create_app(settings.model_copy(update={
        "phone_adapter": "development", "twilio_api_base_url": f"http://127.0.0.1:{free_port()}"}))
    client, _ = signed_in(app, "amy", "adviser", endpoint="client:amy")
    away = client.get("/console/api/phone/dev/calls", headers=JSON)
    assert away.status_code == 502 and "emulator is not answering" in away.get_json()["error"]
    twilio = create_app(settings)  # outside production the development phone, by default
    other, _ = signed_in(twilio, "bob", "adviser", endpoint="client:bob")
    refused = other.get("/console/api/phone/dev/calls", headers=JSON)  # never asks Twilio
    assert refused.status_code == 409 and "needs the Twilio emulator" in refused.get_json()["error"]
    headers = {**JSON, **api_headers(client, "/console/desk")}
    sid = "CA" + "0" * 32
    for action, body, reason in (("press", {"digits": "12a"}, "digits must be"),
                                 ("say", {"text": " "}, "say needs"),
                                 ("say", ["not", "an", "object"], "JSON object")):
        refused = client.post(f"/console/api/phone/dev/calls/{sid}/{action}", json=body,
                              headers=headers)
        assert refused.status_code == 400 and reason in refused.get_json()["error"]
    unknown = client.post(f"/console/api/phone/dev/calls/{sid}/take", headers=headers)
    assert unknown.status_code == 404
