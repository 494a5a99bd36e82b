"""The Twilio emulator for tests: start one on a free port in front of an app, drive its calls.

    with running_emulator(app_url) as emulator:      # an EmulatorClient, plus .url and .rest()
        call = emulator.phone()                       # a customer phones the service
        call.settle(); call.press("45")               # what they hear comes back from each act
        adviser = emulator.ringing("+441615550100")   # a leg ringing an endpoint
        adviser.answer(); adviser.press("1")
        emulator.endpoint("client:amy", "busy")       # answer manual refuse busy no-answer failed

`live_voice_app(settings, at)` serves the app itself on a free port (its voice clock pinned to
`at`) with TWILIO_API_BASE_URL pointing at an emulator, and yields both;
`queued_young_person(live)` is a customer of 16 waiting in the young people's queue.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from werkzeug.serving import make_server

from app import create_app
from config.settings import Settings
from devtools.emulator.client import EmulatorClient
from devtools.emulator.server import create_emulator
from ivr.voice.twilio_rest import TwilioRest

# TwiML times run at this fraction of real time in tests (a 40 s wait interval takes 2 s).
TEST_TIME_SCALE = 0.05


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(wsgi_app, port: int) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1:`port` in a thread; yields its base URL."""
    server = make_server("127.0.0.1", port, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class RunningEmulator(EmulatorClient):
    """An emulator serving on `url`, for the account `account_sid`/`auth_token`."""

    def __init__(self, url: str, account_sid: str, auth_token: str) -> None:
        super().__init__(url)
        self.url, self.account_sid, self.auth_token = url, account_sid, auth_token

    def rest(self) -> TwilioRest:
        """The app's own Twilio REST client, pointed at this emulator."""
        return TwilioRest(base_url=self.url, account_sid=self.account_sid,
                          auth_token=self.auth_token)


@contextmanager
def running_emulator(app_url: str, *, account_sid: str, auth_token: str,
                     time_scale: float = TEST_TIME_SCALE,
                     port: int | None = None) -> Iterator[RunningEmulator]:
    """An emulator on a free port whose number rings the app at `app_url`."""
    emulator = create_emulator(app_url=app_url, account_sid=account_sid, auth_token=auth_token,
                               time_scale=time_scale)
    with serving(emulator, port or free_port()) as url:
        yield RunningEmulator(url, account_sid, auth_token)


@dataclass
class LiveVoice:
    """An app served over HTTP and the emulator in front of it."""

    app: object
    app_url: str
    emulator: RunningEmulator


@contextmanager
def live_voice_app(settings: Settings, at: datetime | None = None, *,
                   time_scale: float = TEST_TIME_SCALE, **extensions) -> Iterator[LiveVoice]:
    """The app on a free port (voice clock pinned to `at`) behind an emulator on another."""
    app_port, emulator_port = free_port(), free_port()
    app_url, emulator_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{emulator_port}"
    live = settings.model_copy(update={"public_base_url": app_url,
                                       "twilio_api_base_url": emulator_url})
    if at is not None:
        extensions.setdefault("voice_clock", lambda: at)
    app = create_app(live, **extensions)
    with serving(app, app_port), running_emulator(
            app_url, account_sid=live.effective_twilio_account_sid,
            auth_token=live.effective_twilio_auth_token, time_scale=time_scale,
            port=emulator_port) as emulator:
        yield LiveVoice(app, app_url, emulator)


def eventually(check: Callable[[], object], timeout: float = 15.0) -> object:
    """Poll `check` until it returns something truthy (returned), failing after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := check()):
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s")


def queued_young_person(live: LiveVoice):
    """A customer who phones, keys their age, 16, and waits in the young people's queue."""
    customer = live.emulator.phone()
    customer.settle()
    customer.press("16")  # a young person is queued at once, whatever they need (001:5.2)
    eventually(lambda: customer.info()["queue_sid"])
    return customer
