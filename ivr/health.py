"""Operations endpoints: liveness and readiness."""

from __future__ import annotations

import uuid

import redis
from flask import Blueprint, current_app, jsonify

from ivr.connections import get_engine, get_rasa, get_redis
from ivr.rasa_client import RasaClient, RasaUnavailable
from models import keys
from models.db import ping as ping_database

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is alive (no dependency is touched)."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Database, Redis and the assistant are reachable (the assistant keeping its conversations
    where the app erases them); 503 naming whichever is not."""
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
    reachable = _check(client.ping)
    return _check_trackers(client) if reachable == "ok" else reachable


def _check_trackers(client: RasaClient) -> str:
    """Rasa saves conversations in the tracker Redis the app erases from.

    A custom tracker store that fails to import, or a wrong REDIS_HOST/DB, makes Rasa fall back
    to keeping conversations in its own memory with no more than a warning: unshared between its
    processes, out of erasure's reach. A probe conversation shows where they really go.
    """
    tracker_redis = current_app.extensions.get("tracker_redis")
    if tracker_redis is None:
        return "ok"
    sender = f"readiness-probe-{uuid.uuid4().hex}"
    found = keys.RASA_TRACKER.format(sender_id=sender)
    try:
        client.open_conversation(sender)
        saved = tracker_redis.delete(found)
    except (RasaUnavailable, redis.RedisError) as error:
        return f"error: {type(error).__name__}"
    return "ok" if saved else "error: conversations are not in the tracker Redis"
