"""Once triage has decided: routing's plan carried out on a chat (001:5.3, 5.6; 000:L19).

- enqueue: wait for an adviser in the right contact-centre queue, with a callback offered instead;
- self_serve: the information is given now (001:5.5) and an adviser stays one button away;
- cold_transfer: a face-to-face request made in chat (001:5.6), or anything out of hours, becomes
  a durable callback once the customer leaves a phone number or email address (000:L9, L81, L19);
- signpost: the careers service of another nation, school, or emergency numbers.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import phonenumbers

from engine import decided, figures, promises
from engine.dispatch import waiting_queue
from engine.summary import stored_summary
from engine.when import when
from models import relay_uk
from models.contacts import EventKind
from models.db import session_scope
from routing import callback_live, hours
from routing.callback_messages import agree_to_texts
from routing.callbacks import CallbackError, create_callback
from routing.plan import Plan, plan
from triage import Decision

if TYPE_CHECKING:
    from ivr.chat.conversation import ChatService, Turn

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# "18001 0161 496 0000": a textphone user's number as they give it (PLATFORM-NOTES "Relay UK").
_RELAY_UK = re.compile(r"18001[\s-]*(?:\+44|0)[\d\s()-]{8,16}\d")
SAFEGUARDING_QUEUE = "safeguarding"


def route(service: ChatService, turn: Turn, decision: Decision) -> None:
    """Plan the decision for this moment and carry the plan out."""
    session = turn.session
    planned = _plan(service, turn, decision)
    session.decision = decision.to_dict()
    turn.route = session.route = route_view(planned)
    turn.record(EventKind.TRIAGED, detail=decided.triaged_detail(planned))
    if decided.asks_identity_first(planned, service.identity, session.identity):
        from ivr.chat import identity

        identity.start(service, turn)  # after the decision: the route waits for the answers
        return
    _ACTIONS[planned.action](service, turn, planned)


def carry_out(service: ChatService, turn: Turn, decision: Decision) -> None:
    """Carry out the route decided earlier (after the identity step), planned for this moment."""
    planned = _plan(service, turn, decision)
    turn.route = turn.session.route = {**(turn.session.route or {}), **route_view(planned)}
    _ACTIONS[planned.action](service, turn, planned)


def plan_now(service: ChatService, turn: Turn, decision: Decision) -> Plan:
    """Routing's plan for `decision` on this chat at this turn's moment."""
    return _plan(service, turn, decision)


def _plan(service: ChatService, turn: Turn, decision: Decision) -> Plan:
    return plan(decision, "webchat", turn.now, directory=service.directory,
                closed=service.closed_ids(), language=turn.session.facts.get("language"))


def route_view(planned: Plan) -> dict[str, Any]:
    """The chat API's "route": action, destination and the queue or contractor it names."""
    view: dict[str, Any] = {"action": planned.action, "destination": planned.decision.destination}
    for name in ("queue", "contractor", "callback_queue"):
        if getattr(planned, name):
            view[name] = getattr(planned, name)
    if planned.callback_due:
        view["callback_due"] = planned.callback_due.isoformat()
    return view


def enqueue(service: ChatService, turn: Turn, queue_id: str) -> None:
    """Wait for an adviser in `queue_id`, or leave details for a callback when it is closed."""
    session, centre = turn.session, service.directory.contact_centre
    closed = service.closed_ids()
    if not hours.is_open(centre, turn.now, closed=closed) or queue_id in closed:
        due = promises.next_period(centre, turn.now)
        _ask_for_details(service, turn, {"queue_id": queue_id}, due, "out_of_hours",
                         "closed_callback")
        return
    queue_id = waiting_queue(queue_id, session.facts.get("language"))
    service.queue.join(queue_id, session.session_id, at=turn.now.timestamp())
    session.state, session.queue_id, session.offer_queue = "queued", queue_id, ""
    turn.route = session.route = {**(session.route or {}), "action": "enqueue", "queue": queue_id}
    turn.record(EventKind.ENQUEUED, detail={"queue": queue_id})
    team = service.config.texts["teams"].get(queue_id.split(":")[0],
                                             service.config.text("default_team"))
    turn.say(service.config.text("queued", team=team), author="system")
    turn.status = ("queued", {"queue": queue_id})
    if queue_id.split(":")[0] == SAFEGUARDING_QUEUE:
        return  # never a callback instead of a person while the centre is open (003:L211)
    # Offer an alternative to queuing (000:L19).
    instead = [{"title": "Ask for a callback instead", "payload": "/chat_callback"}]
    turn.say(service.config.text("queue_alternative"), instead, author="system")


