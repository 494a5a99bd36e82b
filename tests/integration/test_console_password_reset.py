"""A password an administrator sets must be changed at the next sign-in, and ends old sessions."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.console import csrf_token, sign_in, signed_in
from tests.support.databases import TEST_REDIS_URL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEMPORARY = "Temporary-2026"


def _set_password(settings, username, password):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", "set-password",
                           "--username", username], input=password + "\n", capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=60)


def test_a_password_set_by_an_administrator_must_be_changed_first(app, settings):
    old, user = signed_in(app, "sam", "supervisor")
    done = _set_password(settings, "sam", TEMPORARY)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == user.id
    assert old.get("/console/audit").status_code == 302  # the sessions before it have ended
    client = app.test_client()
    assert sign_in(client, "sam", TEMPORARY).status_code == 303
    for path in ("/console/", "/console/audit", "/console/dashboard"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/console/password"), path
    page = client.get("/console/password")
    assert page.status_code == 200 and b"set by an administrator" in page.data
    token = csrf_token(client, "/console/password")
    changed = client.post("/console/password", data={
        "csrf_token": token, "current_password": TEMPORARY, "new_password": "Own-choice-2027",
        "confirm_password": "Own-choice-2027"})
    assert changed.status_code == 200 and b"has been changed" in changed.data
    assert client.get("/console/audit").status_code == 200  # free to work now


def test_setting_a_weak_or_unknown_password_exits_2(app, settings):
    signed_in(app, "sam")
    weak = _set_password(settings, "sam", "weakpass")
    assert weak.returncode == 2 and "upper and lower" in weak.stderr
    unknown = _set_password(settings, "nobody", TEMPORARY)
    assert unknown.returncode == 2 and "no user is called" in unknown.stderr
