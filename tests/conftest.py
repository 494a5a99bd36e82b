"""Fixtures shared by every test: settings → app → client, real Redis and both databases."""

from __future__ import annotations

import os

import pytest
import redis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from app import create_app
from config.settings import Settings
from engine import satisfaction
from models import migrate
from models.db import make_engine
from tests.support.clock import restore_suite_clock, set_suite_clock
from tests.support.databases import TEST_REDIS_URL, fresh_postgres_database, truncate_all
from tests.support.rasa import assistant_token

# The identity step before an adviser (ivr.identity) is on by default in the product. Tests of
# other parts walk routes to an adviser without it, so it is off unless a test turns it on
# (Settings(identity_checks=True)), as tests/integration/test_identity_channels.py does.
os.environ.setdefault("IDENTITY_CHECKS", "false")

# The satisfaction survey asks a share of customers, chosen by a hash of their random contact id.
# Tests of other parts would hear it by chance, so it is off in every app the suite starts,
# subprocesses (make run, gunicorn) included, unless a test passes its own survey configuration
# (create_app(..., satisfaction_config=...)), as the survey's own tests do.
os.environ.setdefault("SATISFACTION_SURVEYS", "false")

# Supervisors and admins sign in with a TOTP code in the product (CONSOLE_MFA_ROLES). Tests of
# other console pages sign them in with a password alone, so no role needs a code unless a test
# turns it on (Settings(console_mfa_roles=...)), as tests/integration/test_console_mfa.py does.
os.environ.setdefault("CONSOLE_MFA_ROLES", "")

# The suite never runs on the wall clock (tests/support/clock.py): 03:00 on Christmas Day unless a
# test sets its own hour, so the suite passes, or fails, the same at any time of any day.
set_suite_clock()

# The suite's assistants answer their HTTP API only with this token (RASA_AUTH_TOKEN), chosen now
# so every Settings and every process the suite makes carries it, whatever fixture runs first.
assistant_token()

# Property tests judge the rules, not the machine: on a loaded two-core CI runner generating
# examples can take over a second, which must not fail a test whose properties all hold.
hypothesis_settings.register_profile("ci", suppress_health_check=[HealthCheck.too_slow],
                                     deadline=None)
hypothesis_settings.load_profile("ci")

# The browser tests' shared Chromium (`browser`) lives with the rest of their support code.
pytest_plugins = ["tests.support.browser"]


@pytest.fixture(autouse=True)
def _no_satisfaction_survey_by_chance(monkeypatch):
    """The satisfaction survey is offered to a share of contacts by a hash of their random ids:
    in tests of other parts no one is asked, so none hears it by chance. A test of the survey
    passes its own configuration (create_app(..., satisfaction_config=...))."""
    config = satisfaction.load_satisfaction_config()
    monkeypatch.setattr(satisfaction, "_default_config", lambda: config.model_copy(
        update={"share_by_route": dict.fromkeys(config.share_by_route, 0.0)}))


@pytest.fixture(autouse=True)
def _suite_clock_after_each_test():
    """A test whose app started the process's clock elsewhere leaves it on the suite's again."""
    yield
    restore_suite_clock()


@pytest.fixture(scope="session")
def postgres_url():
    """A migrated PostgreSQL database created for this run and dropped after it."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def sqlite_url(tmp_path):
    """A migrated SQLite database file for one test."""
    url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    """Each persistence test runs against both SQLite and the real PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url):
    """An engine on a database that is empty at the start of the test."""
    engine = make_engine(database_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def redis_client():
    """A real Redis database (TEST_REDIS_URL), emptied before and after each test."""
    client = redis.Redis.from_url(TEST_REDIS_URL, decode_responses=True)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def settings(sqlite_url):
    """Settings for a test app: SQLite, the test Redis, no assistant unless a test asks for one."""
    return Settings(
        app_env="test",
        database_url=sqlite_url,
        redis_url=TEST_REDIS_URL,
        rasa_enabled=False,
        _env_file=None,
    )


@pytest.fixture
def app(settings, redis_client):
    """The app under test, on a clean Redis database."""
    return create_app(settings)


@pytest.fixture
def client(app):
    """A Flask test client."""
    return app.test_client()
