"""Cold transfer on the phone: confirm the number to call back, store the callback, say when.

The number is the caller ID when it is a valid UK number, otherwise keyed in. It is read from
Twilio's `From` only here, held in call state only while it is being confirmed, and stored only
in the callback itself (000:L81: contact details and the reason for the enquiry).
"""

from __future__ import annotations

import logging
from datetime import datetime

from engine import promises
from engine.summary import stored_summary
from engine.when import by_when
from ivr.voice.call import Call
from ivr.voice.spoken import digits
from ivr.voice.state import CALLBACK
from models import relay_uk
from models.db import session_scope
from routing import callback_live, hours
from routing.callbacks import create_callback

log = logging.getLogger(__name__)
MAX_NUMBER_TRIES = 2


def uk_number(text: str | None) -> str | None:
    """`text` as an E.164 UK number when it is a valid one, else None (withheld, foreign, junk).

    A number given through Relay UK ("18001 0161 496 0000") is accepted and kept with its prefix.
    """
    return relay_uk.uk_number(text)


def begin(call: Call, *, owner: dict[str, str], due: datetime | None, source: str,
          lead: list[str], pinned: bool = False) -> str:
    """Start the callback: confirm the caller ID, or ask for a number when it is withheld.

    `pinned` lists it above every due time (a warm transfer that just failed the customer).
    """
    state = call.state
    state.phase = CALLBACK
    due = due or promises.busy_period(call.at)
    state.after_callback = None
    state.plan = {**(state.plan or {}), "callback": {
        "owner": owner, "due": due.isoformat(), "source": source, "tries": 0,
        **({"pinned": True} if pinned else {})}}
    caller = uk_number(call.form.get("From"))
    if caller:
        ask = call.prompt("callback_confirm_number", last_digits=digits(caller))
        return call.keys([*lead, ask], "callback_confirm", repeatable=[ask])
    ask = call.prompt("callback_enter_number")
    return call.keys([*lead, ask], "callback_number", digits=True, repeatable=[ask])


def from_contact_centre(call: Call, lead: list[str], *, source: str) -> str:
    """Offer a contact-centre callback: within 24 hours when busy (000:L115), else by the end of
    the contact centre's next opening period (000:L19)."""
    services = call.services
    queue = (call.state.plan or {}).get("queue") or services.config.adviser_queue
    centre = services.directory.contact_centre
    if source == "customer_request" and hours.is_open(centre, call.at):
        due = promises.busy_period(call.at)
    else:
        due = promises.next_period(centre, call.at)
    return begin(call, owner={"queue_id": queue}, due=due, source=source, lead=lead)


def on_confirm(call: Call, keyed: str) -> str:
    """1 uses the caller ID; 2 asks for another number; anything else asks again."""
    if keyed == "1":
        caller = uk_number(call.form.get("From"))
        if caller:
            return _store(call, caller)
    if keyed in ("1", "2"):
        ask = call.prompt("callback_enter_number")
        return call.keys([ask], "callback_number", digits=True)
    return call.keys(call.state.last_prompt, "callback_confirm")


def on_number(call: Call, keyed: str) -> str:
    """A keyed-in number: store the callback when it is a valid UK number, else ask again once."""
    number = uk_number(keyed)
    if number:
        return _store(call, number)
    pending = call.state.plan["callback"]
    pending["tries"] += 1
    if pending["tries"] >= MAX_NUMBER_TRIES:
        return call.finish([call.prompt("callback_number_invalid"),
                            call.prompt("callback_unavailable")])
    ask = call.prompt("callback_enter_number")
    return call.keys([call.prompt("callback_number_invalid"), ask], "callback_number",
                     digits=True, repeatable=[ask])


def _store(call: Call, number: str) -> str:
    """Book the callback; a mobile number is first asked whether it would like texts."""
    if relay_uk.can_text(number):
        # Held in the call's (sealed) state for this one question, then only in the callback.
        call.state.plan["callback"]["number"] = number
        ask = call.prompt("callback_texts")
        return call.keys([ask], "callback_texts", repeatable=[ask])
    return _book(call, number, notify=None)


def on_texts(call: Call, keyed: str) -> str:
    """1: confirm by text and remind (ivr/messaging, on the worker's next round); 2: no texts."""
    pending = call.state.plan["callback"]
    if keyed in ("1", "2") and pending.get("number"):
        return _book(call, pending.pop("number"), notify="sms" if keyed == "1" else None)
    return call.keys(call.state.last_prompt, "callback_texts")


def _book(call: Call, number: str, *, notify: str | None) -> str:
    state = call.state
    pending = state.plan["callback"]
    owner, due = pending["owner"], datetime.fromisoformat(pending["due"])
    try:
        with session_scope(call.services.engine) as session:
            created = create_callback(
                session=session, contact_key=state.contact_key, due=due, reason=_reason(call),
                source=pending["source"], summary=stored_summary(channel="phone", facts=state.facts,
                                       decision=state.decision),
                phone=number, pinned=bool(pending.get("pinned")), notify=notify, **owner)
    except Exception as error:  # the customer still gets an answer and a way on
        log.error("callback could not be stored: %s", type(error).__name__)
        return call.finish([call.prompt("callback_unavailable")])
    state.outcome = "callback"
    callback_live.announce(call.services.redis, created, "created")
    call.timeline.record("callback_created", event_id="callback_created", detail={
        "callback_id": created.id, "due": created.due_at.isoformat(), "source": pending["source"],
        **owner})
    who = promises.who_will_call(owner, call.services.directory)
    when = by_when(created.due_at, call.at, call.services.directory.timezone)
    return call.finish([call.prompt("callback_booked", who=who, when=when)])


def _reason(call: Call) -> str:
    """Why the customer called, in a few words for the adviser who calls back."""
    decision = call.state.decision or {}
    need = call.state.facts.get("need") or decision.get("destination") or "not yet known"
    return f"Phone call: {str(need).replace('_', ' ')}"


HANDLERS = {"callback_confirm": on_confirm, "callback_number": on_number,
            "callback_texts": on_texts}