def callback_instead(service: ChatService, turn: Turn) -> None:
    """The customer in the queue would rather be called back (000:L19): due within 24 hours."""
    session = turn.session
    if session.queue_id.split(":")[0] == SAFEGUARDING_QUEUE:
        # A person is coming now; the chat stays first in the queue (003:L211).
        turn.say(service.config.text("safeguarding"), author="system")
        return
    service.queue.leave(session.queue_id, session.session_id)
    figures.left_queue("webchat", session.contact_key, queue=session.queue_id, at=turn.now)
    _ask_for_details(service, turn, {"queue_id": session.queue_id}, promises.busy_period(turn.now),
                     "customer_request", "callback_instead")


def _urgent(wanted: dict) -> bool:
    """A safeguarding callback: nothing written to the customer about it (003:L211)."""
    return str(wanted.get("queue_id") or "").split(":")[0] == SAFEGUARDING_QUEUE


def take_contact_details(service: ChatService, turn: Turn, text: str) -> None:
    """Create the durable callback from a phone number or email address, or ask again."""
    session, config = turn.session, service.config
    if text == "/chat_no_callback":
        _leave_callback(turn, config.text("callback_declined"))
        return
    phone, email = _phone_in(text), _email_in(text)
    if not (phone or email):
        session.callback_tries += 1
        if session.callback_tries >= config.callback_attempts:
            _leave_callback(turn, config.text("callback_declined"))
        else:
            turn.say(config.text("callback_invalid"), _NO_THANKS, author="system")
        return
    wanted = session.callback or {}
    due = datetime.fromisoformat(wanted["due"])
    try:
        with session_scope(service.engine) as db:
            callback = create_callback(
                session=db, contact_key=session.contact_key, due=due, reason=_reason(session),
                source=wanted["source"], phone=phone, email=email,
                summary=stored_summary(channel="webchat", facts=session.facts,
                                       decision=session.decision),
                # An address typed in the chat is confirmed and reminded by e-mail (000:L21),
                # on the worker's next round; a number would need the customer's consent first.
                notify="email" if email and not phone and not _urgent(wanted) else None,
                contractor_id=wanted.get("contractor_id"), queue_id=wanted.get("queue_id"))
    except CallbackError:
        turn.say(config.text("callback_invalid"), _NO_THANKS, author="system")
        return
    callback_live.announce(service.store.redis, callback, "created")
    turn.record(EventKind.CALLBACK_CREATED, detail={
        "callback_id": callback.id, "due": due.isoformat(), "source": wanted["source"],
        "owner": wanted.get("contractor_id") or wanted.get("queue_id")})
    turn.route = session.route = {**(session.route or {}), "callback_due": due.isoformat()}
    confirmed = config.text("callback_confirmed", who=wanted["who"], due=when(due, turn.now))
    if phone and relay_uk.can_text(phone) and not _urgent(wanted):
        # Texts only with consent, asked now the number is known (ivr/messaging; 000:L21).
        session.state, session.callback = "texts", {"callback_id": callback.id}
        turn.say(confirmed, author="system")
        turn.say(config.text("texts_offer"), _TEXTS, author="system")
        return
    _leave_callback(turn, confirmed)


def answer_texts(service: ChatService, turn: Turn, text: str) -> None:
    """Yes: the callback is confirmed and reminded by text (on the worker's next round);
    anything else: no texts."""
    callback_id = (turn.session.callback or {}).get("callback_id")
    if text == TEXTS_YES and callback_id is not None:
        with session_scope(service.engine) as db:
            agree_to_texts(session=db, callback_id=callback_id)
        _leave_callback(turn, service.config.text("texts_agreed"))
        return
    _leave_callback(turn, service.config.text("texts_declined"))


