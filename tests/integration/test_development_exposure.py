"""Development is for this machine only: what `make run` publishes is usable only on loopback.

The demo staff accounts' passwords are printed by `make run` and written in console/demo.py, so
off loopback `make run` creates none and disables any left behind that still hold them.
"""

from __future__ import annotations

import importlib

from sqlmodel import Session

from config.settings import Settings
from console.demo import DEMO_ACCOUNTS, create_demo_accounts
from console.passwords import hash_password
from models.db import make_engine
from models.staff import find_user, set_password_hash

run = importlib.import_module("scripts.run")
OWN_SECRETS = {"secret_key": "s" * 40, "twilio_auth_token": "t" * 40,
               "sealing_keys": "c2VhbGluZy1rZXktZm9yLXRoZS1jb21wb3NlLXRlc3Q="}


def _active(engine) -> dict[str, bool]:
    with Session(engine) as session:
        return {a["username"]: find_user(session=session, username=a["username"]).active
                for a in DEMO_ACCOUNTS}


def test_on_loopback_make_run_makes_the_demo_accounts(sqlite_url):
    settings = Settings(database_url=sqlite_url, _env_file=None)
    assert [a["username"] for a in run.demo_accounts(settings)] == [
        a["username"] for a in DEMO_ACCOUNTS]
    assert all(_active(make_engine(sqlite_url)).values())


def test_off_loopback_make_run_disables_the_demo_accounts_still_on_their_published_passwords(
        sqlite_url):
    engine = make_engine(sqlite_url)
    create_demo_accounts(engine, app_env="development")  # left by an earlier run on loopback
    with Session(engine) as session:  # one became somebody's real account: a password of its own
        london = find_user(session=session, username="london")
        set_password_hash(session=session, user=london,
                          password_hash=hash_password("A-password-of-our-own-9"))
        session.commit()
    settings = Settings(database_url=sqlite_url, bind_host="0.0.0.0", _env_file=None,
                        **OWN_SECRETS)
    assert run.demo_accounts(settings) == []
    active = _active(engine)
    assert active.pop("london") is True
    assert not any(active.values()), active


def test_off_loopback_make_run_makes_no_demo_accounts(sqlite_url):
    settings = Settings(database_url=sqlite_url, bind_host="192.0.2.10", _env_file=None,
                        **OWN_SECRETS)
    assert run.demo_accounts(settings) == []
    with Session(make_engine(sqlite_url)) as session:
        assert all(find_user(session=session, username=a["username"]) is None
                   for a in DEMO_ACCOUNTS)
