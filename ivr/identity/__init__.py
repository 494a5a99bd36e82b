"""The identity step before an adviser (000:L61, 001:7.2, 001:7.3), shared by every channel."""

from __future__ import annotations

from flask import Flask, current_app

from ivr.identity.config import load_identity_config
from ivr.identity.step import IdentityStep, Prompt, masked
from models.sealed import Sealer

__all__ = ["IdentityStep", "Prompt", "get_identity_step", "init_app", "masked"]


def init_app(app: Flask) -> None:
    """Build the app's identity step on its engine and its own sealing keys (SEALING_KEYS)."""
    settings = app.config["SETTINGS"]
    app.extensions.setdefault("identity", IdentityStep(
        load_identity_config(), engine=app.extensions["engine"],
        sealer=Sealer(settings.effective_sealing_keys), enabled=settings.identity_checks))


def get_identity_step() -> IdentityStep | None:
    """The current app's identity step (None in an app built without one)."""
    return current_app.extensions.get("identity")
