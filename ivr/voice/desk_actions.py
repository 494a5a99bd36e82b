"""What the adviser's desk does to a live call, on the phone: a cold transfer to a prime
contractor, a callback after research, hold and mute (engine.desk_calls decides; this carries
it out through Twilio). The warm transfer is in ivr.voice.desk_warm.

The customer's number for a callback is the caller ID Twilio holds for the call (fetched, never
kept in call state), when it is a valid UK number; the callback holds it, the reason and the
triage summary (000:L81).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from engine import desk_calls, promises
from engine.desk_calls import Refused
from engine.dispatch import get_dispatcher, waiting_queue
from engine.summary import stored_summary
from engine.when import by_when
from ivr import connections
from ivr.voice import twiml
from ivr.voice.call import Services
from ivr.voice.callback import uk_number
from ivr.voice.state import ENDED, QUEUE, CallState
from ivr.voice.timeline import Timeline
from ivr.voice.twilio_rest import TwilioError
from models.db import session_scope
from routing import callback_live, hours
from routing.callbacks import create_callback
from routing.figures import base_queue

log = logging.getLogger(__name__)
PENDING = "pending"  # an offer's leg before the next adviser's phone rings
NO_NUMBER = ("the customer's number is withheld or not a UK number: ask them for it and book "
             "the callback from the worklist")


def services() -> Services:
    """The phone channel's services."""
    return current_app.extensions["voice"]


def base_url() -> str:
    """Where Twilio reaches the app."""
    return current_app.config["SETTINGS"].effective_public_base_url


def connected(member: str) -> tuple[CallState, dict]:
    """The call's state and its adviser's offer, when the adviser is talking to the caller."""
    state = services().store.load(member)
    offer = ((state.plan or {}).get("adviser") or {}) if state else {}
    if state is None or state.phase == ENDED or not offer.get("accepted"):
        raise Refused("the call is not connected to you")
    return state, offer


def conference(offer: dict) -> str:
    """The CF… sid of the call's conference room."""
    try:
        sid = connections.get_twilio().conference_sid(offer["room"])
    except TwilioError as error:
        raise Refused(f"the phone system could not be reached (Twilio {error.status})") from None
    if sid is None:
        raise Refused("the call's conference has ended")
    return sid


def caller_number(member: str) -> str:
    """The caller's UK number from Twilio's record of the call; Refused when there is none."""
    try:
        number = uk_number(connections.get_twilio().fetch_call(member).get("from"))
    except TwilioError:
        number = None
    if not number:
        raise Refused(NO_NUMBER)
    return number


def _book(state: CallState, *, owner: dict, due, source: str, reason: str, number: str,
          owner_adviser: str | None = None):
    svc = services()
    try:
        with session_scope(svc.engine) as session:
            created = create_callback(
                session=session, contact_key=state.contact_key, due=due, reason=reason,
                source=source, phone=number, owner_adviser=owner_adviser,
                summary=stored_summary(channel="phone", facts=state.facts,
                                       decision=state.decision), **owner)
    except Exception as error:  # noqa: BLE001 - the adviser is told; the call goes on
        log.error("a desk callback could not be stored: %s", type(error).__name__)
        raise Refused("the callback could not be stored: try again") from None
    if created.source != source or created.owner_adviser != owner_adviser:
        raise Refused("this call already has a callback booked")
    callback_live.announce(svc.redis, created, "created")
    return created


def _reason(state: CallState, why: str) -> str:
    need = state.facts.get("need") or (state.decision or {}).get("destination") or "not yet known"
    return f"Phone call: {str(need).replace('_', ' ')}; {why}"


