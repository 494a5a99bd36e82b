"""Secure by default: security headers on every page, and no development secret off loopback."""

from __future__ import annotations

import re

import pytest

from app import create_app
from config.settings import (
    DEVELOPMENT_SECRET_KEY,
    Settings,
    SettingsError,
    load_settings,
)
from tests.support.databases import TEST_REDIS_URL

PUBLIC = ["/", "/chat/static/widget.js", "/chat/static/widget.css", "/healthz", "/call-me",
          "/enquiry"]
STAFF = ["/console/login"]
SEALING_KEY = "c2VhbGluZy1rZXktZm9yLXRoZS1zZWN1cml0eS10ZXM="  # 32 bytes, base64


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.mark.parametrize("path", PUBLIC + STAFF)
def test_every_page_has_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy and "object-src 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers  # not over plain HTTP in dev


def test_the_chat_api_has_them_too(client):
    response = client.post("/api/chat/sessions")
    assert response.status_code == 201
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", STAFF)
def test_staff_pages_may_not_be_framed(client, path):
    response = client.get(path)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PUBLIC)
def test_the_website_and_widget_stay_embeddable(client, path):
    response = client.get(path)
    assert "frame-ancestors" not in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("path", ["/", "/console/login", "/call-me", "/enquiry"])
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).get_data(as_text=True)
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert all("src=" in tag for tag in scripts)
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handlers
    assert not re.search(r"\sstyle\s*=", html) and "<style" not in html


def test_production_sends_hsts(sqlite_url, redis_client):
    settings = Settings(app_env="production", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        secret_key="a-real-secret", twilio_auth_token="a-real-token",
                        public_base_url="https://contact.careers.example",
                        sealing_keys=SEALING_KEY,
                        rasa_enabled=False, clock_start=None, _env_file=None)
    response = create_app(settings).test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_development_secrets_are_refused_off_loopback(monkeypatch):
    monkeypatch.setenv("BIND_HOST", "0.0.0.0")
    with pytest.raises(SettingsError, match="SECRET_KEY, TWILIO_AUTH_TOKEN"):
        load_settings(_env_file=None)


def test_own_secrets_may_be_served_off_loopback(monkeypatch):
    for name, value in {"BIND_HOST": "0.0.0.0", "SECRET_KEY": "k" * 32,
                        "TWILIO_AUTH_TOKEN": "t" * 32, "SEALING_KEYS": SEALING_KEY}.items():
        monkeypatch.setenv(name, value)
    assert load_settings(_env_file=None).bind_host == "0.0.0.0"


def test_the_published_development_key_is_refused_in_production(monkeypatch):
    monkeypatch.delenv("CLOCK_START", raising=False)  # production has no development clock
    for name, value in {"APP_ENV": "production", "SECRET_KEY": DEVELOPMENT_SECRET_KEY,
                        "TWILIO_AUTH_TOKEN": "t" * 32, "DATABASE_URL": "sqlite://",
                        "SEALING_KEYS": SEALING_KEY}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        load_settings(_env_file=None)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_development_defaults_are_fine_on_loopback(monkeypatch, host):
    monkeypatch.setenv("BIND_HOST", host)
    assert load_settings(_env_file=None).development_secrets()
