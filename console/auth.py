"""Who is signed in, and what their role lets them do: Flask-Login sessions and role guards.

Every console view declares its roles with `@role_required(...)`; `guard(bp)` makes a blueprint
refuse signed-out users (redirect to /console/login) and roles without rights (403), and denies a
view that declares no roles at all, so a forgotten decorator fails closed. Sessions are kept on the
server (console.sessions) and end after CONSOLE_IDLE_MINUTES without a request the person made
(heartbeats and live streams do not count), CONSOLE_SESSION_HOURS after sign-in however active,
on signing out, and for every session of a user whose password changes or account is disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, logout_user

from config import clock as centre_clock
from engine.dispatch import get_presence
from models.db import session_scope
from models.staff import ROLES, StaffUser, get_user

STAFF_ROLES = ("adviser", "supervisor", "admin")  # contact-centre staff (not contractors)
ALL_ROLES = ROLES
# The second-factor pages check the half-way session themselves (console.mfa): nobody is signed
# in on them, so a person with only a right password reaches nothing else.
PUBLIC_ENDPOINTS = frozenset({"console.login", "console.login_post", "console.static",
                              "console.second_factor", "console.second_factor_post",
                              "console.second_factor_cancel"})
# All a user whose password an administrator set may do until they choose their own.
PASSWORD_ENDPOINTS = frozenset({"console.password_page", "console.password_change",
                                "console.logout", "console.static"})
# Requests the page makes by itself: they must not keep an idle session alive.
PASSIVE_ATTRIBUTE = "_console_passive"
ROLES_ATTRIBUTE = "_console_roles"

login_manager = LoginManager()
login_manager.login_view = "console.login"
login_manager.session_protection = "basic"


@dataclass
class ConsoleUser(UserMixin):
    """The signed-in member of staff, as the console's views see them."""

    id: int
    username: str
    role: str
    contractor_id: str | None = None
    queues: list[str] = field(default_factory=list)
    endpoint: str | None = None
    must_change_password: bool = False
    display_name: str | None = None  # what a customer is told; never the username

    def get_id(self) -> str:
        """The user id the server-side session keeps (nothing of the password)."""
        return str(self.id)

    @property
    def shown_name(self) -> str:
        """The name a customer sees: the display name, or the neutral "an adviser"."""
        return self.display_name or "an adviser"

    @classmethod
    def from_row(cls, row: StaffUser) -> ConsoleUser:
        """From the database row."""
        return cls(id=row.id, username=row.username, role=row.role,
                   contractor_id=row.contractor_id, queues=list(row.queues or []),
                   endpoint=row.endpoint, must_change_password=row.must_change_password,
                   display_name=row.display_name)


@login_manager.user_loader
def _load_user(user_id: str) -> ConsoleUser | None:
    if not user_id.isdigit():
        return None
    with session_scope(current_app.extensions["engine"]) as db:
        row = get_user(session=db, user_id=int(user_id))
        if row is None or not row.active:
            return None
        return ConsoleUser.from_row(row)


def role_required(*roles: str) -> Callable:
    """Let only these roles run the view (a guarded blueprint enforces it before the view)."""
    unknown = set(roles) - set(ALL_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            _check(roles)
            return view(*args, **kwargs)

        setattr(wrapper, ROLES_ATTRIBUTE, frozenset(roles))
        setattr(wrapper, PASSIVE_ATTRIBUTE, getattr(view, PASSIVE_ATTRIBUTE, False))
        return wrapper

    return decorate


def passive(view: Callable) -> Callable:
    """Mark a view the page calls by itself (heartbeats, streams): it does not reset idle time."""
    setattr(view, PASSIVE_ATTRIBUTE, True)
    return view


def go_offline(user: ConsoleUser) -> None:
    """Take a signing-out adviser out of the dispatcher's reach."""
    if user.role == "adviser":
        get_presence().sign_off(user.id)


def guard(bp: Blueprint) -> Blueprint:
    """Make `bp` a console blueprint: signed-out → login, wrong role → 403, idle → signed out."""
    bp.before_request(_before_console_request)
    return bp


def _before_console_request():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if not current_user.is_authenticated or _expired():
        if current_user.is_authenticated:
            go_offline(current_user)  # an idle adviser is not left Available
            logout_user()
            session.clear()
        return redirect(url_for("console.login", next=request.path if request.method == "GET"
                                else None))
    if current_user.must_change_password and request.endpoint not in PASSWORD_ENDPOINTS:
        return redirect(url_for("console.password_page"))
    view = current_app.view_functions.get(request.endpoint)
    roles = getattr(view, ROLES_ATTRIBUTE, None)
    _check(roles or ())
    if not getattr(view, PASSIVE_ATTRIBUTE, False):
        session["seen"] = int(centre_clock.now().timestamp())
    return None


def _expired() -> bool:
    """Idle too long, or signed in too long ago however active (on the app's clock)."""
    settings = current_app.config["SETTINGS"]
    now = centre_clock.now().timestamp()
    seen = session.get("seen")
    began = getattr(session, "created", None)
    return (seen is None or began is None or now - float(seen) > settings.console_idle_minutes * 60
            or now - float(began) >= settings.console_session_hours * 3600)


def _check(roles) -> None:
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in roles:
        abort(403, "your role cannot use this page")
