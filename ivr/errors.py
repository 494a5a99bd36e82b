"""Error handling: JSON errors for API paths, and no stack traces leaked to anyone."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _http_error(error: HTTPException):
    if _wants_json() or error.code == 413:
        reason = error.description if error.code != 413 else "request body too large"
        return jsonify(error=reason, status=error.code), error.code
    return error


def _unexpected_error(error: Exception):
    # Log the type and path only: messages may contain customer words.
    log.error("unhandled %s on %s", type(error).__name__, request.path, exc_info=error)
    if _wants_json():
        return jsonify(error="internal error", status=500), 500
    return "Internal error", 500
