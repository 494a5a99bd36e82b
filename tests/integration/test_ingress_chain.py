"""The production chain, ingress → events front → voice pool, with TLS ended at the ingress:
Twilio's signature on the public https:// URL still checks out (docs/deployment.md)."""

from __future__ import annotations

import os
import subprocess
import sys

import requests
from twilio.request_validator import RequestValidator

from config.settings import DEVELOPMENT_TWILIO_TOKEN
from tests.support.cluster import REPO, AppServer, _stop, _wait_port
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import free_port

PUBLIC = "https://contact.careers.example"


def test_a_signed_webhook_through_the_ingress_and_the_front_is_accepted(sqlite_url, tmp_path,
                                                                         redis_client):
    pool = AppServer({"APP_ENV": "test", "DATABASE_URL": sqlite_url, "REDIS_URL": TEST_REDIS_URL,
                      "RASA_ENABLED": "false", "GUNICORN_POOL": "voice",
                      "TRUSTED_PROXIES": "2", "PUBLIC_BASE_URL": PUBLIC},
                     tmp_path / "voice.log")  # as deploy/k8s sets
    pool.start()
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "PORT": str(port),
           "REDIS_URL": TEST_REDIS_URL, "FRONT_WEB_URL": pool.url, "FRONT_VOICE_URL": pool.url}
    with open(tmp_path / "front.log", "wb") as log:
        front = subprocess.Popen([sys.executable, "-m", "live"], cwd=REPO, env=env, stdout=log,
                                 stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_port(port, front, 30, "the events front")
        form = {"CallSid": "CA" + "1" * 32, "From": "+441134960123", "To": "+44800100900",
                "CallStatus": "ringing", "AccountSid": "AC" + "0" * 32}
        url = f"{PUBLIC}/voice/incoming"
        signature = RequestValidator(DEVELOPMENT_TWILIO_TOKEN).compute_signature(url, form)
        # What the ingress adds after ending TLS: the client, the scheme and host it was called on.
        ingress = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
                   "X-Forwarded-Host": "contact.careers.example",
                   "X-Twilio-Signature": signature}
        accepted = requests.post(f"http://127.0.0.1:{port}/voice/incoming", data=form,
                                 headers=ingress, timeout=20)
        assert accepted.status_code == 200, (tmp_path / "voice.log").read_text()[-1500:]
        assert "<Gather" in accepted.text and f"{PUBLIC}/voice/" in accepted.text
        forged = requests.post(f"http://127.0.0.1:{port}/voice/incoming", data=form,
                               headers={**ingress, "X-Twilio-Signature": "forged"}, timeout=20)
        assert forged.status_code == 403
    finally:
        _stop(front)
        pool.stop()
