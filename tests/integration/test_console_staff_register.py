"""The starters-and-leavers register (001:29.4) and the account commands that feed it."""

from __future__ import annotations

import csv
import getpass
import io
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from config import clock
from console.lockout import MAX_FAILURES
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in, signed_in
from tests.support.databases import TEST_REDIS_URL

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGE = "/console/admin/accounts"
CLI_ACTOR = f"cli:{getpass.getuser()}"


def _users(settings, *args, password=PASSWORD):
    env = {**os.environ, "DATABASE_URL": settings.database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", *args],
                          input=password + "\n", capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=60)


def _register_rows(client):
    response = client.get(f"{PAGE}/register.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _between(text: str, began: datetime, form: str = "%Y-%m-%dT%H:%M:%SZ") -> bool:
    """`text` is a time from `began` (to the minute) to now on the suite's clock."""
    at = datetime.strptime(text, form).replace(tzinfo=UTC)
    return began.replace(second=0, microsecond=0) <= at <= clock.now() + timedelta(seconds=1)


def test_the_register_shows_a_starter_and_a_leaver_with_who_and_when(app, settings):
    began = clock.now()
    added = _users(settings, "add", "--username", "asha", "--role", "adviser")
    assert added.returncode == 0, added.stderr
    admin, _ = signed_in(app, "root1", "admin")
    token = csrf_token(admin, PAGE)
    assert admin.post(f"{PAGE}/{int(added.stdout)}/disable",
                      data={"csrf_token": token}).status_code == 303
    page = admin.get(PAGE).get_data(as_text=True)
    register = page.split('id="starters-leavers"')[1]
    for event, by in (("starter", CLI_ACTOR), ("leaver", "root1")):
        when = re.search(f"<tr><td>([^<]+)</td><td>{event}</td><td>asha</td><td>adviser</td>"
                         f"<td>{by}</td></tr>", register)
        assert when and _between(when.group(1), began, "%Y-%m-%d %H:%M"), event
    rows = {(r["event"], r["username"], r["role"], r["by"]): r["when_utc"]
            for r in _register_rows(admin)}
    assert _between(rows[("leaver", "asha", "adviser", "root1")], began)
    assert _between(rows[("starter", "asha", "adviser", CLI_ACTOR)], began)


@pytest.mark.parametrize("role", ["adviser", "supervisor", "contractor_adviser"])
def test_the_register_csv_is_for_admins_only(app, role):
    make_user(app, "asha")
    extra = {"contractor": "london"} if role == "contractor_adviser" else {}
    client, _ = signed_in(app, "someone", role, **extra)
    response = client.get(f"{PAGE}/register.csv")
    assert response.status_code == 403 and b"asha" not in response.data
    assert app.test_client().get(f"{PAGE}/register.csv").status_code == 302  # signed out


def test_disable_and_enable_from_the_cli_are_in_the_register(app, settings):
    make_user(app, "asha")
    assert _users(settings, "disable", "--username", "asha").returncode == 0
    assert _users(settings, "enable", "--username", "asha").returncode == 0
    assert sign_in(app.test_client(), "asha").status_code == 303
    admin, _ = signed_in(app, "root1", "admin")
    events = [(r["event"], r["by"]) for r in _register_rows(admin) if r["username"] == "asha"]
    assert ("leaver", CLI_ACTOR) in events and ("enabled again", CLI_ACTOR) in events


def test_cli_unlock_lets_a_locked_user_in_and_list_shows_the_state(app, settings):
    began = clock.now()
    make_user(app, "asha")
    for _ in range(MAX_FAILURES):
        sign_in(app.test_client(), "asha", "Wrong-password-1")
    assert sign_in(app.test_client(), "asha").status_code == 429
    listed = _users(settings, "list")
    assert listed.returncode == 0, listed.stderr
    line = next(x for x in listed.stdout.splitlines() if x.startswith("asha\t"))
    assert line.split("\t") == ["asha", "adviser", "-", "yes", "yes", "-", "no"]
    unlocked = _users(settings, "unlock", "--username", "asha")
    assert unlocked.returncode == 0, unlocked.stderr
    assert sign_in(app.test_client(), "asha").status_code == 303
    line = next(x for x in _users(settings, "list").stdout.splitlines() if x.startswith("asha"))
    assert line.split("\t")[4] == "no" and _between(line.split("\t")[5], began)


@pytest.mark.parametrize("action", ["enable", "unlock", "disable"])
def test_cli_account_commands_refuse_an_unknown_user_with_exit_2(settings, action):
    done = _users(settings, action, "--username", "nobody")
    assert done.returncode == 2
    assert "no user is called 'nobody'" in done.stderr and done.stderr.count("\n") == 1
    missing = _users(settings, action)
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
