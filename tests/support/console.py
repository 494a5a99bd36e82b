"""Staff console helpers for tests: create a user, read a page's CSRF token, sign in."""

from __future__ import annotations

import re

from console.accounts import add_user

PASSWORD = "Careers-2026"
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def make_user(app, username: str = "sam", role: str = "adviser", *, password: str = PASSWORD,
              **options):
    """Create a staff user in the app's database (options: contractor, queues, endpoint)."""
    return add_user(app.extensions["engine"], username=username, password=password, role=role,
                    **options)


def csrf_token(client, path: str = "/console/login") -> str:
    """The CSRF token of the page at `path` (the session cookie travels with the client)."""
    page = client.get(path).get_data(as_text=True)
    found = _TOKEN.search(page) or _META.search(page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(client, username: str = "sam", password: str = PASSWORD):
    """Sign in through the form, as a browser would; returns the response."""
    token = csrf_token(client)
    return client.post("/console/login", data={"username": username, "password": password,
                                               "csrf_token": token})


def signed_in(app, username: str = "sam", role: str = "adviser", **options):
    """A test client of a new user who has signed in, and the user."""
    user = make_user(app, username, role, **options)
    client = app.test_client()
    assert sign_in(client, username).status_code == 303
    return client, user


def api_headers(client, path: str = "/console/password") -> dict[str, str]:
    """Headers for a state-changing fetch from a console page (X-CSRFToken)."""
    return {"X-CSRFToken": csrf_token(client, path)}
