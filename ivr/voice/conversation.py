"""The conversation with the assistant: one customer turn to Rasa's REST channel, one reply spoken.

The keypad takes over when the assistant is slow or down (RasaUnavailable, with the client's
circuit breaker), after a second silence, or after two misunderstandings in a row.
"""

from __future__ import annotations

from typing import Any

from engine import figures, handover
from engine.confirmations import articles_given
from ivr.assistant import AssistantReply, parse_reply
from ivr.rasa_client import RasaUnavailable
from ivr.voice import keypad, links_offer, opening, routes
from ivr.voice import safeguarding as voice_safeguarding
from ivr.voice.asking import MIN_ASSISTANT_SECONDS, metadata
from ivr.voice.call import Call

# With less time than this left to answer, the assistant is not asked: the keypad goes on at once.


def greet(call: Call) -> str:
    """The first thing a caller hears: a short greeting, the opening offers, then the question.

    A language line's own number is greeted in its language and queued for it instead.
    """
    if call.state.language_line:
        return opening.greet_language_line(call)
    greeting = "jobcentre_greeting" if call.state.jobcentre_plus_line else "greeting"
    first = call.prompt("first_question")
    lead = [call.prompt(greeting), *opening.offers(call)]
    if call.services.rasa is None:
        body = keypad.start(call, lead)
    else:
        body = call.listen([*lead, first], repeatable=[first])
    opening.opened(call)
    return body


def turn(call: Call) -> str:
    """Handle what the customer said or keyed at the conversation's prompt."""
    form, state = call.form, call.state
    keyed = form.get("Digits", "").strip()
    said = form.get("SpeechResult", "").strip()
    if keyed == "*":
        return call.listen(state.last_prompt)
    if links_offer.is_asked(call):
        return links_offer.answer(call, keyed, said)
    if keyed and keyed != "0":
        said = _choice(call, keyed)
        if said is None:
            return _not_understood(call)
    if not said:
        return _silence(call)
    state.silences = 0
    # Screened before anything else, low-confidence speech included (003:L211).
    if not said.startswith("/"):
        handed_over = voice_safeguarding.screen_turn(call, said, where="speech")
        if handed_over is not None:
            return handed_over
    if _low_confidence(call, form.get("Confidence")):
        return _not_understood(call)
    return _ask_assistant(call, said)


def _ask_assistant(call: Call, said: str) -> str:
    state, rasa = call.state, call.services.rasa
    if rasa is None:
        return keypad.start(call, [])
    left = call.seconds_left()
    try:
        if left < MIN_ASSISTANT_SECONDS:
            # Queued so long behind busy threads that asking now risks Twilio hearing nothing.
            raise RasaUnavailable("no time left")
        messages = rasa.send(state.call_sid, said, metadata(call), timeout=left)
    except RasaUnavailable:
        figures.note("phone", "assistant_error", contact_key=call.state.call_sid,
                     event_id=call.event_id("assistant_error"))
        return keypad.start(call, [call.prompt("assistant_unavailable")])
    reply = parse_reply(messages)
    given = articles_given(reply.texts)  # an article's words: to confirm in writing
    links_offer.note_given(call, given)
    call.timeline.record_many([
        ("customer_said", call.event_id("customer_said"), None, said),
        ("assistant_said", call.event_id("assistant_said"), None, " ".join(reply.texts)),
        *([("information_given", call.event_id("information_given"), {"articles": given}, None)]
          if given else []),
    ])
    if reply.facts:
        state.facts.update({k: v for k, v in reply.facts.items() if k != "channel"})
    if reply.ends_conversation and not reply.triaged:
        # A closing: the links by text offered once, then goodbye (and the survey, if sampled).
        return links_offer.goodbye(call, [])
    if reply.triaged:
        state.misunderstood = 0
        return _after_decision(call, reply, messages)
    if _is_fallback(call, reply):
        return _not_understood(call, reply.texts)
    state.misunderstood = 0
    return _speak(call, reply)


def _after_decision(call: Call, reply: AssistantReply, messages: list[dict[str, Any]]) -> str:
    call.state.choices = [button.payload for button in reply.buttons][:9]
    decision = routes.decision_for(call.state.facts, reply.decision)
    if decision.destination == "safeguarding":
        voice_safeguarding.assistant_found(call)
    if handover.wants_a_person(_handover(messages), decision.destination):
        call.state.decision = decision.to_dict()
        return routes.to_adviser(call, reply.texts)
    return routes.carry_out(call, decision, _spoken(reply))


def _speak(call: Call, reply: AssistantReply) -> str:
    texts = _spoken(reply)
    call.state.choices = [button.payload for button in reply.buttons][:9]
    return call.listen(texts or [call.prompt("first_question")])


def _spoken(reply: AssistantReply) -> list[str]:
    """The reply's texts, with its quick replies read out as keypad choices."""
    texts = list(reply.texts)
    choices = [f"Press {n} for {b.title}." for n, b in enumerate(reply.buttons[:9], start=1)]
    return texts + ([" ".join(choices)] if choices else [])


def _choice(call: Call, keyed: str) -> str | None:
    """A key pressed for one of the assistant's offered choices, as the choice's payload."""
    if keyed.isdigit() and 1 <= int(keyed) <= len(call.state.choices):
        return call.state.choices[int(keyed) - 1]
    return None


def _silence(call: Call) -> str:
    """Silence gets one reprompt, then the keypad."""
    call.state.silences += 1
    if call.state.silences >= 2 and call.state.outcome == "self_served":
        return links_offer.goodbye(call, [])  # answered already: silence means they are done
    if call.state.silences >= 2:
        return keypad.start(call, [call.prompt("offer_keypad")])
    return call.listen([call.prompt("reprompt")], repeatable=call.state.last_prompt)


def _not_understood(call: Call, texts: list[str] | None = None) -> str:
    """Two misunderstandings in a row offer the keypad."""
    call.state.misunderstood += 1
    if call.state.misunderstood >= 2:
        return keypad.start(call, [call.prompt("not_understood"), call.prompt("offer_keypad")])
    return call.listen(texts or [call.prompt("not_understood"), *call.state.last_prompt],
                       repeatable=call.state.last_prompt)


def _low_confidence(call: Call, confidence: str | None) -> bool:
    threshold = call.config.speech.min_confidence
    try:
        return bool(threshold) and confidence not in (None, "") and float(confidence) < threshold
    except ValueError:
        return False


def _is_fallback(call: Call, reply: AssistantReply) -> bool:
    starts = call.config.assistant_fallback_starts
    return bool(reply.texts) and any(reply.texts[0].startswith(s) for s in starts)


def _handover(messages: list[dict[str, Any]]) -> str | None:
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, dict) and custom.get("handover"):
            return str(custom["handover"])
    return None
