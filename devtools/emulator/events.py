"""What reaches a running call leg from outside: the person, the REST API, the other legs.

Each leg's thread waits on its inbox. A hang-up, a REST redirect and a dequeue interrupt whatever
the leg is doing (they are raised); everything else is returned to the verb that waits for it.
"""

from __future__ import annotations

import queue
import time

from devtools.emulator.model import Leg

# States in which a leg waits for someone outside it (the simulator's "settled" states).
SETTLED = frozenset({"input", "ringing", "dialing", "bridged", "conference", "queue"})


class Hangup(Exception):
    """The leg's person hung up, or the REST API ended the call."""


class Redirected(Exception):
    """The REST API gave the call new TwiML (`Url` or `Twiml`)."""

    def __init__(self, url: str | None, method: str, twiml: str | None) -> None:
        super().__init__(url or "twiml")
        self.url, self.method, self.twiml = url, method, twiml


class Dequeued(Exception):
    """Taken out of a queue: by a `<Dial><Queue>` (dequeuer set) or by the Member API (url)."""

    def __init__(self, data: dict) -> None:
        super().__init__("dequeued")
        self.data = data


def send(leg: Leg, kind: str, **data) -> None:
    """Put an event in a leg's inbox."""
    leg.inbox.put((kind, data))


def next_event(leg: Leg, timeout: float | None, accept: frozenset[str] | set[str] = frozenset(),
               state: str | None = None) -> tuple[str, dict] | None:
    """Wait up to `timeout` seconds (None: for ever) for an accepted event; None on time-out.

    `state` is what the leg is doing meanwhile (shown by the control API). Events that are
    neither accepted nor interrupts are stale (a key pressed during a Pause) and dropped.
    """
    deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
    if state:
        leg.touch(waiting=state, turn=leg.turn + 1)
    try:
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                kind, data = leg.inbox.get(timeout=left)
            except queue.Empty:
                return None
            if kind == "hangup":
                raise Hangup()
            if kind == "redirect":
                raise Redirected(data.get("url"), data.get("method", "POST"), data.get("twiml"))
            if kind == "dequeue" and leg.queue_sid:
                raise Dequeued(data)
            if kind in accept:
                return kind, data
    finally:
        if state:
            leg.touch(waiting=None)
