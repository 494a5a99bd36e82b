"""kill -9 of the app while a callback is claimed, or while Twilio's callback is being handled.

Two app processes run (this file as a script), as behind a load balancer, on real PostgreSQL and
Redis with a short lease. A claim held through a killed process survives: nobody may take it
before the lease lapses, then another adviser gets it through the other process; an outcome
retried after a kill (the browser resubmitting, Twilio retrying its webhook) counts once.
"""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from config import clock

REPO = Path(__file__).resolve().parents[2]
LEASE_SECONDS = 12  # longer than the app takes to restart on a loaded machine
CUSTOMER = "+447700900123"


def _serve(database_url: str, redis_url: str, port: str) -> None:
    """The app process: the real factory on PostgreSQL and Redis, with short leases."""
    from werkzeug.serving import run_simple

    from app import create_app
    from config.settings import Settings
    from routing.callback_config import load_rules

    settings = Settings(app_env="test", database_url=database_url, redis_url=redis_url,
                        rasa_enabled=False, public_base_url=f"http://127.0.0.1:{port}",
                        _env_file=None)
    rules = load_rules().model_copy(update={"lease_seconds": LEASE_SECONDS, "heartbeat_seconds": 1,
                                            "dial_lease_seconds": LEASE_SECONDS})
    app = create_app(settings, callback_rules=rules)
    run_simple("127.0.0.1", int(port), app, threaded=True)


class AppProcess:
    """Start, kill -9 and restart the app process on one port."""

    def __init__(self, database_url: str) -> None:
        from tests.support.databases import TEST_REDIS_URL
        from tests.support.emulator import free_port

        self.port = str(free_port())
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [sys.executable, __file__, database_url, TEST_REDIS_URL, self.port]
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> None:
        self.process = subprocess.Popen(self.args, cwd=REPO,
                                        env={**os.environ, "PYTHONPATH": str(REPO)},
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait:
            self.wait_up()

    def wait_up(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError("the app did not start")

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def restart(self) -> None:
        self.kill()
        self.start()


@pytest.fixture
def pg_engine(postgres_url):
    from models.db import make_engine
    from tests.support.databases import truncate_all

    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def app_process(postgres_url, pg_engine, redis_client):
    process = AppProcess(postgres_url)
    process.start()
    yield process
    process.kill()


@pytest.fixture
def two_apps(postgres_url, pg_engine, redis_client):
    processes = [AppProcess(postgres_url), AppProcess(postgres_url)]
    for process in processes:
        process.start(wait=False)
    for process in processes:
        process.wait_up()
    yield processes
    for process in processes:
        if process.process.poll() is None:
            process.kill()


def _callback(engine, key: str) -> int:
    from sqlmodel import Session

    from models.contacts import open_contact
    from routing import callbacks as cb

    now = clock.now()
    with Session(engine) as session:
        open_contact(session=session, key=key, channel="phone", at=now)
        session.commit()
        return cb.create_callback(session=session, contact_key=key, due=now + timedelta(hours=1),
                                  reason="Phone call: advice", source="cold_transfer",
                                  contractor_id="north-west", phone=CUSTOMER).id


def _adviser(engine, app_url: str, name: str) -> requests.Session:
    from console.accounts import add_user
    from tests.support.console import PASSWORD

    add_user(engine, username=name, password=PASSWORD, role="contractor_adviser",
             contractor="north-west", endpoint="+441614960000")
    browser = requests.Session()
    page = browser.get(app_url + "/console/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    signed = browser.post(app_url + "/console/login", allow_redirects=False,
                          data={"username": name, "password": PASSWORD, "csrf_token": token})
    assert signed.status_code == 303
    return browser


def _token(browser: requests.Session, url: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', browser.get(url).text).group(1)


def _attempts(engine, callback_id: int):
    from sqlmodel import Session

    from routing import callbacks as cb

    with Session(engine) as session:
        return cb.get_callback(session=session, callback_id=callback_id)


def test_a_claim_outlives_a_kill_then_lapses_to_another_adviser_and_counts_once(two_apps,
                                                                                pg_engine):
    first, second = two_apps
    callback_id = _callback(pg_engine, "CA-kill-claim")
    anna = _adviser(pg_engine, first.url, "anna")
    ben = _adviser(pg_engine, second.url, "ben")
    path = f"/console/callbacks/{callback_id}"
    assert "This callback is yours" in anna.get(first.url + path).text
    anna_token = _token(anna, first.url + "/console/callbacks")
    first.kill()  # kill -9 of the process that served Anna, her claim held
    page = second.url + path
    lease_until = _attempts(pg_engine, callback_id).lease_expires_at
    held = ben.get(page).text
    assert clock.now() < lease_until, "the restart outlasted the lease"
    assert "anna is working on this callback" in held  # never stolen before it lapses
    time.sleep(max(0.0, (lease_until - clock.now()).total_seconds()) + 0.3)
    assert "This callback is yours" in ben.get(page).text
    ben_token = _token(ben, page)
    outcome = {"outcome": "busy", "csrf_token": ben_token}
    # Ben records "busy" while the app is killed at a random instant; he resubmits until the
    # app answers, as a browser would. However often it arrives, it counts once.
    rng = random.Random()
    for _ in range(2):
        try:
            ben.post(page + "/outcome", data=outcome, allow_redirects=False,
                     timeout=rng.uniform(0.001, 0.05))
        except requests.RequestException:
            pass
        second.restart()
        answer = ben.post(page + "/outcome", data=outcome, allow_redirects=False)
        assert answer.status_code in (303, 409)
    after = _attempts(pg_engine, callback_id)
    assert [a.outcome for a in after.attempts] == ["busy"] and after.status == "pending"
    # Anna's page, stale from before the kill, cannot record anything now (her browser reaches
    # the process that is still up, with her cookie).
    late = anna.post(page + "/outcome", data={"outcome": "no_answer", "csrf_token": anna_token},
                     allow_redirects=False)
    assert late.status_code == 409
    assert _attempts(pg_engine, callback_id).attempt_count == 1


def test_twilio_retrying_a_webhook_the_killed_app_was_handling_counts_once(app_process,
                                                                           pg_engine):
    from sqlmodel import Session

    from config.settings import DEVELOPMENT_TWILIO_TOKEN
    from routing import callbacks as cb
    from routing.callback_config import load_rules
    from routing.callback_dials import start_dial
    from tests.support.twilio import sign

    rng = random.Random()
    for round_number in range(2):
        callback_id = _callback(pg_engine, f"CA-kill-dial-{round_number}")
        with Session(pg_engine) as session:
            cb.claim_callback(session=session, callback_id=callback_id, staff_id="anna",
                              lease_seconds=600)
            token = start_dial(session=session, callback_id=callback_id, staff_id="anna",
                               rules=load_rules(), now=clock.now()).token
        url = f"{app_process.url}/voice/click-to-call/done?dial={token}"
        form = {"CallSid": "CA-adviser-leg", "DialCallStatus": "no-answer"}
        headers = {"X-Twilio-Signature": sign(DEVELOPMENT_TWILIO_TOKEN, url, form)}
        try:
            requests.post(url, data=form, headers=headers, timeout=rng.uniform(0.001, 0.08))
        except requests.RequestException:
            pass
        app_process.restart()
        for _ in range(2):  # Twilio's retry, and one more for good measure
            assert requests.post(url, data=form, headers=headers).status_code == 200
        after = _attempts(pg_engine, callback_id)
        assert [a.outcome for a in after.attempts] == ["no_answer"], round_number


if __name__ == "__main__":
    _serve(*sys.argv[1:4])
