"""The administrators' accounts page: only admins; disable, enable, unlock, set a password."""

from __future__ import annotations

import re

import pytest
from sqlmodel import Session, select

from console.lockout import MAX_FAILURES
from models.staff import AuditEntry, find_user
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in, signed_in

PAGE = "/console/admin/accounts"
TEMPORARY = "Temporary-2026"
ADMIN_ROUTES = [("GET", PAGE), ("GET", f"{PAGE}/register.csv"),
                ("POST", f"{PAGE}/1/disable"), ("POST", f"{PAGE}/1/enable"),
                ("POST", f"{PAGE}/1/unlock"), ("POST", f"{PAGE}/1/password")]


def _copy(client, app):
    """A second browser holding a copy of `client`'s session cookie (a stolen cookie)."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_out(client) -> bool:
    response = client.get("/console/password")
    return response.status_code == 302 and "/console/login" in response.headers["Location"]


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGE), **data})


def _audit(app, action):
    with Session(app.extensions["engine"]) as session:
        return session.exec(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.mark.parametrize("role", ["adviser", "supervisor", "contractor_adviser"])
def test_every_role_but_admin_gets_403_on_every_admin_route(app, role):
    extra = {"contractor": "london"} if role == "contractor_adviser" else {}
    client, user = signed_in(app, "someone", role, **extra)
    token = csrf_token(client, "/console/password")
    for method, path in ADMIN_ROUTES:
        response = client.open(path.replace("/1/", f"/{user.id}/"), method=method,
                               headers={"X-CSRFToken": token})
        assert response.status_code == 403, (method, path)


def test_the_page_lists_accounts_with_their_state(app):
    admin, _ = signed_in(app, "root1", "admin")
    make_user(app, "nw1", "contractor_adviser", contractor="north-west")
    page = admin.get(PAGE)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "nw1" in text and "north-west" in text and "root1" in text
    assert "not known" in text  # nw1 never signed in
    assert "<script" not in text.split("</main>")[0].split("<main")[1]  # CSP: no inline script


def test_actions_need_the_csrf_token(app):
    admin, _ = signed_in(app, "root1", "admin")
    sam = make_user(app, "sam")
    assert admin.post(f"{PAGE}/{sam.id}/disable").status_code == 400
    with Session(app.extensions["engine"]) as session:
        assert find_user(session=session, username="sam").active


def test_disabling_ends_a_copied_session_cookie_at_once(app):
    victim, sam = signed_in(app, "sam")
    thief = _copy(victim, app)
    assert thief.get("/console/password").status_code == 200
    admin, _ = signed_in(app, "root1", "admin")
    done = _post(admin, f"{PAGE}/{sam.id}/disable")
    assert done.status_code == 303
    assert _signed_out(thief) and _signed_out(victim)
    assert sign_in(app.test_client(), "sam").status_code == 200  # cannot sign in again
    [entry] = _audit(app, "account_disabled")
    assert (entry.actor, entry.target) == ("root1", "sam")
    assert b"is disabled" in admin.get(PAGE).data
    # Enabled again, the account signs in (and that is audited too).
    assert _post(admin, f"{PAGE}/{sam.id}/enable").status_code == 303
    assert sign_in(app.test_client(), "sam").status_code == 303
    assert [e.actor for e in _audit(app, "account_enabled")] == ["root1"]


def test_an_admin_cannot_disable_themselves(app):
    admin, me = signed_in(app, "root1", "admin")
    refused = _post(admin, f"{PAGE}/{me.id}/disable")
    assert refused.status_code == 400 and b"cannot disable your own account" in refused.data
    assert admin.get(PAGE).status_code == 200  # still signed in, still active
    assert not _audit(app, "account_disabled")


def test_unlock_lets_a_locked_user_in(app):
    make_user(app, "sam")
    for _ in range(MAX_FAILURES):
        sign_in(app.test_client(), "sam", "Wrong-password-1")
    assert sign_in(app.test_client(), "sam").status_code == 429
    admin, _ = signed_in(app, "root1", "admin")
    row = re.search(r'<tr id="account-\d+">\s*<td>sam</td>.*?</tr>',
                    admin.get(PAGE).get_data(as_text=True), re.S).group(0)
    assert "more minutes" in row and "Unlock sam" in row
    sam_id = int(re.search(r'account-(\d+)', row).group(1))
    assert _post(admin, f"{PAGE}/{sam_id}/unlock").status_code == 303
    assert sign_in(app.test_client(), "sam").status_code == 303
    [entry] = _audit(app, "account_unlocked")
    assert entry.actor == "root1" and entry.detail["was_locked"] is True


def test_a_reset_forces_a_change_and_ends_sessions(app):
    victim, sam = signed_in(app, "sam")
    thief = _copy(victim, app)
    admin, _ = signed_in(app, "root1", "admin")
    done = _post(admin, f"{PAGE}/{sam.id}/password", new_password=TEMPORARY,
                 confirm_password=TEMPORARY)
    assert done.status_code == 303
    assert _signed_out(thief) and _signed_out(victim)
    assert sign_in(app.test_client(), "sam", PASSWORD).status_code == 200  # the old one is gone
    client = app.test_client()
    assert sign_in(client, "sam", TEMPORARY).status_code == 303
    forced = client.get("/console/desk")
    assert forced.status_code == 302 and forced.headers["Location"].endswith("/console/password")
    assert [e.actor for e in _audit(app, "password_set_by_admin")] == ["root1"]


def test_a_reset_applies_the_policy_and_not_to_the_admin_themselves(app):
    sam = make_user(app, "sam")
    admin, me = signed_in(app, "root1", "admin")
    weak = _post(admin, f"{PAGE}/{sam.id}/password", new_password="weakpass",
                 confirm_password="weakpass")
    assert weak.status_code == 400 and b"upper and lower" in weak.data
    differ = _post(admin, f"{PAGE}/{sam.id}/password", new_password=TEMPORARY,
                   confirm_password=TEMPORARY + "x")
    assert differ.status_code == 400 and b"do not match" in differ.data
    mine = _post(admin, f"{PAGE}/{me.id}/password", new_password=TEMPORARY,
                 confirm_password=TEMPORARY)
    assert mine.status_code == 400 and b"Change password page" in mine.data
    assert _post(admin, f"{PAGE}/999999/disable").status_code == 404
    assert sign_in(app.test_client(), "sam").status_code == 303  # nothing changed
