"""Staff console accounts: the CLI, sign-in, lock-out, CSRF, idle timeout, change of password."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from config import clock
from console.lockout import MAX_FAILURES
from models.staff import AuditEntry, find_user
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in, signed_in

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _cli(database_url, *args, password=PASSWORD):
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", "add", *args],
                          input=password + "\n", capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=60)


def test_cli_creates_an_adviser_with_queues_and_endpoint(database_url, engine):
    done = _cli(database_url, "--username", "asha", "--role", "adviser",
                "--queues", "young_people,safeguarding", "--endpoint", "client:asha")
    assert done.returncode == 0, done.stderr
    with Session(engine) as session:
        user = find_user(session=session, username="asha")
    assert int(done.stdout.strip()) == user.id
    assert user.queues == ["young_people", "safeguarding"] and user.endpoint == "client:asha"
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


@pytest.mark.parametrize(("args", "password", "reason"), [
    (["--role", "adviser"], "short1A", "at least 8"),
    (["--role", "adviser"], "nouppercase1", "upper and lower"),
    (["--role", "wizard"], PASSWORD, "unknown role"),
    (["--role", "contractor_adviser"], PASSWORD, "needs --contractor"),
    (["--role", "contractor_adviser", "--contractor", "atlantis"], PASSWORD, "unknown contractor"),
    (["--role", "adviser", "--queues", "young_people,nowhere"], PASSWORD, "unknown queue"),
    (["--role", "adviser", "--endpoint", "+33123456789"], PASSWORD, "UK phone number"),
])
def test_cli_refuses_bad_accounts_with_one_line_and_exit_2(sqlite_url, args, password, reason):
    done = _cli(sqlite_url, "--username", "bob", *args, password=password)
    assert done.returncode == 2
    assert reason in done.stderr and done.stderr.count("\n") == 1


def test_cli_refuses_a_username_already_taken(sqlite_url):
    assert _cli(sqlite_url, "--username", "kim", "--role", "supervisor").returncode == 0
    again = _cli(sqlite_url, "--username", "KIM", "--role", "admin")
    assert again.returncode == 2 and "already taken" in again.stderr


def test_cli_contractor_adviser_is_bound_to_one_contractor(sqlite_url):
    done = _cli(sqlite_url, "--username", "nw1", "--role", "contractor_adviser",
                "--contractor", "north-west")
    assert done.returncode == 0, done.stderr


def test_login_page_has_the_contract_fields(client):
    page = client.get("/console/login").get_data(as_text=True)
    for name in ("username", "password", "csrf_token"):
        assert f'name="{name}"' in page


def test_sign_in_answers_303_to_the_console_and_is_audited(app, client):
    make_user(app, "sam")
    response = sign_in(client, "sam")
    assert response.status_code == 303 and response.headers["Location"].endswith("/console/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/console/desk").status_code == 200
    assert ("sam", "sign_in") in _audit(app)


def test_wrong_password_answers_200_with_an_error_and_is_audited(app, client):
    make_user(app, "sam")
    response = sign_in(client, "sam", "Wrong-password-1")
    assert response.status_code == 200 and b"not right" in response.data
    assert client.get("/console/desk").status_code == 302
    assert ("sam", "sign_in_failed") in _audit(app)


def test_five_failures_lock_the_username_even_with_the_right_password(app):
    make_user(app, "sam")
    for _ in range(MAX_FAILURES):
        assert sign_in(app.test_client(), "sam", "Wrong-password-1").status_code == 200
    # Another process, another client: the lock is in Redis.
    locked = sign_in(app.test_client(), "sam", PASSWORD)
    assert locked.status_code == 429 and b"Too many failed sign-ins" in locked.data
    redis_client = app.extensions["redis"]
    ttl = redis_client.ttl(next(iter(redis_client.scan_iter("ct:signin:*:lock"))))
    assert 14 * 60 < ttl <= 15 * 60


def test_fewer_failures_then_success_clears_the_count(app):
    make_user(app, "sam")
    for _ in range(MAX_FAILURES - 1):
        sign_in(app.test_client(), "sam", "Wrong-password-1")
    assert sign_in(app.test_client(), "sam").status_code == 303
    sign_in(app.test_client(), "sam", "Wrong-password-1")
    assert sign_in(app.test_client(), "sam").status_code == 303


def test_sign_in_without_the_csrf_token_is_refused(app, client):
    make_user(app, "sam")
    client.get("/console/login")
    response = client.post("/console/login", data={"username": "sam", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/console/desk").status_code == 302


def test_a_state_changing_console_request_without_csrf_is_refused(app):
    client, _ = signed_in(app, "sam")
    response = client.post("/console/logout")
    assert response.status_code == 400
    token = csrf_token(client, "/console/password")
    assert client.post("/console/logout", headers={"X-CSRFToken": token}).status_code == 303


def test_idle_session_is_signed_out(app):
    client, _ = signed_in(app, "sam")
    clock.start(clock.now() + timedelta(minutes=16))  # the suite's clock goes back after the test
    response = client.get("/console/desk")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_change_of_password_applies_the_policy_and_ends_other_sessions(app):
    client, _ = signed_in(app, "sam")
    other = app.test_client()
    assert sign_in(other, "sam").status_code == 303
    token = csrf_token(client, "/console/password")
    weak = client.post("/console/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "weakpass",
        "confirm_password": "weakpass"})
    assert weak.status_code == 400 and b"upper and lower" in weak.data
    good = client.post("/console/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": "Another-2027",
        "confirm_password": "Another-2027"})
    assert good.status_code == 200 and b"has been changed" in good.data
    assert client.get("/console/desk").status_code == 200       # this session goes on
    assert other.get("/console/desk").status_code == 302        # the other one is signed out
    assert sign_in(app.test_client(), "sam", "Another-2027").status_code == 303


def test_audit_log_is_searchable_by_supervisors_only(app):
    make_user(app, "sam")
    sign_in(app.test_client(), "sam", "Wrong-password-1")
    boss, _ = signed_in(app, "lee", "supervisor")
    page = boss.get("/console/audit?actor=sam&action=sign_in_failed")
    assert page.status_code == 200 and b"sign_in_failed" in page.data
    adviser, _ = signed_in(app, "ann", "adviser")
    assert adviser.get("/console/audit").status_code == 403


def test_audit_log_is_append_only_in_postgres(postgres_url):
    import sqlalchemy as sa

    from models.db import make_engine, session_scope
    from models.staff import record_audit

    engine = make_engine(postgres_url)
    with session_scope(engine) as session:
        record_audit(session=session, action="test_entry", actor="x")
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), session_scope(engine) as session:
        session.execute(sa.text("UPDATE audit_log SET actor = 'y'"))
    engine.dispose()


def _audit(app) -> list[tuple[str, str]]:
    with Session(app.extensions["engine"]) as session:
        return [(e.actor, e.action) for e in session.exec(select(AuditEntry)).all()]
