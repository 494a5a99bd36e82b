"""/readyz is green only while the assistant keeps its conversations where the app erases them.

Rasa replaces a custom tracker store that fails to import (or whose Redis is another) with its
in-memory store and says no more than a warning; readiness catches it with a probe conversation.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from app import create_app
from config.settings import Settings
from tests.support import rasa
from tests.support.databases import TEST_REDIS_URL

assistant_url = rasa.assistant_url  # the session's real assistant (a fixture)
pytestmark = pytest.mark.rasa
ENDPOINTS = Path(__file__).resolve().parents[2] / "bot" / "endpoints.yml"


def _ready(sqlite_url: str, url: str, tracker_url: str):
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=url, rasa_tracker_redis_url=tracker_url, _env_file=None)
    return create_app(settings).test_client().get("/readyz")


def test_ready_when_conversations_go_to_the_tracker_redis_and_the_probe_leaves_none(
        sqlite_url, redis_client, assistant_url):
    trackers = redis.Redis.from_url(rasa.DEFAULT_REDIS_URL)
    before = set(trackers.scan_iter("*readiness-probe*"))
    response = _ready(sqlite_url, assistant_url, rasa.DEFAULT_REDIS_URL)
    assert response.status_code == 200, response.json
    assert response.json["checks"]["rasa"] == "ok"
    assert set(trackers.scan_iter("*readiness-probe*")) == before


def test_not_ready_when_the_app_would_erase_conversations_from_another_database(
        sqlite_url, redis_client, assistant_url):
    elsewhere = rasa.DEFAULT_REDIS_URL.rsplit("/", 1)[0] + "/13"
    response = _ready(sqlite_url, assistant_url, elsewhere)
    trackers = redis.Redis.from_url(rasa.DEFAULT_REDIS_URL)
    for probe in trackers.scan_iter("*readiness-probe*"):  # left where the app did not look
        trackers.delete(probe)
    assert response.status_code == 503
    assert response.json["failing"] == ["rasa"]
    assert response.json["checks"]["rasa"] == "error: conversations are not in the tracker Redis"


def test_not_ready_when_the_custom_tracker_store_fails_to_import(sqlite_url, redis_client,
                                                                 tmp_path):
    broken = ENDPOINTS.read_text(encoding="utf-8").replace(
        "type: bot.tracker_store.RedactingTrackerStore", "type: bot.tracker_store.NoSuchStore")
    assert "NoSuchStore" in broken
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(broken, encoding="utf-8")
    with rasa.rasa_server(endpoints=endpoints, log_dir=tmp_path) as url:
        response = _ready(sqlite_url, url, rasa.DEFAULT_REDIS_URL)
    assert response.status_code == 503  # Rasa itself started and answers /status
    assert response.json["failing"] == ["rasa"]
