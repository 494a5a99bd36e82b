"""`python -m models erase | export | purge` as staff run them: real process, Redis, database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest

from config import clock
from models import keys
from models.contacts import open_contact, record_event
from models.customers import Identity, link_contact, match_or_create_customer
from models.db import make_engine, session_scope
from tests.support.databases import TEST_REDIS_URL

REPO = Path(__file__).resolve().parents[2]
LOG_DIR = Path(tempfile.mkdtemp(prefix="records-cli-logs-"))
NOW = clock.now() - timedelta(days=2)
IDENTITY = [
    "--surname",
    "Okafor",
    "--first-name",
    "Ngozi",
    "--date-of-birth",
    "1990-02-01",
    "--postcode",
    "LS1 4AP",
]


def models_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": TEST_REDIS_URL,
        "RASA_TRACKER_REDIS_URL": TEST_REDIS_URL,
        "LOG_DIR": str(LOG_DIR),
        "APP_ENV": "test",
    }
    return subprocess.run(
        [sys.executable, "-m", "models", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def customer(sqlite_url, redis_client):
    engine = make_engine(sqlite_url)
    ident = Identity.of(
        surname="Okafor", first_name="Ngozi", date_of_birth="1990-02-01", postcode="LS1 4AP"
    )
    with session_scope(engine) as session:
        customer_id = match_or_create_customer(session=session, identity=ident, at=NOW).customer_id
        open_contact(session=session, key="CA-CLI", channel="phone", at=NOW)
        link_contact(session=session, contact_key="CA-CLI", customer_id=customer_id)
        record_event(
            session=session,
            contact_key="CA-CLI",
            kind="customer_said",
            at=NOW,
            text="I want to be an electrician",
        )
    engine.dispose()
    redis_client.set(keys.key(keys.CALL_STATE, call_sid="CA-CLI"), "{}")
    redis_client.set(keys.key(keys.RASA_TRACKER, sender_id="CA-CLI"), "{}")
    return customer_id


def test_export_prints_the_customers_data_as_json(sqlite_url, customer):
    result = models_cli(sqlite_url, "export", *IDENTITY, "--requested-on", "2026-03-01")
    assert result.returncode == 0, result.stderr
    export = json.loads(result.stdout)
    assert export["customer"]["id"] == customer and export["due_by"] == "2026-04-10"
    assert export["contacts"][0]["events"][1]["text"] == "I want to be an electrician"


def test_export_to_a_file_is_readable_by_its_owner_only(sqlite_url, customer, tmp_path):
    out = tmp_path / "sar.json"
    result = models_cli(sqlite_url, "export", "--customer", str(customer), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["customer"]["surname"] == "okafor"
    assert out.stat().st_mode & 0o077 == 0


def test_erase_removes_the_customer_and_prints_a_receipt(sqlite_url, customer, redis_client):
    result = models_cli(sqlite_url, "erase", *IDENTITY, "--yes")
    assert result.returncode == 0, result.stderr
    receipt = json.loads(result.stdout)
    assert receipt["counts"]["customers"] == 1 and receipt["counts"]["trackers"] == 1
    assert "okafor" not in result.stdout.lower()
    assert not redis_client.keys("*CA-CLI*")
    again = models_cli(sqlite_url, "export", *IDENTITY)
    assert again.returncode == 2 and "no customer record" in again.stderr


def test_purge_prints_its_counts(sqlite_url, customer):
    kept = models_cli(sqlite_url, "purge", "--retention-days", "90")
    assert kept.returncode == 0, kept.stderr
    assert json.loads(kept.stdout)["contacts"] == 0
    purged = models_cli(sqlite_url, "purge", "--retention-days", "1")  # the contact is 2 days old
    assert purged.returncode == 0, purged.stderr
    assert json.loads(purged.stdout) | {"trackers": 0, "redis_keys": 0} == {
        "contacts": 1,
        "transcripts": 1,
        "callbacks": 0,
        "confirmations": 0,
        "written": 0,
        "customers": 1,
        "trackers": 0,
        "redis_keys": 0,
        "log_lines": 0,
    }


@pytest.mark.parametrize(
    "args,reason",
    [
        (["erase", "--customer", "1"], "--yes"),
        (["erase", "--surname", "Okafor", "--yes"], "together"),
        (["export", "--customer", "999"], "no customer"),
        (["export", *IDENTITY[:-1], "LS1"], "postcode"),
        (["purge", "--retention-days", "0"], "retention_days"),
    ],
)
def test_bad_input_exits_2_with_one_line(sqlite_url, customer, args, reason):
    result = models_cli(sqlite_url, *args)
    assert result.returncode == 2
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1
