"""The wiring: health, readiness against real dependencies, limits, migrations on both databases."""

from __future__ import annotations

from sqlalchemy import inspect
from sqlmodel import Session

from app import create_app
from config.settings import Settings
from models import migrate
from models.db import make_engine, session_scope
from models.redis import connect
from models.service_state import get_state, set_state
from tests.support.databases import TEST_REDIS_URL


def test_healthz_is_alive(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_readyz_is_green_with_real_database_and_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.json
    assert response.json["checks"] == {"database": "ok", "redis": "ok", "rasa": "disabled"}


def test_readyz_names_redis_when_it_is_unreachable_and_recovers(settings, redis_client):
    broken = settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    app = create_app(broken)
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["redis"]
    assert response.json["checks"]["database"] == "ok"
    # The same app recovers as soon as Redis is reachable again.
    app.extensions["redis"] = connect(TEST_REDIS_URL)
    assert app.test_client().get("/readyz").status_code == 200


def test_readyz_names_the_database_and_the_assistant(settings, redis_client, tmp_path):
    broken = settings.model_copy(
        update={
            "database_url": "postgresql+psycopg://postgres@127.0.0.1:1/none",
            "rasa_enabled": True,
            "rasa_url": "http://127.0.0.1:1",
        }
    )
    response = create_app(broken).test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["database", "rasa"]


def test_one_mebibyte_post_is_refused_with_413_everywhere(client):
    body = b"x" * (1024 * 1024)
    for path in ("/healthz", "/api/chat/sessions", "/voice/incoming", "/no/such/path"):
        response = client.post(path, data=body, content_type="application/octet-stream")
        assert response.status_code == 413, path
        assert response.json["error"] == "request body too large"


def test_api_errors_are_json(client):
    response = client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response.json["status"] == 404


def test_migrations_apply_and_round_trip(database_url):
    engine = make_engine(database_url)
    assert "service_state" in inspect(engine).get_table_names()
    with session_scope(engine) as session:
        set_state(session=session, name="retention_last_run", value="2026-11-23")
    with Session(engine) as session:
        assert get_state(session=session, name="retention_last_run") == "2026-11-23"
    engine.dispose()


def test_migrations_go_down_and_up_again(tmp_path):
    url = f"sqlite:///{tmp_path / 'roundtrip.sqlite3'}"
    migrate.upgrade(url)
    migrate.downgrade(url)
    engine = make_engine(url)
    assert "service_state" not in inspect(engine).get_table_names()
    engine.dispose()
    migrate.upgrade(url)
    engine = make_engine(url)
    assert "service_state" in inspect(engine).get_table_names()
    engine.dispose()


def test_logs_carry_no_phone_numbers(caplog, app):
    import logging

    from ivr.logs import PersonalDataFilter

    record = logging.LogRecord("t", logging.INFO, "", 0, "call from %s", ("+44 7700 900123",), None)
    PersonalDataFilter().filter(record)
    assert "7700" not in record.getMessage()
    assert "[phone]" in record.getMessage()


def test_settings_fixture_uses_test_services(settings: Settings):
    assert settings.redis_url == TEST_REDIS_URL
    assert settings.rasa_enabled is False
