"""The staff console: accounts and sign-in, presence, the desk for calls and chats, the audit log.

`init_app(app)` is called by the app factory: it sets up sessions (Flask-Login over server-side
sessions in Redis, console.sessions), CSRF on every
state-changing request (Flask-WTF; the Twilio webhooks and the cookie-less chat API are exempt)
and registers the console blueprint. Other parts of the console add their own blueprint with
`register(app, bp)`, which guards it like the rest (see console.auth).
"""

from __future__ import annotations

import threading

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFProtect

from console import auth, times, wallboard
from console.config import default_console_config
from console.sessions import StaffSessionInterface
from engine.knowledge_search import default_index

bp = auth.guard(Blueprint("console", __name__, url_prefix="/console",
                          template_folder="templates", static_folder="static",
                          static_url_path="/static"))
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Sessions, CSRF and the console's blueprint on `app`."""
    settings = app.config["SETTINGS"]
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the token lives as long as the session
    app.config["PERMANENT_SESSION_LIFETIME"] = settings.console_idle_minutes * 60
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_SECURE"] = settings.app_env == "production"
    # Registered for the dispatcher too (engine.dispatch reads the heartbeat and wrap-up times).
    app.extensions.setdefault("console_config", default_console_config())
    # The advisers' knowledge base is read and checked now, so a bad article stops the start.
    app.extensions.setdefault("knowledge", default_index())
    # Password hashes this process judges at once for sign-ins (console.views.login_post).
    app.extensions["signin_hashes"] = threading.BoundedSemaphore(
        settings.console_signin_hashes_inflight)
    # Signed-in sessions live in Redis; the cookie holds only their id (console.sessions).
    app.session_interface = StaffSessionInterface()
    auth.login_manager.init_app(app)
    csrf.init_app(app)
    times.init_app(app)
    for name in ("voice", "messaging", "chat", "forms"):
        # Twilio's webhooks are checked by signature; the chat API uses no cookies at all (its
        # session id in the URL is the credential), so a forged cross-site request has nothing.
        # The website's forms likewise carry no session: posting one only asks for a callback
        # or sends an enquiry (rate limits and a honeypot guard them), and they must work when
        # embedded on another site, where no first-party cookie is sent.
        if name in app.blueprints:
            csrf.exempt(app.blueprints[name])
    register(app, bp)
    # The wall screens' view is not a console page: its own token guards it (console.wallboard).
    app.register_blueprint(wallboard.bp)
    from console import call_transfers, follow_ups, warm_transfers, worklist

    worklist.init_app(app)
    warm_transfers.init_app(app)
    call_transfers.init_app(app)
    follow_ups.init_app(app)


def register(app: Flask, blueprint: Blueprint) -> None:
    """Register a console blueprint (under /console/...), guarded like the console's own."""
    if blueprint is not bp:
        auth.guard(blueprint)
    app.register_blueprint(blueprint)


from console import (  # noqa: E402,F401,I001  (importing them adds their routes to bp)
    admin_accounts, desk, desk_alerts, desk_notes, knowledge, mfa, phone, phone_relay, views,
    wallboard_admin, written,
)
