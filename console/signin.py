"""What the password step and the second-factor step of a staff sign-in share.

The lock-out for this app's Redis, the 429 page that says why and for how long, and the end of a
sign-in: a new session id (no fixation), the signed-in user, the audit entry.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, session, url_for
from flask_login import login_user

from config import clock as centre_clock
from console.audit import audit
from console.auth import ConsoleUser
from console.lockout import Limits, SignInLockout
from console.sessions import renew

_REFUSALS = {
    "locked": "Too many failed sign-ins. Try again in {wait}.",
    "address": "Too many sign-in attempts from your network. Try again in {wait}.",
    "busy": "The console is busy with other sign-ins. Try again in {wait}.",
}


def signin_lockout() -> SignInLockout:
    """The sign-in lock-out and throttles, on the app's Redis and settings."""
    settings = current_app.config["SETTINGS"]
    return SignInLockout(current_app.extensions["redis"], Limits(
        per_address=settings.console_signin_per_address_per_minute,
        overall=settings.console_signin_per_minute))


def refused(reason: str, seconds: int, template: str = "console/login.html", **context: Any):
    """429 with Retry-After and the page saying why and for how long."""
    wait = ("1 second" if seconds == 1 else f"{seconds} seconds" if seconds < 90
            else f"{round(seconds / 60)} minutes")
    page = render_template(template, error=_REFUSALS[reason].format(wait=wait), **context)
    return page, 429, {"Retry-After": str(seconds)}


def complete(user: ConsoleUser, **detail: Any):
    """Sign `user` in on a new session id, audit it, and go to the console (303)."""
    session.clear()
    renew()  # a new session id on sign-in (no fixation)
    login_user(user)
    session.permanent = True
    session["seen"] = int(centre_clock.now().timestamp())
    audit("sign_in", actor=user.username, detail=detail or None)
    return redirect(url_for("console.home"), code=303)
