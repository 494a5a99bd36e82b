"""Call legs running the TwiML they fetch, one thread per leg.

Verbs follow https://www.twilio.com/docs/voice/twiml (each handler cites its own page). Times in
TwiML (Pause length, Gather timeout, Dial timeout) are multiplied by the emulator's time scale so
tests can run them fast; a *patient* leg's Gather waits for its person instead of timing out
(the simulator decides when silence has lasted long enough).
"""

from __future__ import annotations

import logging
import threading
import xml.etree.ElementTree as ET

from devtools.emulator import dial, queues
from devtools.emulator.events import Hangup, Redirected, next_event, send
from devtools.emulator.model import Account, Leg, new_sid, utcnow
from devtools.emulator.webhooks import WebhookFailed, Webhooks, absolute, parse

log = logging.getLogger(__name__)
Doc = tuple[ET.Element, str] | None  # the next document to run and its URL, or None: go on
# https://www.twilio.com/docs/api/errors/11200: what a caller hears when the app fails.
APPLICATION_ERROR = "We are sorry, an application error has occurred. Goodbye."
# Verbs allowed where TwiML runs on a leg that is not (yet) an ordinary call.
CONTEXT_VERBS = {
    # https://www.twilio.com/docs/voice/twiml/enqueue#attributes-wait-url
    "wait": {"Say", "Play", "Pause", "Gather", "Redirect", "Leave", "Hangup"},
    # https://www.twilio.com/docs/voice/twiml/queue#attributes-url
    "announce": {"Say", "Play", "Pause", "Redirect"},
    # https://www.twilio.com/docs/voice/twiml/number#attributes-url (the "whisper")
    "whisper": {"Say", "Play", "Pause", "Gather", "Redirect", "Hangup"},
}


