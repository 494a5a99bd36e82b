"""Attacks on the staff sign-in: racing the lock-out, flooding the hashes, what the audit keeps."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

import console.views
from app import create_app
from config import clock
from config.settings import Settings
from console.lockout import MAX_FAILURES
from console.views import UNKNOWN_ACTOR
from models.db import make_engine
from models.staff import AuditEntry
from tests.support.console import PASSWORD, csrf_token, make_user, sign_in
from tests.support.databases import TEST_REDIS_URL, truncate_all

WRONG = "Wrong-password-1"


def _app(database_url, **settings):
    engine = make_engine(database_url)
    truncate_all(engine)
    return create_app(Settings(app_env="test", database_url=database_url,
                               redis_url=TEST_REDIS_URL, rasa_enabled=False, _env_file=None,
                               **settings), engine=engine)


@pytest.fixture
def counted(monkeypatch):
    """Count the passwords the sign-in judges (each one an argon2 hash)."""
    calls = []
    real = console.views.verify_password

    def verify(password_hash, password):
        calls.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(console.views, "verify_password", verify)
    return calls


def _client(app, address="192.0.2.10"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _audit(app) -> list[AuditEntry]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(AuditEntry)).all())


def test_parallel_wrong_passwords_are_judged_at_most_five_times(postgres_url, redis_client,
                                                                counted):
    # Limits other than the lock-out are set out of the way: this is the lock-out's race alone.
    app = _app(postgres_url, console_signin_hashes_inflight=64,
               console_signin_per_address_per_minute=1000, console_signin_per_minute=1000)
    make_user(app, "sam")
    clients = [_client(app) for _ in range(30)]
    tokens = [csrf_token(c) for c in clients]
    start = threading.Barrier(len(clients))
    answers = [None] * len(clients)

    def attempt(n):
        start.wait()
        answers[n] = clients[n].post("/console/login", data={
            "username": "sam", "password": WRONG, "csrf_token": tokens[n]})

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    codes = sorted(a.status_code for a in answers)
    assert len(counted) <= MAX_FAILURES, f"{len(counted)} passwords judged"
    assert codes.count(200) == len(counted) and codes.count(429) == len(clients) - len(counted)
    failed = [e for e in _audit(app) if e.action == "sign_in_failed"]
    assert len(failed) == len(counted)
    assert all(a.headers.get("Retry-After") for a in answers if a.status_code == 429)
    # Locked now: the right password is refused too, without being judged.
    before = len(counted)
    locked = sign_in(_client(app), "sam", PASSWORD)
    assert locked.status_code == 429 and b"Too many failed sign-ins" in locked.data
    assert len(counted) == before


def test_sign_in_attempts_are_limited_per_address_and_ipv6_per_64(app_factory, counted):
    app = app_factory(console_signin_per_address_per_minute=3)
    make_user(app, "sam")
    for n in range(3):  # different usernames: the per-username lock is not what stops them
        assert sign_in(_client(app, "203.0.113.7"), f"nobody{n}", WRONG).status_code == 200
    refused = sign_in(_client(app, "203.0.113.7"), "sam", PASSWORD)
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert b"Too many sign-in attempts from your network" in refused.data
    assert len(counted) == 3  # the refusal cost no hash
    assert sign_in(_client(app, "203.0.113.8"), "sam", PASSWORD).status_code == 303
    # An IPv6 client has a whole /64: changing the low bits is the same client.
    for n in range(3):
        address = f"2001:db8:1:2::{n + 1:x}"
        assert sign_in(_client(app, address), f"other{n}", WRONG).status_code == 200
    assert sign_in(_client(app, "2001:db8:1:2:ffff::9"), "sam", PASSWORD).status_code == 429
    assert sign_in(_client(app, "2001:db8:1:3::1"), "sam", PASSWORD).status_code == 303


def test_good_sign_ins_from_one_office_address_are_not_throttled(app_factory):
    app = app_factory(console_signin_per_address_per_minute=3)
    for n in range(6):  # a shift signing in behind one address: each good sign-in is taken back
        make_user(app, f"adviser{n}")
        assert sign_in(_client(app, "198.51.100.1"), f"adviser{n}").status_code == 303


def test_sign_in_attempts_are_limited_overall_across_processes(app_factory, counted):
    first = app_factory(console_signin_per_minute=4)
    second = app_factory(console_signin_per_minute=4)  # another process on the same Redis
    make_user(first, "sam")
    for n in range(4):  # from four addresses, so no per-address limit is reached
        app = first if n % 2 else second
        assert sign_in(_client(app, f"198.51.100.{n + 10}"), "sam" if n else "x", WRONG
                       ).status_code == 200
    refused = sign_in(_client(second, "198.51.100.99"), "kim", WRONG)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert b"busy with other sign-ins" in refused.data
    assert len(counted) == 4


def test_password_hashes_in_flight_are_bounded_per_process(app_factory, monkeypatch):
    app = app_factory(console_signin_hashes_inflight=1)
    make_user(app, "sam")
    inside, release = threading.Event(), threading.Event()
    real = console.views.verify_password
    calls = []

    def slow_first(password_hash, password):
        calls.append(1)
        if len(calls) == 1:  # hold the first hash in flight until the test lets it go
            inside.set()
            release.wait(20)
        return real(password_hash, password)

    monkeypatch.setattr(console.views, "verify_password", slow_first)
    first_client = _client(app, "192.0.2.1")
    token = csrf_token(first_client)
    answer = {}
    holder = threading.Thread(target=lambda: answer.setdefault("first", first_client.post(
        "/console/login", data={"username": "sam", "password": PASSWORD, "csrf_token": token})))
    holder.start()
    assert inside.wait(20)
    try:
        busy = sign_in(_client(app, "192.0.2.2"), "sam", PASSWORD)
    finally:
        release.set()
        holder.join(30)
    assert busy.status_code == 429 and busy.headers["Retry-After"]
    assert b"busy with other sign-ins" in busy.data
    assert len(calls) == 1  # refused before any hash
    assert answer["first"].status_code == 303
    assert sign_in(_client(app, "192.0.2.2"), "sam", PASSWORD).status_code == 303


def test_a_failed_sign_in_keeps_the_username_only_when_it_is_an_account(app_factory):
    app = app_factory()
    make_user(app, "sam")
    # A password typed in the username box must not reach the audit log.
    assert sign_in(_client(app), "Secret-Passw0rd", "x").status_code == 200
    assert sign_in(_client(app), "SAM", WRONG).status_code == 200
    for _ in range(MAX_FAILURES):
        sign_in(_client(app), "Secret-Passw0rd", "x")
    entries = _audit(app)
    assert not [e for e in entries if "Secret-Passw0rd" in f"{e.actor} {e.target} {e.detail}"]
    assert {(e.actor, e.action) for e in entries if e.action.startswith("sign_in")} == {
        (UNKNOWN_ACTOR, "sign_in_failed"), ("sam", "sign_in_failed"),
        (UNKNOWN_ACTOR, "sign_in_refused")}


@pytest.fixture
def app_factory(sqlite_url, redis_client):
    """Apps on one SQLite database and the test Redis, with sign-in settings of the test's own.

    Their clock starts at the top of a minute, so a test's attempts fall in one minute's window.
    """
    def build(**settings):
        app = create_app(Settings(app_env="test", database_url=sqlite_url,
                                  redis_url=TEST_REDIS_URL, rasa_enabled=False,
                                  _env_file=None, **settings))
        clock.start(TOP_OF_A_MINUTE)
        return app
    return build


TOP_OF_A_MINUTE = datetime(2026, 12, 25, 3, 10, tzinfo=UTC)


def test_a_change_of_password_waits_for_no_hash_slot(app_factory):
    app = app_factory(console_signin_hashes_inflight=1)
    make_user(app, "sam")
    client = _client(app)
    assert sign_in(client, "sam").status_code == 303
    token = csrf_token(client, "/console/password")
    slots = app.extensions["signin_hashes"]
    assert slots.acquire(blocking=False)  # a sign-in's hash in flight
    try:
        busy = client.post("/console/password", data={
            "csrf_token": token, "current_password": PASSWORD, "new_password": "Another-2027",
            "confirm_password": "Another-2027"})
    finally:
        slots.release()
    assert busy.status_code == 429 and busy.headers["Retry-After"]
    assert b"busy" in busy.data