class PhoneDesk:
    """The phone channel's side of engine.desk_calls.CallActions."""

    def cold_transfer(self, member: str, *, contractor_id: str, adviser_id: int) -> dict:
        """Book the contractor's callback by its next working day, tell the caller, end the call
        (their adviser then wraps up)."""
        svc = services()
        state, _offer = connected(member)
        route = desk_calls.contractor_route(contractor_id, svc.clock(), directory=svc.directory,
                                            closed=svc.closed_ids())
        number = caller_number(member)
        taken = desk_calls.claim(svc.redis, member, "cold_transfer", contractor=contractor_id,
                                 adviser=str(adviser_id))
        if taken:
            raise desk_calls.Taken(taken)
        at = svc.clock()
        contractor = svc.directory.contractors[contractor_id]
        # Followed up on the next working day, within 24 hours of the call (000:L9, L81): the
        # end of its next opening period, as routing.plan promises for a closed contractor, but
        # no later than 24 hours on when the contractor is open then (an open contractor's next
        # period would otherwise run past it). Over a weekend the next working day wins.
        due = route.callback_due or hours.end_of_next_period(contractor, at) or \
            at + timedelta(hours=24)
        day_on = (at + timedelta(hours=24)).replace(second=0, microsecond=0)
        if due > day_on and hours.is_open(contractor, day_on):
            due = day_on
        try:
            created = _book(state, owner={"contractor_id": contractor_id}, due=due,
                            source="cold_transfer", number=number,
                            reason=_reason(state, "referred by the adviser"))
        except Refused:
            desk_calls.unclaim(svc.redis, member)
            raise
        Timeline(svc.engine, member).record("callback_created", event_id=f"desk:{created.id}",
                                            detail={"callback_id": created.id,
                                                    "due": created.due_at.isoformat(),
                                                    "source": "cold_transfer",
                                                    "contractor_id": contractor_id,
                                                    "by": "adviser", "adviser": adviser_id})
        who = promises.who_will_call({"contractor_id": contractor_id}, svc.directory)
        words = svc.config.prompt("desk_cold_transfer", who=who,
                                  when=by_when(created.due_at, at, svc.directory.timezone))
        told = True
        try:
            connections.get_twilio().update_call(member, twiml=twiml.hangup(
                [words], svc.config.speech))
        except TwilioError as error:  # booked all the same; the adviser tells the caller
            log.warning("the caller could not be told of the callback: Twilio %s", error.status)
            told = False
        return {"callback_id": created.id, "due": created.due_at.isoformat(),
                "contractor": contractor_id, "told": told}

    def research_callback(self, member: str, *, adviser_id: int, staff_id: str,
                          hours: int) -> dict:
        """A callback owned by this adviser, due within `hours`; the call goes on."""
        svc = services()
        state, offer = connected(member)
        number = caller_number(member)
        taken = desk_calls.claim(svc.redis, member, "research_callback", adviser=str(adviser_id))
        if taken:
            raise desk_calls.Taken(taken)
        at = svc.clock()
        queue = base_queue(offer.get("queue")) or svc.config.adviser_queue
        try:
            created = _book(state, owner={"queue_id": queue}, number=number, source="research",
                            due=desk_calls.research_due(at, hours), owner_adviser=staff_id,
                            reason=_reason(state, "the adviser is finding out more"))
        except Refused:
            desk_calls.unclaim(svc.redis, member)
            raise
        Timeline(svc.engine, member).record("callback_created", event_id=f"desk:{created.id}",
                                            detail={"callback_id": created.id,
                                                    "due": created.due_at.isoformat(),
                                                    "source": "research", "queue_id": queue,
                                                    "by": "adviser", "adviser": adviser_id})
        return {"callback_id": created.id, "due": created.due_at.isoformat(), "queue": queue}

    def queue_transfer(self, member: str, *, queue: str, adviser_id: int) -> dict:
        """Back into another contact-centre queue, keeping their place by time waited: told
        so, the caller waits for the next adviser of that queue with the summary on record."""
        svc = services()
        _state, offer = connected(member)
        waiting = waiting_queue(queue, _state.facts.get("language"))
        if queue == base_queue(offer.get("queue")) or waiting == offer.get("queue"):
            raise Refused("the customer is already in that queue: choose another")
        taken = desk_calls.claim(svc.redis, member, "queue_transfer", queue=waiting,
                                 adviser=str(adviser_id))
        if taken:
            raise desk_calls.Taken(taken)
        token, state = svc.store.claim(member)
        try:
            # The next adviser's offer is pending until their phone rings: this adviser's leg,
            # ending as the caller leaves the room, is then seen as an earlier offer's, never a
            # decline of the next one (adviser_leg.adviser_status).
            state.plan = {**(state.plan or {}), "queue": waiting,
                          "adviser": {"id": None, "queue": waiting, "accepted": False,
                                      "leg": PENDING}}
            state.phase, state.outcome = QUEUE, None
        finally:
            svc.store.release(member, token, state)
        # Another queue keeps the customer's place by time waited (as a chat's transfer does).
        get_dispatcher().hand_back(member, to_queue=waiting)
        Timeline(svc.engine, member).record(
            "queue_changed", event_id=f"desk_queue:{waiting}",
            detail={"from": offer.get("queue"), "to": waiting, "by": "adviser",
                    "adviser": adviser_id})
        base = f"{base_url()}/voice"
        try:
            connections.get_twilio().update_call(member, twiml=twiml.enqueue(
                [svc.config.prompt("desk_queue_transfer")], waiting,
                action=f"{base}/queue/done", wait_url=f"{base}/queue/wait",
                speech=svc.config.speech))
        except TwilioError as error:
            log.warning("the caller could not be moved to the queue: Twilio %s", error.status)
            raise Refused("the phone system did not move the customer: they may have hung "
                          "up") from None
        return {"queue": waiting, "from": offer.get("queue")}

    def hold(self, member: str, *, on: bool) -> dict:
        """The caller on hold (hearing that the adviser will be back) or off it."""
        _state, offer = connected(member)
        hold_url = f"{base_url()}/voice/desk/hold?call={member}" if on else None
        _update(conference(offer), member, hold=on, hold_url=hold_url)
        return {"hold": on}

    def mute(self, member: str, *, on: bool) -> dict:
        """The adviser's own line muted in the conference, or not."""
        _state, offer = connected(member)
        _update(conference(offer), offer["leg"], muted=on)
        return {"muted": on}

    # The warm transfer lives in ivr.voice.desk_warm (imported by app/ports.py beside this).


def _update(conference_sid: str, participant: str, **changes) -> dict:
    try:
        return connections.get_twilio().update_participant(conference_sid, participant,
                                                           **changes)
    except TwilioError as error:
        raise Refused(f"the phone system refused the change (Twilio {error.status})") from None
