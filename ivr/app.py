"""The app factory."""

from __future__ import annotations

from flask import Flask, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

from config.settings import Settings, load_settings
from ivr import chat, connections, errors, health, logs, voice


def create_app(settings: Settings | None = None, **extensions: object) -> Flask:
    """Build the Flask app from `settings` (read from the environment when None).

    `extensions` lets tests hand in ready-made connections (engine=, redis=, rasa=).
    """
    settings = settings or load_settings()
    logs.configure(settings.log_level, fmt=settings.log_format, service="app")
    app = Flask(__name__)
    app.config.update(
        SETTINGS=settings,
        SECRET_KEY=settings.effective_secret_key,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        JSON_SORT_KEYS=False,
        # The adviser page's cookie: not sent on cross-site requests, and only over HTTPS in
        # production.
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.app_env == "production",
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    app.extensions.update(extensions)
    connections.init_app(app, settings)
    errors.init_app(app)
    logs.init_app(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(chat.bp)
    if settings.voice_enabled:
        app.register_blueprint(voice.bp)
    app.before_request(_refuse_oversized_body)
    return app


def _refuse_oversized_body() -> None:
    # Flask only enforces MAX_CONTENT_LENGTH when a view reads the body; refuse early so every
    # path, known or not, answers 413 rather than 404 or a half-read stream.
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