_NO_THANKS = [{"title": "No thanks", "payload": "/chat_no_callback"}]
TEXTS_YES = "/chat_texts_yes"
_TEXTS = [{"title": "Yes, text me", "payload": TEXTS_YES},
          {"title": "No texts", "payload": "/chat_texts_no"}]


def _enqueue(service: ChatService, turn: Turn, planned: Plan) -> None:
    enqueue(service, turn, planned.queue)


def _self_serve(service: ChatService, turn: Turn, planned: Plan) -> None:
    session, config = turn.session, service.config
    if session.mode == "menu":
        turn.say(config.text("information"))
    session.offer_queue = planned.adviser_queue or "adult_information"
    if any(message["buttons"] for message in turn.messages):
        return  # the assistant has already offered an adviser (its Yes is taken as a hand-over)
    turn.say(config.text("offer_adviser"),
             [{"title": "Speak to an adviser", "payload": "/chat_handover"}], author="system")


def _cold_transfer(service: ChatService, turn: Turn, planned: Plan) -> None:
    if planned.contractor:
        # A chat cannot be put through by phone, so even a "warm" plan becomes a callback.
        due = promises.planned(planned.callback_due, turn.now)
        face_to_face = planned.decision.destination == "prime_contractor_face_to_face"
        _ask_for_details(service, turn, {"contractor_id": planned.contractor}, due,
                         "cold_transfer", "face_to_face_callback" if face_to_face
                         else "closed_callback")
        return
    due = promises.planned(planned.callback_due, turn.now)
    _ask_for_details(service, turn, {"queue_id": planned.callback_queue}, due, "out_of_hours",
                     "closed_callback")


def _signpost(service: ChatService, turn: Turn, planned: Plan) -> None:
    config, destination = service.config, planned.decision.destination
    if destination in ("outside_england", "not_eligible"):
        turn.say(config.text(destination), author="system")
    if planned.emergency:
        turn.say(config.text("emergency"), author="system")
    if planned.callback_queue:
        _cold_transfer(service, turn, planned)


def _ask(service: ChatService, turn: Turn, planned: Plan) -> None:
    if "postcode" in planned.missing and turn.session.mode == "menu":
        turn.say(service.config.text("ask_postcode"))


_ACTIONS = {"enqueue": _enqueue, "self_serve": _self_serve, "cold_transfer": _cold_transfer,
            "warm_transfer": _cold_transfer, "signpost": _signpost, "ask": _ask}


def _ask_for_details(service: ChatService, turn: Turn, owner: dict[str, str], due: datetime,
                     source: str, prompt: str) -> None:
    session = turn.session
    who = promises.who_will_call(owner, service.directory)
    session.state, session.callback_tries = "callback", 0
    session.callback = {**owner, "due": due.isoformat(), "source": source, "who": who}
    turn.status = ("callback", {})
    turn.say(service.config.text(prompt, due=when(due, turn.now)), _NO_THANKS, author="system")


def _leave_callback(turn: Turn, text: str) -> None:
    turn.session.state, turn.session.callback = "triage", None
    turn.say(text, author="system")


def _phone_in(text: str) -> str | None:
    # A number given through Relay UK keeps its prefix, so the callback goes through the relay.
    relay = _RELAY_UK.search(text)
    if relay and (kept := relay_uk.uk_number(relay.group(0))):
        return kept
    # POSSIBLE, not VALID: a real number the metadata does not know yet must not be refused.
    matches = phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.POSSIBLE)
    for match in matches:
        if len(phonenumbers.national_significant_number(match.number)) >= 9:
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    return None


def _email_in(text: str) -> str | None:
    match = _EMAIL.search(text)
    return match.group(0) if match else None


def _reason(session) -> str:
    destination = (session.decision or {}).get("destination", "contact")
    need = session.facts.get("need")
    reason = f"webchat: {destination.replace('_', ' ')}"
    return f"{reason} ({need.replace('_', ' ')})" if need else reason
