"""Every /console/ URL: signed out → redirect to /console/login; a role without rights → 403."""

from __future__ import annotations

import re

import pytest

from app import create_app
from config.settings import Settings
from console.auth import ROLES_ATTRIBUTE
from models.staff import ROLES
from tests.support.console import csrf_token, make_user, sign_in
from tests.support.databases import TEST_REDIS_URL

# The sign-in pages; the second-factor pages sign nobody in and open only for a half-way session
# (tests/integration/test_console_mfa.py).
PUBLIC = {"console.login", "console.login_post", "console.static", "console.second_factor",
          "console.second_factor_post", "console.second_factor_cancel"}


def _console_routes():
    """(method, path with made-up arguments, endpoint) for every console URL of the app."""
    app = create_app(Settings(app_env="test", database_url="sqlite://", redis_url=TEST_REDIS_URL,
                              rasa_enabled=False, _env_file=None))
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/console/") or rule.endpoint in PUBLIC:
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)  # a made-up number for int converters
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "x1", path)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            view = app.view_functions[rule.endpoint]
            routes.append((method, path, rule.endpoint,
                           frozenset(getattr(view, ROLES_ATTRIBUTE, ()))))
    return routes


ROUTES = _console_routes()


def test_there_are_console_routes_and_each_declares_roles():
    assert len(ROUTES) >= 5
    assert all(roles for *_, roles in ROUTES), [e for _, _, e, r in ROUTES if not r]


@pytest.mark.parametrize(("method", "path", "endpoint", "roles"), ROUTES,
                         ids=[f"{m} {p}" for m, p, *_ in ROUTES])
def test_signed_out_users_are_sent_to_sign_in(app, method, path, endpoint, roles):
    client = app.test_client()
    token = csrf_token(client)
    response = client.open(path, method=method, headers={"X-CSRFToken": token})
    assert response.status_code in (302, 303)
    assert response.headers["Location"].split("?")[0].endswith("/console/login")


WRONG = [(m, p, e, role) for m, p, e, roles in ROUTES for role in ROLES if role not in roles]


@pytest.mark.parametrize(("method", "path", "endpoint", "role"), WRONG,
                         ids=[f"{m} {p} as {r}" for m, p, _, r in WRONG])
def test_roles_without_rights_get_403(app, method, path, endpoint, role):
    extra = {"contractor": "london"} if role == "contractor_adviser" else {}
    make_user(app, "someone", role, **extra)
    client = app.test_client()
    assert sign_in(client, "someone").status_code == 303
    token = csrf_token(client, "/console/password")
    response = client.open(path, method=method, headers={"X-CSRFToken": token})
    assert response.status_code == 403


def test_the_shared_secret_adviser_page_is_gone(client):
    assert client.get("/adviser/").status_code == 404
