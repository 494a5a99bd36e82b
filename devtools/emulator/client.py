"""A Python client of the emulator's control API (the simulator and the tests use it)."""

from __future__ import annotations

import time
from typing import Any

import requests


class EmulatorError(RuntimeError):
    """The emulator refused a request or could not be reached."""


class EmulatorClient:
    """The people's side of the emulator at `base_url`."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    def request(self, method: str, path: str, body: dict | None = None,
                params: dict | None = None, timeout: float | None = None) -> Any:
        """One control request; its JSON answer (EmulatorError for 4xx/5xx or no emulator)."""
        try:
            response = self.http.request(method, f"{self.base}/_emulator{path}", json=body,
                                         params=params, timeout=timeout or self.timeout)
        except requests.RequestException as error:
            raise EmulatorError(f"no emulator at {self.base} ({type(error).__name__})") from None
        if response.status_code >= 400:
            try:
                reason = response.json().get("error")
            except ValueError:
                reason = response.reason
            raise EmulatorError(f"{path}: {response.status_code} {reason}")
        return response.json()

    def phone(self, *, from_: str = "+441134960123", to: str = "+44800100900",
              patient: bool = True, app_url: str | None = None) -> Leg:
        """A customer phones `to`; a patient caller's silence is only what they send.

        `app_url` rings another app than the one the emulator serves.
        """
        data = self.request("POST", "/calls", {"from": from_, "to": to, "patient": patient,
                                               "app_url": app_url})
        return Leg(self, data["sid"])

    def endpoint(self, address: str, mode: str = "answer", answered_by: str = "human") -> None:
        """Set how `address` (a number or client:NAME) behaves when rung."""
        self.request("PUT", f"/endpoints/{address}", {"mode": mode, "answered_by": answered_by})

    def calls(self, *, to: str | None = None, status: str | None = None) -> list[dict]:
        """Every leg (to an endpoint, in a status)."""
        return self.request("GET", "/calls", params={k: v for k, v in
                                                     (("to", to), ("status", status)) if v})

    def queues(self) -> list[dict]:
        """Every queue, with its members' call sids."""
        return self.request("GET", "/queues")

    def leg(self, sid: str) -> Leg:
        """A handle on an existing leg."""
        return Leg(self, sid)

    def ringing(self, address: str, timeout: float = 20.0, *, exclude=()) -> Leg:
        """Wait for a leg ringing `address` (not in `exclude`); its handle."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in self.calls(to=address, status="ringing"):
                if call["sid"] not in exclude:
                    return Leg(self, call["sid"])
            time.sleep(0.1)
        raise EmulatorError(f"nothing rang {address} within {timeout:.0f}s")


class Leg:
    """One call leg, as its person experiences it."""

    def __init__(self, client: EmulatorClient, sid: str) -> None:
        self.client, self.sid = client, sid
        self.seen_turn = -1

    def info(self) -> dict:
        """The leg now: status, waiting, heard, peer, queue."""
        return self.client.request("GET", f"/calls/{self.sid}")

    @property
    def heard(self) -> list[str]:
        """Everything this leg's person heard so far."""
        return self.info()["heard"]

    @property
    def status(self) -> str:
        """Twilio's CallStatus of the leg."""
        return self.info()["status"]

    def settle(self, timeout: float = 30.0) -> dict:
        """Wait until the leg waits for someone (input, a ring, a bridge) or ends."""
        data = self.client.request("GET", f"/calls/{self.sid}/settled",
                                   params={"after": self.seen_turn, "timeout": timeout},
                                   timeout=timeout + 5)
        self.seen_turn = data["turn"]
        return data

    def wait_for(self, state: str, timeout: float = 30.0) -> dict:
        """Wait until the leg is in `state` (input, bridged, queue, … or a CallStatus)."""
        data = self.client.request("GET", f"/calls/{self.sid}/settled",
                                   params={"state": state, "timeout": timeout},
                                   timeout=timeout + 5)
        if not data["settled"]:
            raise EmulatorError(f"{self.sid} is {data['waiting'] or data['status']}, "
                                f"not {state}, after {timeout:.0f}s")
        self.seen_turn = data["turn"]
        return data

    def wait_heard(self, text: str, timeout: float = 30.0) -> list[str]:
        """Wait until the leg has heard something containing `text`; everything heard."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            heard = self.heard
            if any(text in said for said in heard):
                return heard
            time.sleep(0.05)
        raise EmulatorError(f"{self.sid} never heard {text!r}")

    def _act(self, action: str, body: dict | None = None) -> list[str]:
        now = self.info()
        before = len(now["heard"])
        # Wait for what this action brings, not a state the leg was already in: a leg just
        # found ringing is settled at its current turn, and answering it must wait for the
        # whisper the app sends next (on a loaded machine that came after the check).
        self.seen_turn = max(self.seen_turn, now["turn"])
        answer = self.client.request("POST", f"/calls/{self.sid}/{action}", body or {})
        if answer.get("spoken_to_others"):
            return []  # words across a bridge: the leg itself goes on as it was
        return self.settle()["heard"][before:]

    def say(self, text: str, confidence: float = 0.9) -> list[str]:
        """Speak; returns what was heard next."""
        return self._act("say", {"text": text, "confidence": confidence})

    def press(self, digits: str) -> list[str]:
        """Press keys; returns what was heard next."""
        return self._act("press", {"digits": digits})

    def silence(self) -> list[str]:
        """Say nothing until the Gather gives up; returns what was heard next."""
        return self._act("silence")

    def hang_up(self, timeout: float = 10.0) -> dict:
        """Hang up and wait until the leg has ended."""
        self.client.request("POST", f"/calls/{self.sid}/hangup", {})
        return self.wait_for("completed", timeout)

    def lose_webhooks(self, lost: bool = True) -> None:
        """From now on no webhook about this leg reaches the app (False: they do again)."""
        self.client.request("PUT", f"/calls/{self.sid}/webhooks", {"reachable": not lost})

    def answer(self) -> list[str]:
        """Pick up a ringing leg; returns what was heard (a whisper, say)."""
        return self._act("answer")

    def decline(self, status: str = "busy") -> dict:
        """Decline a ringing leg (busy, no-answer or failed)."""
        self.client.request("POST", f"/calls/{self.sid}/decline", {"status": status})
        return self.wait_for(status)

    def taken_by_adviser(self) -> Leg:
        """An emulated adviser takes this caller out of their queue; the adviser's leg."""
        data = self.client.request("POST", f"/calls/{self.sid}/take", {})
        return Leg(self.client, data["sid"])
