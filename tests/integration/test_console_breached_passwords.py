"""A commonly breached password is refused on every path that sets one."""

from __future__ import annotations

import os
import subprocess
import sys

from sqlmodel import Session

from models.staff import find_user
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in, signed_in
from tests.support.databases import TEST_REDIS_URL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BREACHED = "Password123!"  # meets 001:29.3's letter and digit rule, and is in every leak
REFUSED = "commonly used"


def _users(settings, *args, password):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", *args],
                          input=password + "\n", capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=60)


def test_users_add_refuses_a_breached_password(app, settings):
    done = _users(settings, "add", "--username", "asha", "--role", "adviser",
                  password="Letmein2026")
    assert done.returncode == 2 and REFUSED in done.stderr and done.stderr.count("\n") == 1
    with Session(app.extensions["engine"]) as session:
        assert find_user(session=session, username="asha") is None


def test_users_set_password_refuses_a_breached_password(app, settings):
    make_user(app, "asha")
    done = _users(settings, "set-password", "--username", "asha", password=BREACHED)
    assert done.returncode == 2 and REFUSED in done.stderr and done.stderr.count("\n") == 1
    assert sign_in(app.test_client(), "asha", PASSWORD).status_code == 303  # unchanged


def test_the_admin_page_refuses_a_breached_temporary_password(app):
    asha = make_user(app, "asha")
    admin, _ = signed_in(app, "root1", "admin")
    token = csrf_token(admin, "/console/admin/accounts")
    refused = admin.post(f"/console/admin/accounts/{asha.id}/password", data={
        "csrf_token": token, "new_password": "Qwerty123", "confirm_password": "Qwerty123"})
    assert refused.status_code == 400 and REFUSED.encode() in refused.data
    assert sign_in(app.test_client(), "asha", PASSWORD).status_code == 303  # unchanged


def test_a_users_own_change_refuses_a_breached_password(app):
    client, _ = signed_in(app, "asha")
    token = csrf_token(client, "/console/password")
    refused = client.post("/console/password", data={
        "csrf_token": token, "current_password": PASSWORD, "new_password": BREACHED,
        "confirm_password": BREACHED})
    assert refused.status_code == 400 and REFUSED.encode() in refused.data
    assert sign_in(app.test_client(), "asha", BREACHED).status_code == 200  # not set
    assert sign_in(app.test_client(), "asha", PASSWORD).status_code == 303
