"""The wallboard: a read-only, large-type view of the queues, the service level and the
safeguarding count, for a screen on the contact-centre wall (issue: supervisors run the floor).

A wall screen signs in to nothing: an administrator issues it a token of its own
(`/console/admin/wallboards`), shown once as the screen's address with the token after `#`. The
fragment never reaches a server or a log; the page keeps it in the screen's local storage and
sends it as a bearer token to `GET /wallboard/api`, which answers only the wallboard's figures.
Only the token's SHA-256 is stored (Redis, models.keys.WALLBOARD_SCREENS), so revoking a screen
is deleting its entry; a token opens nothing else. Figures come from the dashboard's own
snapshot (console.floor), so the wall and the dashboard cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

import redis as redis_lib
from flask import Blueprint, current_app, jsonify, render_template, request

from console.floor import directory, live_snapshot
from console.safeguarding_cases import figures as safeguarding_figures
from models import keys
from models.db import session_scope
from routing.figures_live import dashboard_json

bp = Blueprint("wallboard", __name__, url_prefix="/wallboard", template_folder="templates")
MAX_NAME = 60


class ScreenError(ValueError):
    """A wall screen cannot be issued: the message says why."""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(redis: redis_lib.Redis, *, name: str, by: str, at: datetime) -> tuple[str, str]:
    """A new screen token for `name`: (its id, the token, shown once and never stored)."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise ScreenError(f"give the screen a name of 1 to {MAX_NAME} characters, e.g. Floor 2")
    token = secrets.token_urlsafe(32)
    digest = _digest(token)
    redis.hset(keys.WALLBOARD_SCREENS, digest,
               json.dumps({"name": name, "by": by, "at": at.isoformat()}))
    return digest[:12], token


def screens(redis: redis_lib.Redis) -> list[dict[str, str]]:
    """Every screen allowed to read the wallboard (id, name, who issued it and when)."""
    rows = [{"id": digest[:12], **json.loads(raw)}
            for digest, raw in redis.hgetall(keys.WALLBOARD_SCREENS).items()]
    return sorted(rows, key=lambda row: row["at"])


def revoke(redis: redis_lib.Redis, screen_id: str) -> str | None:
    """Stop the screen with this id reading the wallboard; its name, or None if unknown."""
    for digest, raw in redis.hgetall(keys.WALLBOARD_SCREENS).items():
        if digest[:12] == screen_id:
            redis.hdel(keys.WALLBOARD_SCREENS, digest)
            return json.loads(raw)["name"]
    return None


def _screen() -> dict[str, str] | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > 200:
        return None
    raw = current_app.extensions["redis"].hget(keys.WALLBOARD_SCREENS, _digest(token.strip()))
    return json.loads(raw) if raw else None


def board() -> dict[str, Any]:
    """What the wall shows: each queue's waiting, longest wait and service level against its
    target; the day's service level across queues; open safeguarding alerts."""
    snap = live_snapshot()
    body = dashboard_json(snap)
    places = directory().queues
    queues = []
    answered_within = answered = late = 0
    for queue_id, figures in body["queues"].items():
        definition = body["definitions"][queue_id]
        queues.append({"id": queue_id, "name": places[queue_id].name,
                       "waiting": figures["waiting"],
                       "longest_wait_seconds": round(figures["longest_wait_seconds"] or 0),
                       "service_level": figures["service_level"],
                       "service_level_target": definition["service_level_target"],
                       "breached": figures["service_level"] is not None
                       and figures["service_level"] < definition["service_level_target"]})
        answered_within += figures["answered_within_threshold"]
        answered += figures["answered"]
        late += snap.sum("abandoned_after", None, queue_id)
    with session_scope(current_app.extensions["engine"]) as session:
        alerts = safeguarding_figures(session)
    zone = snap.definitions.timezone
    return {
        "as_of": snap.as_of.astimezone(zone).strftime("%H:%M"),
        "queues": queues,
        "waiting": sum(q["waiting"] for q in queues),
        # The default formula, across queues (answered within T ÷ answered + late abandons).
        "service_level": answered_within / (answered + late) if answered + late else None,
        "service_level_target": snap.definitions.default.service_level_target,
        "safeguarding": {"waiting": next((q["waiting"] for q in queues
                                          if q["id"] == "safeguarding"), 0),
                         "open_alerts": sum(v for k, v in alerts.items() if k != "overdue"),
                         "overdue_alerts": alerts.get("overdue", 0)},
    }


@bp.get("")
def page():
    """The wall screen's page: figures are fetched with the screen's token, never in the HTML."""
    response = current_app.make_response(render_template("console/wallboard.html"))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/api")
def api():
    """The wallboard's figures, for a screen holding a current token (401 otherwise)."""
    if _screen() is None:
        response = jsonify(error="this screen's wallboard token is missing, wrong or revoked: "
                                 "ask an administrator for the wallboard's address")
        response.status_code = 401
        response.headers["WWW-Authenticate"] = 'Bearer realm="wallboard"'
        return response
    response = jsonify(board())
    response.headers["Cache-Control"] = "no-store"
    return response
