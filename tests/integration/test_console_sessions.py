"""Staff sessions are kept on the server: a copied cookie dies with its session."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

import redis
from sqlmodel import Session

from app import create_app
from config import clock
from config.settings import Settings
from models.staff import get_user
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in, signed_in
from tests.support.databases import TEST_REDIS_URL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COOKIE = "session"


def _copy(client, app):
    """A second browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return thief


def _signed_out(client) -> bool:
    response = client.get("/console/password")
    return response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_a_copied_cookie_stops_working_after_sign_out(app):
    client, _ = signed_in(app, "sam")
    thief = _copy(client, app)
    assert thief.get("/console/password").status_code == 200  # the copy works while it lives
    token = csrf_token(client, "/console/password")
    assert client.post("/console/logout", headers={"X-CSRFToken": token}).status_code == 303
    assert _signed_out(thief)
    assert _signed_out(client)


def test_a_change_of_password_ends_every_copy_of_the_session(app):
    client, _ = signed_in(app, "sam")
    thief = _copy(client, app)
    token = csrf_token(client, "/console/password")
    changed = client.post("/console/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "Another-2027",
        "confirm_password": "Another-2027"})
    assert changed.status_code == 200 and b"has been changed" in changed.data
    assert client.get("/console/password").status_code == 200  # this browser goes on
    assert _signed_out(thief)  # the copy of its old cookie does not


def test_disabling_an_account_ends_its_sessions_at_once(app, settings):
    client, user = signed_in(app, "sam")
    other, _ = signed_in(app, "lee", "supervisor")
    thief = _copy(client, app)
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    done = subprocess.run([sys.executable, "-m", "console", "users", "disable", "--username",
                           "sam"], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == user.id
    assert _signed_out(client) and _signed_out(thief)
    assert other.get("/console/password").status_code == 200  # nobody else's session ends
    redis_client = app.extensions["redis"]
    assert not redis_client.exists(f"ct:staff:{user.id}:sessions")
    assert sign_in(app.test_client(), "sam").status_code == 200  # and sam cannot sign in


def test_disabling_an_unknown_user_exits_2(app, settings):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    done = subprocess.run([sys.executable, "-m", "console", "users", "disable", "--username",
                           "nobody"], capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert done.returncode == 2 and "no user is called" in done.stderr


def test_a_session_ends_after_its_lifetime_however_active(sqlite_url, redis_client):
    app = create_app(Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                              rasa_enabled=False, console_session_hours=1, _env_file=None))
    client, _ = signed_in(app, "sam")
    started = clock.now()
    for minutes in (14, 28, 42, 56):  # never idle for 15 minutes
        _set_clock(started + timedelta(minutes=minutes))
        assert client.get("/console/password").status_code == 200, minutes
    _set_clock(started + timedelta(minutes=61))
    assert _signed_out(client)


def _set_clock(at):
    """Make the clock read `at` now (a time other than CLOCK_START's runs from this moment)."""
    clock.start(at)


def test_the_cookie_is_only_a_random_id_with_nothing_of_the_password(app):
    client, user = signed_in(app, "sam")
    value = client.get_cookie(COOKIE).value
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", value), value
    with Session(app.extensions["engine"]) as db:
        password_hash = get_user(session=db, user_id=user.id).password_hash
    tail = password_hash.rsplit("$", 1)[-1]
    assert not any(tail[i:i + 6] in value for i in range(len(tail) - 5))
    again, _ = signed_in(app, "lee")
    assert again.get_cookie(COOKIE).value != value


def test_a_signed_cookie_cannot_carry_a_sign_in(app):
    """A cookie of the old client-side kind (before this change, or forged with the secret key)."""
    _, user = signed_in(app, "sam")
    with Session(app.extensions["engine"]) as db:
        fingerprint = get_user(session=db, user_id=user.id).password_hash[-12:]
    serializer = app.session_interface.get_signing_serializer(app)
    forged = serializer.dumps({"_user_id": f"{user.id}:{fingerprint}", "_fresh": True,
                               "seen": int(clock.now().timestamp())})
    client = app.test_client()
    client.set_cookie(COOKIE, forged)
    assert _signed_out(client)


def test_signing_in_gives_a_new_session_id(app):
    """A session id planted in a browser before sign-in is not the one it signs in with."""
    attacker, _ = signed_in(app, "lee")
    planted = attacker.get_cookie(COOKIE).value
    victim = app.test_client()
    victim.set_cookie(COOKIE, planted)
    make_user(app, "sam")
    token = csrf_token(attacker, "/console/password")  # the planted session's own token
    signed = victim.post("/console/login", data={"username": "sam", "password": PASSWORD,
                                                  "csrf_token": token})
    assert signed.status_code == 303
    assert victim.get_cookie(COOKIE).value != planted
    assert b"Sign out sam" not in attacker.get("/console/password").data


def test_the_session_cookie_is_secure_in_production(sqlite_url, redis_client):
    app = create_app(Settings(app_env="production", database_url=sqlite_url,
                              redis_url=TEST_REDIS_URL, rasa_enabled=False, voice_enabled=False,
                              secret_key="a-production-secret-of-our-own-123456",
                              sealing_keys="c2VhbGluZy1rZXktZm9yLXRoZS1zZXNzaW9uLXRlc3Q=",
                              metrics_token="m" * 32, clock_start=None, _env_file=None))
    make_user(app, "sam")
    signed = sign_in(app.test_client(), "sam")
    assert signed.status_code == 303
    cookie = signed.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_without_redis_a_session_cookie_means_signed_out_not_an_error(settings, redis_client):
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5,
                       decode_responses=True)
    app = create_app(settings, redis=down)
    client = app.test_client()
    client.set_cookie(COOKIE, "A" * 43)
    page = client.get("/console/login")
    assert page.status_code == 200 and b"Sign in" in page.data
