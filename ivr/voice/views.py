"""The webhooks Twilio calls: each checks the signature, loads the call, answers TwiML, saves it.

Duplicate and out-of-order webhooks are harmless: prompts carry their step number (`?s=`), and a
request for a step already answered, or for a phase the call has left, replays the last answer.
Any error on our side answers an apology with a way on, never a 500 or dead air.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Response, current_app, g, request

from engine.dispatch import dispatch_after
from ivr.voice import (
    adviser_leg,  # noqa: F401  (registers the adviser's leg webhooks)
    bp,
    callback,
    conversation,
    identity,
    keypad,
    opening,
    queueing,
    routes,
    signature,
    survey,
    transfer,
    twiml,
)
from ivr.voice import safeguarding as voice_safeguarding
from ivr.voice.call import Call, Services, build_call
from ivr.voice.ending import close_call
from ivr.voice.state import (
    ASSISTANT,
    ENDED,
    IDENTITY,
    KEYPAD,
    QUEUE,
    SURVEY,
    TRANSFER,
    CallState,
)
from live import arrival

log = logging.getLogger(__name__)
FINAL_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
QUESTION_HANDLERS = {**keypad.HANDLERS, **callback.HANDLERS, **routes.HANDLERS,
                     **opening.HANDLERS}
DIGIT_QUESTIONS = frozenset({"age", "callback_number"})
# Silence twice at one of these puts the customer through to an adviser rather than ending.
TRIAGE_QUESTIONS = frozenset({*keypad.QUESTIONS, opening.LANGUAGE_QUESTION})


def services() -> Services:
    """The voice channel's services for this app."""
    return current_app.extensions["voice"]


@bp.after_request
def _dispatch_after(response: Response) -> Response:
    # A caller joined a queue or is still waiting: look for an adviser once they have their TwiML.
    if g.get("dispatch_after"):
        return dispatch_after(response)
    return response


@bp.before_request
def _check_signature():
    settings = current_app.config["SETTINGS"]
    signature.check(request, current_app.extensions["voice_validator"], settings)


def _xml(body: str) -> Response:
    return Response(body, mimetype="text/xml")


def _answer(call_sid: str | None, handler: Callable[[Call], str], *, step: bool = False,
            phase: str | None = None) -> Response:
    """Run `handler` for the call under its lock; replay or apologise when it cannot run."""
    if not call_sid:
        return _xml(_apology())
    svc = services()
    try:
        token, state = svc.store.claim(call_sid)
    except Exception as error:
        log.error("voice webhook %s failed: %s", request.path, type(error).__name__)
        return _xml(_apology())
    call = None
    try:
        body, call = _run(svc, state, handler, step=step, phase=phase)
        # The step's events are committed (one transaction) before the customer hears the
        # answer, and under the call's lock so the timeline keeps the order of the webhooks.
        if call is not None and not call.timeline.flush():
            body = _unrecorded(call, body)
    except Exception as error:
        log.error("voice webhook %s failed: %s", request.path, type(error).__name__, exc_info=error)
        body, call = _apology(), None
    finally:
        _release(svc, call_sid, token, call.state if call else None)
    return _xml(body)


def _run(svc: Services, state: CallState | None, handler: Callable[[Call], str], *, step: bool,
         phase: str | None) -> tuple[str, Call | None]:
    if state is None:
        return _apology(), None
    if state.phase == ENDED:
        return twiml.hangup([], svc.config.speech), None
    stale = step and request.args.get("s", type=int) != state.step
    if stale or (phase and state.phase != phase):
        return state.last_twiml or _apology(), None
    settings = current_app.config["SETTINGS"]
    base = signature.public_base(request, settings)
    answer_by = arrival.answer_by(request.headers, settings.voice_answer_within_seconds)
    call = build_call(state, request.form, svc, base, answer_by)
    body = handler(call)
    state.last_twiml = body
    return body, call


def _unrecorded(call: Call, body: str) -> str:
    """The database did not take this step: apologise and queue for a person, not carry on.

    The step's events are lost whole (one transaction), never in halves; a person takes the call
    from here, through the dispatcher's queue in Redis, which needs no database.
    """
    if call.state.phase not in (ASSISTANT, KEYPAD):
        return body  # in a queue, a transfer or ending: what was being done goes on
    body = routes.to_adviser(call, [call.prompt("error")])
    call.state.last_twiml = body
    call.timeline.flush()  # the queue joined, if the database is back already
    return body


def _release(svc: Services, call_sid: str, token: str | None, state: CallState | None) -> None:
    try:
        svc.store.release(call_sid, token, state)
    except Exception as error:  # the answer stands; the next webhook will find the lock expired
        log.error("voice call state not saved: %s", type(error).__name__)


def _apology() -> str:
    """Sorry, and a way on: 1 for a callback, 0 for an adviser (answered at /voice/recover)."""
    svc = services()
    settings = current_app.config["SETTINGS"]
    action = signature.public_base(request, settings) + "/voice/recover"
    return twiml.keypad([svc.config.prompt("error"), svc.config.prompt("error_offer")], action,
                        svc.config.speech)


@bp.post("/incoming")
def incoming():
    """A new call: remember it, open its contact, greet the customer."""
    svc = services()
    call_sid, dialled = request.form.get("CallSid"), request.form.get("To", "")
    if not call_sid:
        return _xml(_apology())
    try:
        jobcentre = svc.config.is_jobcentre_plus_line(dialled)
        line = svc.config.language_line_called(dialled)
        facts = {"jobcentre_plus_claimant": True} if jobcentre else {}
        if line is not None:
            facts["language"] = line.language  # the number says the language (000:L36, L131)
        state = CallState(call_sid, jobcentre_plus_line=jobcentre, facts=facts,
                          language_line=line.language if line else None)
        svc.store.create(state)
    except Exception as error:
        log.error("voice incoming failed: %s", type(error).__name__)
        return _xml(_apology())
    return _answer(call_sid, _greet_once)


