"""A phone call as Twilio makes it: signed form posts, and the returned TwiML followed verb by verb.

Used by the voice tests that drive the app's webhooks on the Flask test client, one module at a
time. Whole calls, with Twilio's own side (queues, advisers' legs, bridges), run through the Twilio
emulator (devtools/emulator) instead; so does the call simulator (`python -m ivr.simulate`).
"""

from __future__ import annotations

import itertools
import uuid
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from twilio.request_validator import RequestValidator

# (url, params, headers) -> (status code, body)
Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]
WAITING_FOR_CUSTOMER, IN_QUEUE, RINGING_ADVISER, ENDED = "gather", "queue", "dial", "ended"


class CallFailed(RuntimeError):
    """The system answered something Twilio could not use (not 200, or not TwiML)."""


@dataclass
class Waiting:
    """What the call is waiting for: the customer's input, the queue, or the adviser's phone."""

    kind: str
    action: str = ""
    input: str = "dtmf"
    element: ET.Element | None = None
    dial_action: str = ""
    whisper_url: str = ""
    enqueue_action: str = ""
    wait_url: str = ""


@dataclass
class SimulatedCall:
    """One call. `heard` collects what the customer hears; `adviser_heard` the whisper."""

    transport: Transport
    base_url: str
    token: str
    caller: str = "+441134960123"  # Ofcom drama range: never a real line
    dialled: str = "+44800100900"
    call_sid: str = field(default_factory=lambda: "CA" + uuid.uuid4().hex)
    heard: list[str] = field(default_factory=list)
    adviser_heard: list[str] = field(default_factory=list)
    waiting: Waiting | None = None
    last_status: int = 0
    queue_position: int = 1
    _child: str = ""
    _counter: itertools.count = field(default_factory=itertools.count)

    @property
    def ended(self) -> bool:
        """True once the call has hung up."""
        return self.waiting is not None and self.waiting.kind == ENDED

    def start(self) -> list[str]:
        """Ring the national number (or `dialled`); returns what the customer heard."""
        return self._run(self.post("/voice/incoming"))

    def say(self, text: str, confidence: float = 0.9) -> list[str]:
        """Speak at a Gather (or, while waiting in a queue, at the wait message)."""
        params = {"SpeechResult": text, "Confidence": f"{confidence:.2f}"}
        if self.waiting and self.waiting.kind == IN_QUEUE:
            return self._run(self.post(self.waiting.action or self.waiting.wait_url, **params,
                                       **self._queue_params()), queue=True)
        return self._answer(params)

    def press(self, digits: str) -> list[str]:
        """Key digits at a Gather (or, while waiting in a queue, at the wait message)."""
        if self.waiting and self.waiting.kind == IN_QUEUE:
            return self._run(self.post(self.waiting.action or self.waiting.wait_url,
                                       Digits=digits, **self._queue_params()), queue=True)
        return self._answer({"Digits": digits})

    def silence(self) -> list[str]:
        """Say nothing until the Gather times out (actionOnEmptyResult posts it anyway)."""
        return self._answer({})

    def wait_in_queue(self) -> list[str]:
        """Another interval in the queue: Twilio asks the wait URL again."""
        self._expect(IN_QUEUE)
        return self._run(self.post(self.waiting.wait_url, **self._queue_params()), queue=True)

    def adviser_answers_queue(self, queue_time: int = 20) -> list[str]:
        """An adviser takes the call from the queue; the conversation ends later with the action."""
        self._expect(IN_QUEUE)
        return self._queue_ends("bridged", queue_time)

    def adviser_picks_up(self) -> list[str]:
        """The contractor's adviser answers and hears the whisper; returns what they heard."""
        self._expect(RINGING_ADVISER)
        self._child = "CA" + uuid.uuid4().hex
        body = self.post(self.waiting.whisper_url, CallSid=self._child, ParentCallSid=self.call_sid,
                         Direction="outbound-dial")
        root = _parse(body)
        gather = root.find("Gather")
        # What plays before the adviser presses a key (the rest plays only if they do not).
        self.adviser_heard = [s.text or "" for s in (gather if gather is not None else root)
                              .iter("Say")]
        self.waiting.action = gather.get("action") if gather is not None else ""
        return self.adviser_heard

    def adviser_presses(self, digits: str | None) -> list[str]:
        """The adviser's key after the whisper (None: no key); then the Dial ends."""
        self._expect(RINGING_ADVISER)
        params = {"Digits": digits} if digits else {}
        body = self.post(self.waiting.action, CallSid=self._child, ParentCallSid=self.call_sid,
                         **params)
        accepted = _parse(body).find("Hangup") is None
        return self._dial_ends("completed" if accepted else "no-answer")

    def adviser_does_not_answer(self, status: str = "no-answer") -> list[str]:
        """The contractor's phone rings out (or is busy, or fails)."""
        self._expect(RINGING_ADVISER)
        return self._dial_ends(status)

    def hang_up(self) -> None:
        """The customer hangs up wherever they are; Twilio posts what follows from that."""
        if self.ended:
            return
        if self.waiting and self.waiting.kind == IN_QUEUE:
            self.post(self.waiting.enqueue_action, QueueResult="hangup", QueueTime="30",
                      CallStatus="completed")
        elif self.waiting and self.waiting.kind == RINGING_ADVISER:
            self.post(self.waiting.dial_action, DialCallStatus="canceled", CallStatus="completed")
        self._finish()

    def post(self, url: str, **params: str) -> str:
        """Sign and post one webhook as Twilio does; returns the body (CallFailed unless 2xx)."""
        url = urljoin(self.base_url + "/", url)
        form = {"CallSid": self.call_sid, "AccountSid": "AC" + "0" * 32, "From": self.caller,
                "To": self.dialled, "Direction": "inbound", "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01", **params}
        signature = RequestValidator(self.token).compute_signature(url, form)
        self.last_status, body = self.transport(url, form, {"X-Twilio-Signature": signature})
        if not 200 <= self.last_status < 300:
            raise CallFailed(f"{url} answered {self.last_status}")
        return body

    # -- following TwiML -------------------------------------------------------------------
    def _answer(self, params: dict[str, str]) -> list[str]:
        self._expect(WAITING_FOR_CUSTOMER)
        return self._run(self.post(self.waiting.action, **params))

    def _run(self, body: str, *, queue: bool = False) -> list[str]:
        start = len(self.heard)
        self._follow(_parse(body), queue=queue)
        return self.heard[start:]

    def _follow(self, root: ET.Element, *, queue: bool = False) -> None:
        for verb in root:
            if verb.tag == "Say":
                self.heard.append(verb.text or "")
            elif verb.tag == "Gather":
                self.heard.extend(s.text or "" for s in verb.iter("Say"))
                kind = IN_QUEUE if queue else WAITING_FOR_CUSTOMER
                previous = self.waiting
                self.waiting = Waiting(kind, verb.get("action", ""), verb.get("input", "dtmf"),
                                       verb)
                if queue and previous:
                    self.waiting.enqueue_action = previous.enqueue_action
                    self.waiting.wait_url = previous.wait_url
                return
            elif verb.tag == "Redirect":
                return self._follow(_parse(self.post(verb.text or "")), queue=queue)
            elif verb.tag == "Hangup":
                return self._finish()
            elif verb.tag == "Leave":
                return self._queue_ends("leave", 15)
            elif verb.tag == "Enqueue":
                return self._enqueue(verb)
            elif verb.tag == "Dial":
                number = verb.find("Number")
                whisper = number.get("url", "") if number is not None else ""
                self.waiting = Waiting(RINGING_ADVISER, dial_action=verb.get("action", ""),
                                       whisper_url=whisper)
                return
        if not queue:
            self._finish()  # Twilio hangs up at the end of a document

    def _enqueue(self, verb: ET.Element) -> None:
        self.waiting = Waiting(IN_QUEUE, enqueue_action=verb.get("action", ""),
                               wait_url=verb.get("waitUrl", ""))
        self._follow(_parse(self.post(self.waiting.wait_url, **self._queue_params())), queue=True)

    def _queue_params(self) -> dict[str, str]:
        return {"QueuePosition": str(self.queue_position), "QueueTime": "10",
                "AvgQueueTime": "150", "CurrentQueueSize": str(self.queue_position)}

    def _queue_ends(self, result: str, queue_time: int) -> list[str]:
        action = self.waiting.enqueue_action
        self.waiting = None
        return self._run(self.post(action, QueueResult=result, QueueTime=str(queue_time)))

    def _dial_ends(self, status: str) -> list[str]:
        action = self.waiting.dial_action
        self.waiting = None
        return self._run(self.post(action, DialCallStatus=status,
                                   DialCallSid=self._child or "CA" + uuid.uuid4().hex))

    def _finish(self) -> None:
        if self.ended:
            return
        self.waiting = Waiting(ENDED)
        self.post("/voice/status", CallStatus="completed", CallDuration="60")

    def _expect(self, kind: str) -> None:
        if self.waiting is None or self.waiting.kind != kind:
            now = self.waiting.kind if self.waiting else "nothing"
            raise CallFailed(f"the call is waiting for {now}, not {kind}")


def _parse(body: str) -> ET.Element:
    try:
        # The app's own TwiML, not untrusted input (the simulator phones our own app).
        root = ET.fromstring(body)  # nosec B314
    except ET.ParseError:
        raise CallFailed("the answer is not TwiML") from None
    if root.tag != "Response":
        raise CallFailed("the answer is not a TwiML <Response>")
    return root