class Engine:
    """Starts legs and runs their TwiML against the app, for one account."""

    def __init__(self, account: Account, *, voice_url: str = "", status_url: str = "",
                 time_scale: float = 1.0) -> None:
        self.account = account
        self.hooks = Webhooks(account)
        self.voice_url, self.status_url = voice_url, status_url
        self.scale = time_scale

    def seconds(self, value: float) -> float:
        """A TwiML duration on this emulator's clock."""
        return value * self.scale

    # -- starting legs ------------------------------------------------------------------------
    def inbound(self, *, from_: str, to: str, patient: bool = False,
                app_url: str | None = None) -> Leg:
        """A call to the service's number: Twilio requests its voice URL
        (https://www.twilio.com/docs/usage/webhooks/voice-webhooks#incoming-voice-call).

        `app_url` sends this one call to another app than the emulator's own.
        """
        leg = Leg(new_sid("CA"), self.account.sid, to=to, from_=from_, direction="inbound",
                  patient=patient)
        voice_url, status_url = self.voice_url, self.status_url
        if app_url:
            voice_url = f"{app_url.rstrip('/')}/voice/incoming"
            status_url = f"{app_url.rstrip('/')}/voice/status"
        # A phone number's status callback is told when the call ends
        # (https://www.twilio.com/docs/phone-numbers/api/incomingphonenumber-resource).
        leg.callback = (status_url, "POST", frozenset({"completed"}))
        self.account.add_leg(leg)
        self._thread(self._run_inbound, leg, voice_url)
        return leg

    def outbound(self, leg: Leg, *, url: str | None, method: str, twiml: str | None,
                 timeout: int, machine_detection: str | None, amd: tuple[str, str] | None) -> Leg:
        """A call the REST API created (https://www.twilio.com/docs/voice/api/call-resource)."""
        self.account.add_leg(leg)
        self._thread(self._run_outbound, leg, url, method, twiml, timeout, machine_detection, amd)
        return leg

    def _thread(self, target, *args) -> None:
        threading.Thread(target=target, args=args, daemon=True,
                         name=f"leg-{args[0].sid[:10]}").start()

    def _run_inbound(self, leg: Leg, voice_url: str) -> None:
        leg.touch(status="ringing")
        try:
            root = self.hooks.twiml(voice_url, self.hooks.call_params(leg))
        except WebhookFailed:
            leg.hear(APPLICATION_ERROR)
            return self.end(leg, "failed")
        first = next(iter(root), None)
        if first is not None and first.tag == "Reject":
            # https://www.twilio.com/docs/voice/twiml/reject: not answered; busy or no-answer.
            return self.end(leg, "busy" if first.get("reason") == "busy" else "no-answer")
        self.answer(leg)
        self.run(leg, (root, voice_url))

    def _run_outbound(self, leg, url, method, twiml, timeout, machine_detection, amd) -> None:
        try:
            status = dial.ring(self, leg, timeout)
        except Hangup:
            status = "canceled"
        if status != "answered":
            return self.end(leg, status)
        self.answer(leg, machine_detection=machine_detection, amd=amd)
        if twiml:
            try:
                return self.run(leg, (parse(twiml), url or ""))
            except WebhookFailed:
                return self.run(leg, None)
        self.run(leg, None, first=(url, method))

    # -- a leg's life --------------------------------------------------------------------------
    def answer(self, leg: Leg, *, machine_detection: str | None = None,
               amd: tuple[str, str] | None = None) -> None:
        """The leg is answered: in-progress, with AMD's verdict when it was asked for."""
        if machine_detection:
            # https://www.twilio.com/docs/voice/answering-machine-detection: AnsweredBy.
            leg.answered_by = self.account.endpoint(leg.to).answered_by
        leg.touch(status="in-progress", start_time=utcnow())
        self.hooks.status_callback(leg, "answered")
        if amd and machine_detection:
            url, method = amd
            self.hooks.send(url, {**self.hooks.call_params(leg),
                                  "MachineDetectionDuration": "1200"}, method)

    def run(self, leg: Leg, doc: Doc, *, first: tuple[str, str] | None = None) -> None:
        """Run documents until the call ends, then end the leg."""
        try:
            if first:
                doc = self.fetch(leg, *first)
            while doc is not None:
                try:
                    doc = self.execute(leg, *doc)
                except Redirected as moved:
                    doc = self.redirected(leg, moved)
        except Hangup:
            pass
        except WebhookFailed as error:
            log.warning("leg stopped: %s", error)
            leg.hear(APPLICATION_ERROR)
        finally:
            self.end(leg, "completed")

    def redirected(self, leg: Leg, moved: Redirected) -> Doc:
        """New TwiML from the REST API replaces whatever the call was doing."""
        if moved.twiml:
            return parse(moved.twiml), ""
        return self.fetch(leg, moved.url or "", moved.method)

    def end(self, leg: Leg, status: str) -> None:
        """Finish the leg once: final status, the other side told, the completed callback."""
        with self.account.lock:
            if leg.ended:
                return
            leg.touch(status=status, end_time=utcnow(), waiting=None, turn=leg.turn + 1)
            peer = self.account.legs.get(leg.peer_sid or "")
            children = [c for c in self.account.legs.values()
                        if c.parent_sid == leg.sid and not c.ended]
        queues.forget(self, leg)
        dial.leave_conferences(self, leg)
        if peer is not None and not peer.ended:
            send(peer, "unbridged", peer=leg.sid)
        for child in children:
            send(child, "hangup")
        self.hooks.status_callback(leg, "completed")
        leg.touch(done=True)
        self.account.notify()

    def fetch(self, leg: Leg, url: str, method: str = "POST",
              extra: dict[str, str] | None = None) -> Doc:
        """Request TwiML for the leg; None when the leg has already ended."""
        params = {**self.hooks.call_params(leg), **(extra or {})}
        root = self.hooks.twiml(url, params, method or "POST")
        return None if leg.ended else (root, url)

    # -- verbs ---------------------------------------------------------------------------------
    def execute(self, leg: Leg, root: ET.Element, url: str, context: str = "call") -> Doc:
        """Run one document's verbs; the next document, or None at its end."""
        allowed = CONTEXT_VERBS.get(context)
        for verb in root:
            if allowed is not None and verb.tag not in allowed:
                leg.log.append(f"ignored <{verb.tag}> (not allowed here)")
                continue
            next_event(leg, 0)  # a hang-up or redirect that arrived meanwhile takes effect now
            handler = getattr(self, f"_verb_{verb.tag.lower()}", None)
            if handler is None:
                leg.log.append(f"ignored <{verb.tag}> (not emulated)")
                continue
            leg.log.append(verb.tag)
            found = handler(leg, verb, url, context)
            if found is not None:
                return found
        if context == "call":
            raise Hangup()  # https://www.twilio.com/docs/voice/twiml: the end of the document
        return None

    def _verb_say(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/say (loop="0" is treated as once)
        for _ in range(max(1, int(verb.get("loop") or 1))):
            leg.hear((verb.text or "").strip())
        return None

    def _verb_play(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/play: digits="…" plays keys, else audio.
        leg.hear(f"(plays {verb.get('digits') or (verb.text or '').strip()})")
        return None

    def _verb_pause(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/pause: length defaults to 1 second.
        state = "queue" if leg.queue_sid else None  # a queued caller holding is waiting too
        next_event(leg, self.seconds(int(verb.get("length") or 1)), state=state)
        return None

    def _verb_redirect(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/redirect: method defaults to POST.
        target = absolute(url, (verb.text or "").strip())
        return self.fetch(leg, target, verb.get("method") or "POST")

    def _verb_hangup(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/hangup
        raise Hangup()

    def _verb_reject(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/reject: later than the first verb, it hangs up.
        raise Hangup()

    def _verb_gather(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        # https://www.twilio.com/docs/voice/twiml/gather
        for child in verb:
            if child.tag in ("Say", "Play", "Pause"):
                getattr(self, f"_verb_{child.tag.lower()}")(leg, child, url, context)
        inputs = set((verb.get("input") or "dtmf").split())
        leg.gather_input = " ".join(sorted(inputs))
        timeout = None if leg.patient else self.seconds(int(verb.get("timeout") or 5))
        event = next_event(leg, timeout, {"input", "silence"}, state="input")
        params = _gathered(verb, inputs, event[1] if event and event[0] == "input" else {})
        if not params and verb.get("actionOnEmptyResult") != "true":
            return None  # no input: on to the next verb
        action = absolute(url, verb.get("action") or url)
        return self.fetch(leg, action, verb.get("method") or "POST", params)

    def _verb_enqueue(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        return queues.enqueue(self, leg, verb, url)

    def _verb_leave(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        if context == "wait":
            raise queues.Left()
        return None  # https://www.twilio.com/docs/voice/twiml/leave: only for queued callers

    def _verb_dial(self, leg: Leg, verb: ET.Element, url: str, context: str) -> Doc:
        return dial.dial(self, leg, verb, url)


def _gathered(verb: ET.Element, inputs: set[str], given: dict) -> dict[str, str]:
    """Gather's result parameters: Digits, or SpeechResult and Confidence."""
    if "digits" in given and "dtmf" in inputs:
        digits = given["digits"]
        finish = verb.get("finishOnKey", "#")
        if finish and finish in digits:
            digits = digits[:digits.index(finish)]
        if verb.get("numDigits"):
            digits = digits[:int(verb.get("numDigits"))]
        return {"Digits": digits} if digits else {}
    if "speech" in given and "speech" in inputs and given["speech"]:
        return {"SpeechResult": given["speech"],
                "Confidence": f"{float(given.get('confidence', 0.9)):.8f}"}
    return {}
