"""Contact-centre queues on the phone: <Enqueue>, the wait messages, and the queue's outcome.

While waiting the customer hears their place and the expected wait every interval (30-60 s) and
can press 1 to be called back instead (000:L19). The Enqueue action records how it ended.
"""

from __future__ import annotations

from flask import g

from engine import figures
from engine.dispatch import get_dispatcher, waiting_queue
from engine.summary import stored_summary
from ivr import safeguarding
from ivr.voice import callback, requeue, routes, twiml
from ivr.voice.call import Call
from ivr.voice.spoken import minutes
from ivr.voice.state import QUEUE

SAFEGUARDING = "safeguarding"
MOVED_TO_SAFEGUARDING = "moved_to_safeguarding"
BRIDGED = frozenset({"bridged", "bridging-in-process"})


def enqueue(call: Call, queue: str, texts: list[str]) -> str:
    """Put the customer in `queue` with the triage summary so far on the timeline."""
    state = call.state
    # A language-line caller waits on their language's line, for advisers who speak it.
    queue = waiting_queue(queue, state.facts.get("language"))
    state.phase = QUEUE
    state.plan = {**(state.plan or {}), "queue": queue}
    call.timeline.record("enqueued", event_id=call.event_id("enqueued"), detail={
        "queue": queue,
        "summary": stored_summary(channel="phone", facts=state.facts, decision=state.decision)})
    state.step += 1
    # The dispatcher's queue is the one advisers are given callers from (time waited kept, also
    # by a caller re-routed while waiting in another queue).
    joined, state.rejoin_at = state.rejoin_at or call.at.timestamp(), None
    get_dispatcher().join(queue, state.call_sid, at=joined)
    g.dispatch_after = True
    return twiml.enqueue(texts, queue, action=call.url("queue/done"),
                         wait_url=call.url("queue/wait"), speech=call.config.speech)


def wait(call: Call) -> str:
    """What a waiting customer hears each interval: place, expected wait, the callback offer."""
    form = call.form
    g.dispatch_after = True  # each wait round is also a chance to find an adviser
    texts = []
    position = _int(form.get("QueuePosition"))
    if position:
        texts.append(call.prompt("queue_position", position=position))
    average = _int(form.get("AvgQueueTime"))
    if average is not None and position:
        # "about less than a minute" is no sentence: a short wait has its own line.
        texts.append(call.prompt("queue_wait", minutes=minutes(average)) if average >= 30
                     else call.prompt("queue_wait_short"))
    if _queue(call) == SAFEGUARDING:
        texts += [call.prompt("queue_hold"), call.config.emergency_numbers]
    else:
        texts += [call.prompt("queue_hold"), call.prompt("queue_offer_callback")]
    return twiml.queue_wait(texts, action=call.url("queue/choice"),
                            interval_seconds=call.config.wait_message_interval_seconds,
                            speech=call.config.speech)


def choice(call: Call) -> str:
    """A key or words while waiting: 1 leaves for a callback; a concern goes to a person now."""
    said = (call.form.get("SpeechResult") or "").strip()
    concern = safeguarding.check(said) if said else None
    if concern is not None:
        return _concern_heard(call, said, concern)
    if call.form.get("Digits") == "1" and _queue(call) != SAFEGUARDING:
        call.state.outcome = "left_for_callback"
        get_dispatcher().leave(_queue(call), call.state.call_sid)
        return twiml.leave_queue([call.prompt("left_for_callback")], call.config.speech)
    if said and _queue(call) != SAFEGUARDING:
        # A new fact or a correction may change the route (ivr/voice/requeue.py).
        rerouted = requeue.heard_while_waiting(call, said, _queue(call))
        if rerouted is not None:
            return rerouted
    return twiml.queue_wait([call.prompt("queue_hold")], action=call.url("queue/choice"),
                            interval_seconds=call.config.wait_message_interval_seconds,
                            speech=call.config.speech)


def _concern_heard(call: Call, said: str, concern) -> str:
    """Alert supervisors; out of this queue (done() then routes as safeguarding) unless in it."""
    state = call.state
    call.timeline.record("customer_said", event_id=call.event_id("customer_said"), text=said)
    safeguarding.alert(call.services.redis, contact=state.call_sid, channel="phone",
                       concern=concern, where="queue", at=call.at)
    state.concern = safeguarding.summary(concern)
    state.facts["safeguarding_concern"] = True
    words = [*call.emergency_first(), call.prompt("safeguarding_heard")]
    if _queue(call) == SAFEGUARDING:  # already waiting for the safeguarding team: stay first
        return twiml.queue_wait(words, action=call.url(
            "queue/choice"), interval_seconds=call.config.wait_message_interval_seconds,
            speech=call.config.speech)
    state.outcome = MOVED_TO_SAFEGUARDING
    get_dispatcher().leave(_queue(call), state.call_sid)
    return twiml.leave_queue(words, call.config.speech)


def done(call: Call) -> str:
    """The Enqueue action: record answered, abandoned or left for a callback, and go on."""
    state, form = call.state, call.form
    result = form.get("QueueResult", "")
    offer = (state.plan or {}).get("adviser") or {}
    if offer.get("accepted") and state.outcome == "answered":
        # Taken out of the queue for the adviser who accepted: join them (whichever document
        # Twilio runs, the Members Url's or this action's, the caller reaches the same room).
        from ivr.voice.adviser_leg import connect_twiml

        return connect_twiml(state, offer)
    detail = {"where": "queue", "queue": _queue(call), "queue_time": _int(form.get("QueueTime")),
              "result": result}
    if result in BRIDGED:
        state.outcome = "answered"
        call.timeline.record("answered", event_id="answered", detail=detail)
        return twiml.hangup([], call.config.speech)
    if result == "hangup" or form.get("CallStatus") == "completed":
        from ivr.voice.adviser_leg import caller_gone

        caller_gone(state.call_sid)
        state.outcome = "abandoned"
        call.timeline.record("abandoned", event_id="abandoned", detail=detail)
        return twiml.hangup([], call.config.speech)
    figures.left_queue("phone", call.state.contact_key, queue=_queue(call),
                       waited=_int(form.get("QueueTime")))
    if result == "leave" and state.outcome == MOVED_TO_SAFEGUARDING:
        # Said while waiting: the safeguarding route at once, ahead of the queue it left.
        state.outcome = None
        return routes.carry_out(call, routes.decision_for(state.facts), [])
    if result == "leave" and state.outcome == requeue.REROUTED:
        return requeue.carry_out(call)
    if result == "leave" and state.outcome == "left_for_callback":
        return callback.from_contact_centre(call, [], source="customer_request")
    # queue-full, error, system-error, redirected, or a leave we did not ask for.
    if _queue(call) == SAFEGUARDING and not (state.plan or {}).get("safeguarding_retried"):
        # A customer in danger is never offered a callback instead of waiting while a person
        # may still answer (003:L211): back into the safeguarding queue once, numbers first.
        state.plan = {**(state.plan or {}), "safeguarding_retried": True}
        return enqueue(call, SAFEGUARDING, [call.config.emergency_numbers,
                                            call.prompt("safeguarding_still_waiting")])
    lead = [call.prompt("queue_ended")]
    if _queue(call) == SAFEGUARDING:
        # Waiting failed twice: the numbers again, and a person follows up as soon as one can.
        lead.append(call.config.emergency_numbers)
    return callback.from_contact_centre(call, lead, source="customer_request")


def _queue(call: Call) -> str | None:
    return (call.state.plan or {}).get("queue")


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
