"""Operations endpoints: liveness and readiness."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ivr.connections import get_engine, get_rasa, get_redis
from models.db import ping as ping_database

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive (no dependency is touched)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Database, Redis and the assistant are reachable; 503 naming whichever is not."""
    checks = {
        "database": _check(lambda: ping_database(get_engine())),
        "redis": _check(lambda: get_redis().ping()),
        "rasa": _check_rasa(),
    }
    failing = sorted(name for name, state in checks.items() if state not in ("ok", "disabled"))
    body = {"status": "unavailable" if failing else "ok", "checks": checks, "failing": failing}
    return jsonify(body), 503 if failing else 200


def _check(probe) -> str:
    try:
        probe()
    except Exception as error:  # noqa: BLE001 - any failure means "not ready"; say which kind
        return f"error: {type(error).__name__}"
    return "ok"


def _check_rasa() -> str:
    client = get_rasa()
    if client is None:
        return "disabled"
    return _check(client.ping)
