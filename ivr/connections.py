"""Connections the app holds (engine, Redis, Rasa client): created once per app, got per request."""

from __future__ import annotations

import logging

import redis
from flask import Flask, current_app
from sqlalchemy.engine import Engine

from config.settings import Settings
from ivr.rasa_client import RasaClient
from ivr.voice.twilio_rest import TwilioRest
from models.db import make_engine
from models.erasure import ContactIds, erase_redis
from models.redis import connect

logger = logging.getLogger(__name__)


def init_app(app: Flask, settings: Settings) -> None:
    """Create the app's connections from `settings` unless a test already supplied them."""
    ext = app.extensions
    ext.setdefault("engine", make_engine(settings.effective_database_url))
    ext.setdefault("redis", connect(settings.redis_url))
    if settings.rasa_enabled:
        ext.setdefault("rasa", RasaClient(settings.rasa_url, timeout=settings.rasa_timeout_seconds,
                                          max_inflight=settings.assistant_max_inflight,
                                          token=settings.rasa_auth_token))
        # The assistant's own Redis database, so a finished call or chat's tracker goes at once.
        ext.setdefault("tracker_redis", connect(settings.effective_rasa_tracker_redis_url))
    else:
        ext.setdefault("rasa", None)
        ext.setdefault("tracker_redis", None)
    if "twilio" not in ext:
        ext["twilio"] = TwilioRest(base_url=settings.twilio_api_base_url,
                                   account_sid=settings.effective_twilio_account_sid,
                                   auth_token=settings.effective_twilio_auth_token,
                                   timeout=settings.twilio_api_timeout_seconds)


def get_engine() -> Engine:
    """The current app's database engine."""
    return current_app.extensions["engine"]


def get_redis() -> redis.Redis:
    """The current app's Redis connection."""
    return current_app.extensions["redis"]


def get_twilio() -> TwilioRest:
    """The current app's Twilio REST client (Twilio, or the emulator in development)."""
    return current_app.extensions["twilio"]


def forget_conversation(contact_key: str) -> None:
    """Delete the assistant's tracker and lock of a finished call or chat (001:29.1).

    Best effort: a tracker left by a Redis hiccup still expires (bot/endpoints.yml record_exp).
    """
    tracker_redis = current_app.extensions.get("tracker_redis")
    if tracker_redis is None:
        return
    try:
        erase_redis(tracker_redis, [ContactIds(contact_key)], [], store="tracker")
    except redis.RedisError:
        logger.warning("could not delete a finished conversation's tracker; it will expire")


def get_rasa() -> RasaClient | None:
    """The current app's Rasa client, or None when the assistant is switched off."""
    return current_app.extensions["rasa"]
