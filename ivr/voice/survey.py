"""The satisfaction survey on the phone, in the same call, once the contact is over.

Offered to a sampled caller still on the line (engine.satisfaction decides who): when the adviser
leaves the call's conference (the caller's <Dial><Conference> action, `after_adviser`), when the
prime contractor's adviser ends a warm transfer (its <Dial> action, ivr.voice.transfer), and when
the assistant has answered an information request and the customer is done (`offer_or_finish`).
Consent first ("press 1 ... or hang up"), then a key from 1 to 5, then 1 yes / 2 no. A wrong key
is asked again once; # or silence ends the survey politely and stores it as skipped (a score the
caller gave before stays, the unanswered question is null); hanging up does the same
(`hung_up`, from the end of the call). Words come from config/satisfaction.yaml.
"""

from __future__ import annotations

import logging

from flask import current_app

from engine import satisfaction
from ivr.voice import safeguarding as voice_safeguarding
from ivr.voice import twiml
from ivr.voice.call import Call
from ivr.voice.state import SURVEY, CallState
from models.satisfaction import Answers

log = logging.getLogger(__name__)
CHANNEL = "phone"
CONSENT, SCORE, NEEDED = "consent", "score", "needed"
SELF_SERVED = "self_served"  # the assistant answered the customer's information request
# Whether the caller hung up: Twilio requests a Dial's action with CallStatus completed then.
CALLER_GONE = frozenset({"completed", "canceled", "busy", "failed", "no-answer"})


def _route(state: CallState) -> str | None:
    return (state.decision or {}).get("destination")


def _wanted(call: Call) -> bool:
    state = call.state
    if (state.plan or {}).get("survey") is not None or state.facts.get("safeguarding_concern"):
        return False  # asked once a call; never after a concern (config/satisfaction.yaml)
    if state.language_line or state.facts.get("language"):
        # The survey's words are English only: a customer served in another language is not
        # asked in English after the fact (a choice made here, until the words are translated).
        return False
    return satisfaction.is_sampled(satisfaction.get_config(), state.call_sid, _route(state))


def after_adviser(call: Call) -> str:
    """The Dial action of the caller's conference: the adviser has left, or the caller has."""
    if not ((call.state.plan or {}).get("adviser") or {}).get("accepted"):
        return twiml.hangup([], call.config.speech)
    return after_contact(call)


def after_contact(call: Call) -> str:
    """A person's part of the call is over (the adviser or the contractor left): the survey
    for a sampled caller still on the line, else the call ends as it always did."""
    if call.form.get("CallStatus") in CALLER_GONE or not _wanted(call):
        return twiml.hangup([], call.config.speech)  # a gone caller's status callback closes it
    return _begin(call, [])


def offer_or_finish(call: Call, texts: list[str]) -> str:
    """Say `texts`; then the survey for a sampled caller the assistant answered (their outcome
    is self-served), else the goodbye and hang up."""
    if call.state.outcome != SELF_SERVED or not _wanted(call):
        return call.finish(texts)
    return _begin(call, texts)


def _begin(call: Call, lead: list[str]) -> str:
    call.state.plan = {**(call.state.plan or {}), "survey": {"asked": CONSENT, "retried": False}}
    call.state.phase = SURVEY
    return _ask(call, CONSENT, lead)


def _ask(call: Call, question: str, lead: list[str]) -> str:
    words = satisfaction.get_config().phone
    text = {CONSENT: words.consent, SCORE: words.score_question,
            NEEDED: words.needed_question}[question]
    survey = call.state.plan["survey"]
    survey["asked"] = question
    return call.gather("survey", [*lead, text], lambda action: twiml.keypad(
        [*lead, text], action, call.config.speech), repeatable=[text])


def answer(call: Call) -> str:
    """A key (or silence, or words) in answer to the survey's current question."""
    state = call.state
    survey = (state.plan or {}).get("survey") or {}
    keyed = call.form.get("Digits", "").strip()
    said = call.form.get("SpeechResult", "").strip()
    if said and not keyed:
        # Words are screened as at any keypad question (003:L211): a concern reaches a person.
        handed_over = voice_safeguarding.screen_turn(call, said, where="survey")
        if handed_over is not None:
            _store(call.state, survey, call.at)
            return handed_over
    asked = survey.get("asked")
    if not keyed:
        return _end(call, survey, skipped=True)  # # or silence: skipped, never a score
    if asked == CONSENT and keyed == "1":
        return _ask(call, SCORE, [])
    if asked == SCORE and keyed in ("1", "2", "3", "4", "5"):
        survey["score"], survey["retried"] = int(keyed), False
        return _ask(call, NEEDED, [])
    if asked == NEEDED and keyed in ("1", "2"):
        survey["needed"] = keyed == "1"
        return _end(call, survey, skipped=False)
    if survey.get("retried"):
        return _end(call, survey, skipped=True)  # a second wrong key: thank them and stop
    survey["retried"] = True
    return _ask(call, asked or CONSENT, [satisfaction.get_config().phone.invalid_key])


def _end(call: Call, survey: dict, *, skipped: bool) -> str:
    words = satisfaction.get_config().phone
    _store(call.state, survey, call.at)
    closing = words.thanks if not skipped or survey.get("score") is not None else words.skipped
    return twiml.hangup([closing], call.config.speech)


def hung_up(state: CallState, at) -> None:
    """The caller hung up during the survey: what they answered is stored, the rest skipped."""
    survey = (state.plan or {}).get("survey")
    if state.phase == SURVEY and survey is not None:
        _store(state, survey, at)


def _store(state: CallState, survey: dict, at) -> None:
    if survey.get("stored"):
        return
    decision, plan = state.decision or {}, state.plan or {}
    answers = Answers(contact_key=state.call_sid, channel=CHANNEL, route=_route(state) or "",
                      queue=plan.get("queue") or decision.get("queue"),
                      contractor=decision.get("contractor") or plan.get("contractor"),
                      score=survey.get("score"), got_what_they_needed=survey.get("needed"))
    try:
        satisfaction.store(current_app.extensions["voice"].engine, answers, at=at)
        survey["stored"] = True
    except Exception as error:  # the caller still hears their goodbye; the log says what failed
        log.error("satisfaction answers not stored: %s", type(error).__name__)
