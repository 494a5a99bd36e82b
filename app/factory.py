"""The app factory."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

import console
from app.ports import desk_ports, dispatch_ports, reconcile_ports
from config import clock
from config.settings import Settings, load_settings
from console import supervisor
from ivr import (
    chat,
    connections,
    errors,
    forms,
    health,
    identity,
    logs,
    messaging,
    security,
    voice,
)
from routing.figures import Figures
from triage.safeguarding import model as safeguarding_model


def create_app(settings: Settings | None = None, **extensions: object) -> Flask:
    """Build the Flask app from `settings` (read from the environment when None).

    `extensions` lets tests hand in ready-made connections (engine=, redis=, rasa=).
    """
    settings = settings or load_settings()
    clock.start(settings.clock_start)
    logs.configure(settings.log_level, fmt=settings.log_format, service="app")
    app = Flask(__name__)
    # An API path with "//" in it is not found (a JSON 404), not redirected: a 308 to a merged path
    # would repeat a customer's POST somewhere they did not send it.
    app.url_map.merge_slashes = False
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.effective_secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
        # The console's session cookie: not sent on cross-site requests, and only over HTTPS in
        # production.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.app_env == "production",
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    app.extensions.update(extensions)
    # The safeguarding model's weights are read at boot (about a second on two cores), once per
    # process: never on a customer's first turn, which has Twilio's answer deadline to meet.
    safeguarding_model.load()
    connections.init_app(app, settings)
    app.extensions.setdefault("figures", Figures(app.extensions["redis"]))
    # The dispatcher (engine.dispatch) and the console act on the channels through ports.
    app.extensions.setdefault("dispatch_ports", dispatch_ports())
    app.extensions.setdefault("desk_ports", desk_ports(settings))
    app.extensions.setdefault("reconcile_ports", reconcile_ports())
    identity.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    logs.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(chat.bp)
    app.register_blueprint(forms.bp)
    app.register_blueprint(messaging.bp)
    if settings.voice_enabled:
        app.register_blueprint(voice.bp)
    console.init_app(app)
    supervisor.init_app(app)
    app.before_request(_refuse_oversized_body)
    return app


def _refuse_oversized_body() -> None:
    # Flask only enforces MAX_CONTENT_LENGTH when a view reads the body; refuse early so every
    # path, known or not, answers 413 rather than 404 or a half-read stream.
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
