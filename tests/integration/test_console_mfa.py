"""The staff second factor: a TOTP code after the password for the roles in CONSOLE_MFA_ROLES.

Attacks: a right password alone reaching the console, guessing codes (they count toward the
sign-in lock-out, and the password again does not reset them), replaying a code, waiting out the
half-way session, reading the secret from the database or the session store.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlmodel import Session, select

from app import create_app
from config import clock
from config.settings import Settings
from console.lockout import MAX_FAILURES
from console.sessions import GRACE_SECONDS, PENDING_SECONDS
from models.db import make_engine
from models.sealed import Sealer
from models.staff import AuditEntry, StaffUser
from tests.support.console import csrf_token, make_user, sign_in
from tests.support.databases import TEST_REDIS_URL, truncate_all

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CODE_PAGE = "/console/login/code"
ISSUER = "National Careers Service console"
# A step boundary at the top of a minute: every test's codes start from the same step.
T0 = datetime(2026, 12, 25, 3, 10, tzinfo=UTC)
_SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')


def _app(database_url, **settings):
    engine = make_engine(database_url)
    truncate_all(engine)
    settings = {"console_mfa_roles": "supervisor,admin", **settings}
    app = create_app(Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                              rasa_enabled=False, _env_file=None, **settings), engine=engine)
    clock.start(T0)
    return app


@pytest.fixture
def app(sqlite_url, redis_client):
    """An app where supervisors and admins need a second factor."""
    return _app(sqlite_url)


def _code(secret: str, steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now(), counter_offset=steps)


def _wrong(secret: str) -> str:
    """A code right for none of the steps the sign-in accepts now."""
    near = {_code(secret, s) for s in (-1, 0, 1)}
    return next(f"{n:06d}" for n in range(123456, 999999, 7919) if f"{n:06d}" not in near)


def _send(client, code: str):
    return client.post(CODE_PAGE, data={"code": code, "csrf_token": csrf_token(client, CODE_PAGE)})


def _enrol(app, username="sam", role="supervisor"):
    """A new user who enrols through the pages; returns their client and secret."""
    make_user(app, username, role)
    client = app.test_client()
    assert sign_in(client, username).headers["Location"].endswith(CODE_PAGE)
    page = client.get(CODE_PAGE).get_data(as_text=True)
    secret = _SECRET.search(page).group(1).replace(" ", "")
    done = _send(client, _code(secret))
    assert done.status_code == 303 and done.headers["Location"].endswith("/console/")
    return client, secret


def _at(seconds: float) -> None:
    clock.start(T0 + timedelta(seconds=seconds))


def _signed_in(client) -> bool:
    return client.get("/console/audit").status_code == 200


def _row(app, username="sam") -> StaffUser:
    with Session(app.extensions["engine"]) as db:
        return db.exec(select(StaffUser).where(StaffUser.username == username)).one()


def test_a_right_password_alone_reaches_nothing(app):
    make_user(app, "sam", "supervisor")
    client = app.test_client()
    answer = sign_in(client, "sam")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(CODE_PAGE)
    for path in ("/console/", "/console/dashboard", "/console/audit", "/console/password",
                 "/console/api/dashboard"):
        response = client.get(path)
        assert response.status_code in (302, 401), path
        assert response.status_code == 401 or "/console/login" in response.headers["Location"]
    assert client.get(CODE_PAGE).status_code == 200  # the one page a half-way session opens


def test_enrolment_end_to_end_and_the_secret_is_sealed(app, redis_client):
    make_user(app, "sam", "supervisor")
    client = app.test_client()
    sign_in(client, "sam")
    page = client.get(CODE_PAGE)
    html = page.get_data(as_text=True)
    secret = _SECRET.search(html).group(1).replace(" ", "")
    assert 'src="data:image/svg+xml' in html and ISSUER in html
    assert "img-src 'self' data:" in page.headers["Content-Security-Policy"]
    # The half-way session is in Redis, but the secret in it only sealed.
    stored = " ".join(str(redis_client.get(k)) for k in redis_client.keys("*")
                      if redis_client.type(k) == "string")
    assert secret not in stored
    assert _row(app).totp_secret is None  # nothing kept before a code proves the app has it
    assert _send(client, _wrong(secret)).status_code == 200
    assert _row(app).totp_secret is None and not _signed_in(client)
    assert _send(client, _code(secret)).status_code == 303
    assert _signed_in(client)
    row = _row(app)
    assert row.totp_secret and secret not in row.totp_secret
    keys = app.config["SETTINGS"].effective_sealing_keys
    assert Sealer(keys).open(row.totp_secret, context=f"totp:{row.id}") == {"s": secret}
    assert Sealer(keys).open(row.totp_secret, context=f"totp:{row.id + 1}") is None
    uri = pyotp.TOTP(secret).provisioning_uri(name="sam", issuer_name=ISSUER)
    assert uri.startswith("otpauth://totp/") and "issuer=National%20Careers%20Service" in uri


def test_an_enrolled_user_needs_a_right_code_each_time(app):
    first, secret = _enrol(app)
    _at(60)
    client = app.test_client()
    assert sign_in(client, "sam").headers["Location"].endswith(CODE_PAGE)
    page = client.get(CODE_PAGE).get_data(as_text=True)
    assert "totp-secret" not in page and "data:image" not in page  # no secret shown again
    wrong = _send(client, _wrong(secret))
    assert wrong.status_code == 200 and b"not right" in wrong.data and not _signed_in(client)
    assert _send(client, _code(secret)).status_code == 303 and _signed_in(client)


def test_a_code_is_accepted_only_once(app):
    _, secret = _enrol(app)
    _at(60)
    client = app.test_client()
    sign_in(client, "sam")
    code = _code(secret)
    assert _send(client, code).status_code == 303
    thief = app.test_client()  # someone who saw the code, within the same 30 seconds
    sign_in(thief, "sam")
    replayed = _send(thief, code)
    assert replayed.status_code == 200 and b"used already" in replayed.data
    assert not _signed_in(thief)
    # An older code within the window is refused too; the next step's code is accepted.
    assert b"used already" in _send(thief, _code(secret, -1)).data
    _at(90)
    assert _send(thief, _code(secret)).status_code == 303


def test_wrong_codes_count_toward_the_lock_out_and_the_password_does_not_reset_them(app):
    _, secret = _enrol(app)
    _at(60)
    client = app.test_client()
    sign_in(client, "sam")
    for _ in range(2):
        assert _send(client, _wrong(secret)).status_code == 200
    # The right password again: the wrong codes before it still count.
    assert sign_in(client, "sam").headers["Location"].endswith(CODE_PAGE)
    for _ in range(MAX_FAILURES - 3):
        assert _send(client, _wrong(secret)).status_code == 200
    last = _send(client, _wrong(secret))  # the fifth wrong code locks the username
    assert last.status_code == 200 and b"Too many failed sign-ins" in last.data
    assert client.get(CODE_PAGE).status_code == 302  # the half-way session is over
    locked = sign_in(app.test_client(), "sam")
    assert locked.status_code == 429 and locked.headers["Retry-After"]
    with Session(app.extensions["engine"]) as db:
        failed = db.exec(select(AuditEntry).where(AuditEntry.action == "sign_in_code_failed"))
        assert len(list(failed)) == MAX_FAILURES


def test_a_right_password_waiting_for_its_code_is_not_a_failure(app):
    _, secret = _enrol(app)
    _at(60)
    for _ in range(MAX_FAILURES + 1):  # someone who keeps stopping at the code page
        assert sign_in(app.test_client(), "sam").headers["Location"].endswith(CODE_PAGE)
    client = app.test_client()
    sign_in(client, "sam")
    assert _send(client, _code(secret)).status_code == 303


def test_the_half_way_session_runs_out(app, redis_client):
    _, secret = _enrol(app)
    redis_client.flushdb()  # only the half-way session below is left to look at
    _at(60)
    client = app.test_client()
    sign_in(client, "sam")
    stored = [k for k in redis_client.keys("*") if redis_client.type(k) == "string"]
    assert stored and all(0 < redis_client.ttl(k) <= PENDING_SECONDS + GRACE_SECONDS
                          for k in stored)  # the store forgets it soon after, too
    token = csrf_token(client, CODE_PAGE)
    _at(60 + 5 * 60 + 1)
    late = client.post(CODE_PAGE, data={"code": _code(secret), "csrf_token": token})
    assert late.status_code == 200 and b"not finished in time" in late.data
    assert not _signed_in(client)


def test_cancelling_ends_the_half_way_session(app):
    make_user(app, "sam", "supervisor")
    client = app.test_client()
    sign_in(client, "sam")
    token = csrf_token(client, CODE_PAGE)
    assert client.post("/console/login/cancel", data={"csrf_token": token}).status_code == 303
    assert client.get(CODE_PAGE).status_code == 302


def test_an_adviser_signs_in_without_a_code(app):
    make_user(app, "ada", "adviser")
    answer = sign_in(app.test_client(), "ada")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/console/")


def test_no_second_factor_when_no_role_is_listed(sqlite_url, redis_client):
    app = _app(sqlite_url, console_mfa_roles="")
    make_user(app, "sam", "supervisor")
    assert sign_in(app.test_client(), "sam").headers["Location"].endswith("/console/")


def _reset_mfa(database_url, username):
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": TEST_REDIS_URL,
           "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", "reset-mfa", "--username",
                           username], capture_output=True, text=True, cwd=REPO, env=env,
                          timeout=60)


def test_reset_mfa_ends_sessions_and_forces_enrolment_again(database_url, redis_client):
    app = _app(database_url)
    client, _ = _enrol(app)
    done = _reset_mfa(database_url, "sam")
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == _row(app).id
    assert not _signed_in(client)  # the session from before has ended
    assert _row(app).totp_secret is None
    again = app.test_client()
    assert sign_in(again, "sam").headers["Location"].endswith(CODE_PAGE)
    assert b"totp-secret" in again.get(CODE_PAGE).data  # enrolment again, a new secret
    with Session(app.extensions["engine"]) as db:
        entry = db.exec(select(AuditEntry).where(AuditEntry.action == "mfa_reset")).one()
        assert entry.target == str(_row(app).id)
    unknown = _reset_mfa(database_url, "nobody")
    assert unknown.returncode == 2 and "no user is called 'nobody'" in unknown.stderr
