"""The name a customer is told for an adviser: the display name an administrator sets (CLI or the
accounts page), or the neutral "an adviser"; the login name never reaches a customer."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlmodel import Session, create_engine

from app import create_app
from console.accounts import AccountError, rename_user
from models.staff import find_user, search_audit
from tests.integration.test_console_desk import Clock, adviser, chat_lines, chat_to_queue
from tests.support.console import (
    PASSWORD,
    api_headers,
    csrf_token,
    make_user,
    sign_in,
    signed_in,
)
from tests.support.fake_twilio import FakeTwilio

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def app(settings, redis_client):
    clock = Clock()
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=FakeTwilio())


def _customer_words(flask_app, session_id) -> str:
    return " ".join(text for _, text in chat_lines(flask_app, session_id))


def test_the_customer_is_told_the_display_name_never_the_login(app):
    make_user(app, "skhan7", "adviser", queues=["adult_digital_advice"],
              endpoint="client:skhan7", display_name="Sana")
    client = app.test_client()
    assert sign_in(client, "skhan7").status_code == 303
    assert client.get("/console/desk").status_code == 200
    client.headers = api_headers(client)
    assert client.post("/console/api/presence", json={"mode": "available"},
                       headers=client.headers).status_code == 200
    _, session_id = chat_to_queue(app)
    assert ("system", "Sana, an adviser, has joined the chat.") in chat_lines(app, session_id)
    canned = client.post(f"/console/api/chats/{session_id}/messages", json={"canned": "greeting"},
                         headers=client.headers)
    assert "talking to Sana from" in canned.get_json()["text"]
    assert "skhan7" not in _customer_words(app, session_id)


def test_an_adviser_without_a_display_name_is_an_adviser_to_the_customer(app):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, session_id = chat_to_queue(app)
    lines = chat_lines(app, session_id)
    assert ("system", "An adviser has joined the chat.") in lines
    canned = sam.post(f"/console/api/chats/{session_id}/messages", json={"canned": "greeting"},
                      headers=sam.headers)
    assert "talking to an adviser from" in canned.get_json()["text"]
    assert "sam" not in _customer_words(app, session_id).lower().split()


def test_an_administrator_sets_and_clears_the_display_name_on_the_accounts_page(app):
    user = make_user(app, "pjones", "adviser")
    admin, _ = signed_in(app, "root1", "admin")
    token = csrf_token(admin, "/console/admin/accounts")
    path = f"/console/admin/accounts/{user.id}/display-name"
    bad = admin.post(path, data={"display_name": "<b>x</b>", "csrf_token": token})
    assert bad.status_code == 400 and "display name must be" in bad.get_data(as_text=True)
    done = admin.post(path, data={"display_name": "  Priya  ", "csrf_token": token})
    assert done.status_code == 303
    page = admin.get("/console/admin/accounts").get_data(as_text=True)
    assert "Customers now see pjones as Priya." in page
    with Session(app.extensions["engine"]) as session:
        assert find_user(session=session, username="pjones").display_name == "Priya"
        [entry] = search_audit(session=session, action="display_name_set")
    assert entry.actor == "root1" and entry.detail["cleared"] is False
    assert "Priya" not in str(entry.detail)  # the audit says what was done, not the name
    assert admin.post(path, data={"display_name": "", "csrf_token": token}).status_code == 303
    with Session(app.extensions["engine"]) as session:
        assert find_user(session=session, username="pjones").display_name is None


@pytest.mark.parametrize("name", ["sam2", "x" * 41, "  ", "Bob <script>", "_amy"])
def test_a_display_name_must_be_a_name(app, name):
    make_user(app, "tlee", "adviser")
    if not name.strip():
        assert rename_user(app.extensions["engine"], username="tlee",
                           display_name=name).display_name is None
        return
    with pytest.raises(AccountError, match="display name"):
        rename_user(app.extensions["engine"], username="tlee", display_name=name)


def _cli(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "test"}
    return subprocess.run([sys.executable, "-m", "console", "users", *args],
                          input=PASSWORD + "\n", capture_output=True, text=True, cwd=REPO,
                          env=env, timeout=60)


def test_the_cli_sets_the_display_name_and_refuses_one_that_is_no_name(sqlite_url):
    made = _cli(sqlite_url, "add", "--username", "mo1", "--role", "adviser",
                "--display-name", "Mo")
    assert made.returncode == 0, made.stderr
    changed = _cli(sqlite_url, "set-display-name", "--username", "mo1",
                   "--display-name", "Mohammed")
    assert changed.returncode == 0 and changed.stdout.strip() == made.stdout.strip()
    refused = _cli(sqlite_url, "set-display-name", "--username", "mo1", "--display-name", "mo1")
    assert refused.returncode == 2 and "display name" in refused.stderr
    unknown = _cli(sqlite_url, "set-display-name", "--username", "nobody", "--display-name", "Al")
    assert unknown.returncode == 2 and "no user" in unknown.stderr
    engine = create_engine(sqlite_url)
    with Session(engine) as session:
        assert find_user(session=session, username="mo1").display_name == "Mohammed"
    engine.dispose()


def test_a_new_display_name_reaches_the_next_chat_at_the_next_heartbeat(app):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    rename_user(app.extensions["engine"], username="sam", display_name="Samira")
    assert sam.post("/console/api/heartbeat", headers=sam.headers).status_code == 200
    _, session_id = chat_to_queue(app)
    assert ("system", "Samira, an adviser, has joined the chat.") in chat_lines(app, session_id)
