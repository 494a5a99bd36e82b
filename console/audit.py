"""Writing the audit log from a console request: who (the signed-in user), what, about what."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from models.db import session_scope
from models.staff import record_audit


def audit(action: str, *, target: str | None = None, detail: dict[str, Any] | None = None,
          actor: str | None = None) -> None:
    """Append one entry for the current user (or `actor`, e.g. a username that failed)."""
    if actor is None and current_user and current_user.is_authenticated:
        actor = current_user.username
    with session_scope(current_app.extensions["engine"]) as db:
        record_audit(session=db, action=action, actor=actor, target=target, detail=detail)
