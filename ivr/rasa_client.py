"""A small client for Rasa's REST channel and status endpoint (Rasa runs in its own environment).

A circuit breaker stops every caller waiting on a dead assistant: after `failures_to_open`
failures in a row it fails fast for `open_seconds`, then lets one turn through to probe. A gate
sheds load: with `max_inflight` turns already waiting on the assistant in this process, the next
fails at once (the phone goes on by keypad, the chat by buttons) instead of queueing behind them.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import requests
import requests.adapters

from config.log_format import REQUEST_ID


class RasaUnavailable(RuntimeError):
    """Rasa did not answer usefully in time (down, slow, or empty after an internal error)."""


class CircuitBreaker:
    """Consecutive-failure breaker, per process (each worker learns on its own within seconds)."""

    def __init__(self, *, failures_to_open: int = 3, open_seconds: float = 15.0,
                 clock=time.monotonic) -> None:
        self.failures_to_open = failures_to_open
        self.open_seconds = open_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._lock = threading.Lock()

    def allow(self) -> bool:
        """True when a call may be tried (closed, or half-open after the wait)."""
        with self._lock:
            if self._opened_at is None:
                return True
            if self._clock() - self._opened_at >= self.open_seconds:
                self._opened_at = self._clock()  # one probe per window
                return True
            return False

    def succeeded(self) -> None:
        """Close the breaker."""
        with self._lock:
            self._failures, self._opened_at = 0, None

    def failed(self) -> None:
        """Count a failure; open the breaker when there have been enough in a row."""
        with self._lock:
            self._failures += 1
            if self._failures >= self.failures_to_open:
                self._opened_at = self._clock()

    @property
    def is_open(self) -> bool:
        """Whether calls are currently refused."""
        return self._opened_at is not None


class RasaClient:
    """Talk to Rasa over HTTP; `sender` is a CallSid or chat session id, never a phone number."""

    def __init__(self, base_url: str, *, timeout: float = 2.5,
                 breaker: CircuitBreaker | None = None, max_inflight: int = 0,
                 token: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        # Rasa's HTTP API (status, trackers, parse) wants the --auth-token as ?token=; the REST
        # channel's webhook does not, so the token is not put on every customer turn's URL.
        self._api = {"token": token} if token else {}
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker()
        self._gate = threading.BoundedSemaphore(max_inflight) if max_inflight else None
        self._http = requests.Session()
        # A kept connection for every turn that may be in flight (the default pool keeps 10).
        size = max(10, max_inflight)
        self._http.mount("http://", requests.adapters.HTTPAdapter(pool_connections=4,
                                                                  pool_maxsize=size))
        self._http.mount("https://", requests.adapters.HTTPAdapter(pool_connections=4,
                                                                   pool_maxsize=size))

    def ping(self, *, timeout: float = 1.0) -> None:
        """Raise RasaUnavailable unless the status endpoint answers with a loaded model."""
        try:
            response = self._http.get(f"{self.base_url}/status", params=self._api,
                                      timeout=timeout)
            response.raise_for_status()
            if not response.json().get("model_file"):
                raise RasaUnavailable("no model loaded")
        except (requests.RequestException, ValueError) as error:
            raise RasaUnavailable(type(error).__name__) from None

    def open_conversation(self, sender: str, *, timeout: float = 2.0) -> None:
        """Have Rasa create and save an empty conversation for `sender` (`GET …/tracker`, the
        API of `--enable-api`), so the caller can see which store it went to."""
        try:
            response = self._http.get(f"{self.base_url}/conversations/{sender}/tracker",
                                      params=self._api, timeout=timeout)
            response.raise_for_status()
        except requests.RequestException as error:
            raise RasaUnavailable(type(error).__name__) from None

    def send(self, sender: str, text: str, metadata: dict[str, Any] | None = None, *,
             timeout: float | None = None) -> list[dict]:
        """Send one customer turn; return Rasa's messages, or raise RasaUnavailable.

        `timeout` shortens the client's own when the caller has less time left than that.
        """
        if not self.breaker.allow():
            raise RasaUnavailable("circuit open")
        if self._gate is not None and not self._gate.acquire(blocking=False):
            raise RasaUnavailable("busy")  # not the assistant failing: leave the breaker be
        try:
            return self._send(sender, text, metadata,
                              self.timeout if timeout is None else min(timeout, self.timeout))
        finally:
            if self._gate is not None:
                self._gate.release()

    def _send(self, sender: str, text: str, metadata: dict[str, Any] | None,
              timeout: float) -> list[dict]:
        metadata = dict(metadata or {})
        if (request_id := REQUEST_ID.get()) is not None:
            metadata["request_id"] = request_id  # the action server logs the same id
        payload = {"sender": sender, "message": text, "metadata": metadata}
        try:
            response = self._http.post(
                f"{self.base_url}/webhooks/rest/webhook", json=payload, timeout=timeout
            )
            response.raise_for_status()
            messages = response.json()
        except (requests.RequestException, ValueError) as error:
            self.breaker.failed()
            raise RasaUnavailable(type(error).__name__) from None
        if not isinstance(messages, list) or not messages:
            # Rasa answers 200 with [] after an internal exception: treat it as a failure.
            self.breaker.failed()
            raise RasaUnavailable("empty reply")
        self.breaker.succeeded()
        return messages

    def parse(self, text: str) -> dict[str, Any]:
        """The assistant's understanding of `text` (intent and entities), with no conversation.

        Rasa's `POST /model/parse` (needs `--enable-api`) keeps no tracker, so written enquiries
        are read by the same NLU as chat and speech without starting a conversation.
        """
        if not self.breaker.allow():
            raise RasaUnavailable("circuit open")
        try:
            response = self._http.post(f"{self.base_url}/model/parse", json={"text": text},
                                       params=self._api, timeout=self.timeout)
            response.raise_for_status()
            parsed = response.json()
        except (requests.RequestException, ValueError) as error:
            self.breaker.failed()
            raise RasaUnavailable(type(error).__name__) from None
        if not isinstance(parsed, dict):
            self.breaker.failed()
            raise RasaUnavailable("unexpected reply")
        self.breaker.succeeded()
        return parsed
