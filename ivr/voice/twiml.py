"""Pure TwiML builders: texts, URLs and settings in, a TwiML document (str) out; no I/O.

Every document that waits for the customer uses `actionOnEmptyResult` so silence comes back to
us (we count reprompts) instead of falling through to the end of the document as dead air.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr.voice.voice_config import Speech

# What is said: plain words in the channel's language, or a phrase (a mapping with "text",
# "language" and "voice") in another one; phrases are plain data so call state can keep them.
Spoken = str | Mapping[str, str | None]


def phrase(text: str, language: str | None, voice: str | None) -> dict[str, str | None]:
    """Words said in `language` (a Twilio <Say> language code) with `voice`; None: the default."""
    return {"text": text, "language": language, "voice": voice}


def _say(target: VoiceResponse | Gather, texts: Iterable[Spoken], speech: Speech) -> None:
    for text in texts:
        if isinstance(text, Mapping):
            if text.get("text"):
                language = text.get("language")
                # A phrase without a language of its own is said as the channel says everything.
                target.say(text["text"], voice=text.get("voice") if language else
                           (speech.voice or None), language=language or speech.language)
        elif text:
            target.say(text, voice=speech.voice or None, language=speech.language)


def conversation(texts: Iterable[Spoken], action: str, speech: Speech) -> str:
    """Say `texts`, then listen for speech or one key (0 adviser, * repeat, 1-9 a choice)."""
    response = VoiceResponse()
    gather = response.gather(
        input="dtmf speech", action=action, method="POST", language=speech.language,
        hints=speech.hints or None, speech_model=speech.model,
        speech_timeout=speech.speech_timeout_seconds, timeout=speech.timeout_seconds,
        num_digits=1, action_on_empty_result=True,
    )
    _say(gather, texts, speech)
    return str(response)


def keypad(texts: Iterable[Spoken], action: str, speech: Speech, *,
           num_digits: int | None = 1) -> str:
    """Say `texts`, then collect keys: one for a menu, or digits ended by # (num_digits=None)."""
    response = VoiceResponse()
    # Speech is heard too, only so that the safeguarding screen can read it (003:L211).
    gather = response.gather(
        input="dtmf speech", action=action, method="POST", timeout=speech.timeout_seconds,
        num_digits=num_digits, finish_on_key="#", action_on_empty_result=True,
        language=speech.language, speech_model=speech.model,
    )
    _say(gather, texts, speech)
    return str(response)


def enqueue(texts: Iterable[Spoken], queue: str, *, action: str, wait_url: str,
            speech: Speech) -> str:
    """Say `texts`, then wait in Twilio queue `queue`; `wait_url` speaks while they wait."""
    response = VoiceResponse()
    _say(response, texts, speech)
    response.enqueue(queue, action=action, method="POST", wait_url=wait_url, wait_url_method="POST")
    return str(response)


def queue_wait(texts: Iterable[Spoken], *, action: str, interval_seconds: int,
               speech: Speech) -> str:
    """One round of waiting: say `texts`, listen `interval_seconds` for 1 (callback instead).

    When the Gather times out the document ends and Twilio requests the wait URL again, so the
    customer hears their place once per interval. Speech is heard too, only so that the
    safeguarding screen can read what a waiting customer says (003:L211).
    """
    response = VoiceResponse()
    gather = response.gather(input="dtmf speech", action=action, method="POST", num_digits=1,
                             timeout=interval_seconds, language=speech.language,
                             speech_model=speech.model)
    _say(gather, texts, speech)
    return str(response)


def leave_queue(texts: Iterable[Spoken], speech: Speech) -> str:
    """Take the customer out of the queue (the Enqueue action then continues the call)."""
    response = VoiceResponse()
    _say(response, texts, speech)
    response.leave()
    return str(response)


def dial_contractor(texts: Iterable[Spoken], number: str, *, action: str, whisper_url: str,
                    ring_seconds: int, speech: Speech, status_callback: str | None = None) -> str:
    """Tell the customer, then ring the contractor's number with a whisper to who answers.

    `status_callback` hears when the line starts ringing (its sid lets the console end it);
    only that event, so a busy line's failure reaches the customer without extra round trips.
    """
    response = VoiceResponse()
    _say(response, texts, speech)
    dial = response.dial(action=action, method="POST", timeout=ring_seconds)
    events = {"status_callback": status_callback, "status_callback_method": "POST",
              "status_callback_event": "ringing"}
    dial.number(number, url=whisper_url, method="POST", **(events if status_callback else {}))
    return str(response)


def whisper(text: str, *, action: str, accept_seconds: int, declined: str, speech: Speech) -> str:
    """Played to the adviser who answers: the summary and "press 1"; no key hangs up their leg."""
    response = VoiceResponse()
    gather = response.gather(input="dtmf", action=action, method="POST", num_digits=1,
                             timeout=accept_seconds)
    _say(gather, [text], speech)
    _say(response, [declined], speech)
    response.hangup()
    return str(response)


def connect() -> str:
    """An empty document: the whisper ends and the two parties are connected."""
    return str(VoiceResponse())


def redirect(texts: Iterable[Spoken], url: str, speech: Speech) -> str:
    """Say `texts`, then continue at `url`."""
    response = VoiceResponse()
    _say(response, texts, speech)
    response.redirect(url, method="POST")
    return str(response)


def hangup(texts: Iterable[Spoken], speech: Speech) -> str:
    """Say `texts`, then end the call."""
    response = VoiceResponse()
    _say(response, texts, speech)
    response.hangup()
    return str(response)


def say_only(texts: Iterable[Spoken], speech: Speech) -> str:
    """Say `texts` and nothing else (for documents where Gather is not allowed)."""
    response = VoiceResponse()
    _say(response, texts, speech)
    return str(response)


def conference(texts: Iterable[Spoken], room: str, *, speech: Speech, beep: bool = False,
               end_on_exit: bool = True, action: str | None = None) -> str:
    """Say `texts`, then join conference `room` (a name that says nothing about anyone).

    Customer and adviser each join the contact's room; an interpreter joins it too for advice
    in another language (000:L47). Either party leaving ends it unless `end_on_exit` is off.
    With `action`, Twilio requests it when the conference ends for this leg and the call goes
    on with its answer (https://www.twilio.com/docs/voice/twiml/dial#action); without, the leg
    ends with the document.
    """
    response = VoiceResponse()
    _say(response, texts, speech)
    dial = response.dial(action=action, method="POST") if action else response.dial()
    dial.conference(room, beep=beep, start_conference_on_enter=True,
                    end_conference_on_exit=end_on_exit)
    return str(response)


def dial_customer(texts: Iterable[Spoken], number: str, *, caller_id: str, action: str,
                  status_callback: str, amd_status_callback: str, machine_detection: str,
                  ring_seconds: int, speech: Speech) -> str:
    """Click-to-call, on the adviser's leg: tell them, then ring the customer from the service's
    number, with answering-machine detection and status callbacks on the customer's leg.

    answerOnBridge keeps the adviser hearing ringing (not silence) until the customer answers.
    """
    response = VoiceResponse()
    _say(response, texts, speech)
    dial = response.dial(caller_id=caller_id, answer_on_bridge=True, action=action,
                         method="POST", timeout=ring_seconds)
    dial.number(number, status_callback=status_callback, status_callback_method="POST",
                status_callback_event="initiated ringing answered completed",
                machine_detection=machine_detection, amd_status_callback=amd_status_callback,
                amd_status_callback_method="POST")
    return str(response)