def _greet_once(call: Call) -> str:
    # A retried /incoming finds the greeting already given: say the current prompt again.
    if call.state.last_twiml:
        return call.state.last_twiml
    dialled = call.form.get("To") or None
    call.timeline.open(dialled=dialled, line=call.config.line_name(dialled))
    return conversation.greet(call)


@bp.post("/turn")
def turn():
    """The customer's answer in the conversation (speech or a key)."""
    return _answer(request.form.get("CallSid"), _turn, step=True)


def _turn(call: Call) -> str:
    keyed = call.form.get("Digits", "").strip()
    if keyed == "0":
        return routes.to_adviser(call, [])
    if opening.is_opening_key(call, keyed):
        return opening.opening_key(call, keyed, digits=False)
    return conversation.turn(call)


@bp.post("/keypad")
def keypad_answer():
    """The customer's keys for the question being asked (triage, callback, offers)."""
    return _answer(request.form.get("CallSid"), _keypad, step=True)


def _keypad(call: Call) -> str:
    state = call.state
    keyed = call.form.get("Digits", "").strip()
    question = state.question
    said = call.form.get("SpeechResult", "").strip()
    if said and not keyed:
        # Words said at a keypad question are screened too (003:L211), then set aside.
        handed_over = voice_safeguarding.screen_turn(call, said, where="keypad")
        if handed_over is not None:
            return handed_over
    if keyed == "0":
        return routes.to_adviser(call, [])
    if opening.is_opening_key(call, keyed):
        return opening.opening_key(call, keyed, digits=question in DIGIT_QUESTIONS)
    if keyed.endswith("*"):
        return call.keys(state.last_prompt, question, digits=question in DIGIT_QUESTIONS)
    if not keyed:
        state.silences += 1
        if state.silences >= 2:
            return _silent_twice(call, question)
        return call.keys([call.prompt("keypad_reprompt"), *state.last_prompt], question,
                         digits=question in DIGIT_QUESTIONS, repeatable=state.last_prompt)
    state.silences = 0
    return QUESTION_HANDLERS[question](call, keyed)


def _silent_twice(call: Call, question: str | None) -> str:
    if question in TRIAGE_QUESTIONS:
        return routes.to_adviser(call, [])
    return call.finish([call.prompt("callback_unavailable")] if question in callback.HANDLERS
                       else [])


@bp.post("/identity")
def identity_answer():
    """An answer in the identity step (speech, or keys for a date of birth or memorable number)."""
    return _answer(request.form.get("CallSid"), identity.answer, step=True, phase=IDENTITY)


@bp.post("/recover")
def recover():
    """The answer to an apology: 1 books a callback, 0 reaches an adviser, else goodbye."""
    return _answer(request.form.get("CallSid"), _recover)


def _recover(call: Call) -> str:
    keyed = call.form.get("Digits", "").strip()
    if keyed == "0":
        return routes.to_adviser(call, [])
    return routes.on_error_offer(call, keyed)


@bp.post("/queue/wait")
def queue_wait():
    """Spoken to a waiting customer each interval (QueuePosition, AvgQueueTime)."""
    return _answer(request.form.get("CallSid"), queueing.wait, phase=QUEUE)


@bp.post("/queue/choice")
def queue_choice():
    """A key pressed while waiting in the queue."""
    return _answer(request.form.get("CallSid"), queueing.choice, phase=QUEUE)


@bp.post("/queue/done")
def queue_done():
    """The Enqueue action: how the wait ended (QueueResult, QueueTime)."""
    return _answer(request.form.get("CallSid"), queueing.done, phase=QUEUE)


@bp.post("/transfer/whisper")
def transfer_whisper():
    """Played to the adviser who answers a warm transfer (the customer's call is `?call=`)."""
    return _answer(request.args.get("call"), transfer.whisper, phase=TRANSFER)


@bp.post("/transfer/accept")
def transfer_accept():
    """The adviser's key after the whisper."""
    return _answer(request.args.get("call"), transfer.accept, phase=TRANSFER)


@bp.post("/transfer/joined")
def transfer_joined():
    """Played to the console adviser who accepted a warm transfer, as their phone answers."""
    return _answer(request.args.get("call"), transfer.joined, phase=TRANSFER)


@bp.post("/transfer/done")
def transfer_done():
    """The Dial action of a warm transfer (DialCallStatus)."""
    return _answer(request.form.get("CallSid"), transfer.done, phase=TRANSFER)


@bp.post("/survey/after")
def survey_after():
    """The Dial action of the caller's conference: the adviser left (or the caller did)."""
    return _answer(request.form.get("CallSid"), survey.after_adviser)


@bp.post("/survey")
def survey_answer():
    """A key (or silence) in answer to the satisfaction survey."""
    return _answer(request.form.get("CallSid"), survey.answer, step=True, phase=SURVEY)


@bp.post("/status")
def status():
    """Call status callbacks: a finished call is closed on the timeline, abandoned if unserved."""
    call_status = request.form.get("CallStatus", "")
    if call_status not in FINAL_STATUSES:
        return Response(status=204)
    response = _answer(request.form.get("CallSid"), _ended)
    # Twilio ignores a status callback's body; the response still carries the timeline flush.
    response.set_data(b"")
    response.status_code = 204
    return response


def _ended(call: Call) -> str:
    close_call(call.state, call.timeline, status=call.form.get("CallStatus"),
               duration=call.form.get("CallDuration"))
    return twiml.hangup([], call.config.speech)
