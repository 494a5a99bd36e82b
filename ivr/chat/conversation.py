"""One chat's conversation: each customer turn goes to the assistant (or the menu), then routing.

ChatService holds the connections a turn needs (Redis store and queue, database engine, Rasa
client) and is built per request from the app's connections, so no state lives in the process.
A turn collects what to say, what to record and the route, then `_finish` writes the contact
records first (durable before the customer is answered), the display transcript second.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine

from config import clock as centre_clock
from engine import figures, handover
from engine.confirmations import articles_given
from ivr import safeguarding
from ivr.assistant import parse_reply
from ivr.chat import identity as chat_identity
from ivr.chat import languages, links_offer, outcomes, requeue
from ivr.chat import safeguarding as chat_safeguarding
from ivr.chat.config import ChatConfig
from ivr.chat.menu import menu_turn, need_buttons
from ivr.chat.store import ChatSession, ChatStore
from ivr.identity import IdentityStep
from ivr.rasa_client import RasaClient, RasaUnavailable
from models import keys
from models.contacts import EventKind, NewEvent, close_contact, open_contact, record_events
from models.db import session_scope
from routing.chat_queue import ChatQueue
from routing.closures import EmergencyClosures
from routing.directory import Directory
from triage import Decision, FactsError, decide

CHANNEL = "webchat"
# Reserved payloads the chat itself answers; the assistant never sees them.
HANDOVER, CALLBACK, NO_CALLBACK = "/chat_handover", "/chat_callback", "/chat_no_callback"
# Where a customer goes who asks for a person before the route is known: the contact centre.
GENERAL_QUEUE = "adult_information"
# The assistant's own "Yes" to "would you like to speak to an adviser as well?" (bot/domain.yml).
ASSISTANT_YES = "/affirm"


@dataclass
class Turn:
    """What one turn says, records and decides, applied together by ChatService._finish."""

    session: ChatSession
    now: datetime
    messages: list[dict[str, Any]] = field(default_factory=list)
    events: list[NewEvent] = field(default_factory=list)
    route: dict[str, Any] | None = None
    status: tuple[str, dict[str, Any]] | None = None
    author: str = "assistant"
    close: bool = False  # the customer said goodbye: the chat ends after this turn

    def say(self, text: str, buttons: list[dict[str, str]] | None = None, *,
            author: str | None = None) -> None:
        """Queue one line for the customer (and the record when the assistant or system says it)."""
        self.messages.append({"text": text, "buttons": list(buttons or []),
                              "from": author or self.author})
        self.record(EventKind.ASSISTANT_SAID, text=text)

    def record(self, kind: EventKind, *, text: str | None = None,
               detail: dict[str, Any] | None = None) -> None:
        """Queue one contact event."""
        self.events.append(NewEvent(kind=kind, at=self.now, text=text, detail=detail))


class ChatService:
    """Start, continue, hand over and end chats."""

    def __init__(self, *, store: ChatStore, queue: ChatQueue, engine: Engine, config: ChatConfig,
                 directory: Directory, closures: EmergencyClosures, rasa: RasaClient | None = None,
                 clock: Callable[[], datetime] = centre_clock.now,
                 forget: Callable[[str], None] = lambda contact_key: None,
                 identity: IdentityStep | None = None) -> None:
        self.store, self.queue, self.engine, self.config = store, queue, engine, config
        self.directory, self.closures, self.rasa, self.clock = directory, closures, rasa, clock
        self.forget = forget  # deletes the assistant's tracker once the chat has ended
        self.identity = identity  # asks who a customer going to an adviser is (None: never)

    def start(self) -> ChatSession:
        """Open a contact and a session, and greet the customer."""
        now = self.clock()
        # The contact key is a digest of the session id: records, live state, rate limits and the
        # assistant's tracker all name one identity, and erasure finds them all from either.
        session_id = secrets.token_urlsafe(32)
        contact_key = keys.chat_contact_key(session_id)
        with session_scope(self.engine) as db:
            open_contact(session=db, key=contact_key, channel=CHANNEL, at=now)
        figures.observe(CHANNEL, contact_key, [NewEvent(EventKind.STARTED, now, "started")])
        session = self.store.create(contact_key, session_id=session_id)
        turn = Turn(session, now)
        other_languages = [languages.offer_button(self.config)]
        if self.rasa is None:
            session.mode = "menu"
            turn.say(self.config.text("greeting"), [*need_buttons(self.config), *other_languages])
        else:
            turn.say(self.config.text("greeting"), other_languages)
        self._finish(turn)
        return session

    def customer_says(self, session: ChatSession, text: str) -> Turn:
        """Handle one customer message and return what was said back and the route."""
        turn = Turn(session, self.clock())
        # Identity answers and a number typed for the links: shown and recorded as placeholders.
        talk, kept = chat_identity.heard(self, session, text, turn.now)
        kept = kept or links_offer.shown(self, session, text)
        self.store.append(session.session_id, "customer", kept or session.shown(text))
        turn.record(EventKind.CUSTOMER_SAID, text=kept or text)
        # The screen reads every turn first, whatever the state (003:L211); payloads are buttons.
        concern = None if session.state == "ended" or text.startswith("/") else \
            safeguarding.check(text)
        if concern is not None:
            if session.state == "identity":
                session.identity = {"done": "safeguarding"}  # the details given so far go
            chat_safeguarding.on_concern(self, turn, concern, channel=CHANNEL)
        elif session.state == "ended":
            turn.say(self.config.text("chat_closed"), author="system")
        elif session.state == "queued" and text == CALLBACK:
            outcomes.callback_instead(self, turn)
        elif session.state == "queued":
            requeue.while_queued(self, turn, text)  # a new fact may change where they wait
        elif session.state == "adviser":
            pass  # a person is in charge: the assistant stays silent
        elif session.state == "callback":
            outcomes.take_contact_details(self, turn, text)
        elif session.state == "texts":
            outcomes.answer_texts(self, turn, text)
        elif talk:
            requeue.while_identifying(self, turn, text)
        elif session.state == "identity":
            chat_identity.answer(self, turn, text)
        elif session.state == "triage" and languages.is_choice(session.offered, text):
            languages.answer(self, turn, text)
        elif session.state == "triage" and links_offer.takes(session, text):
            links_offer.answer(self, turn, text)
        elif text in (HANDOVER, ASSISTANT_YES) and session.offer_queue:
            outcomes.enqueue(self, turn, session.offer_queue)
        else:
            self._triage_turn(turn, text)
            links_offer.offer(self, turn)  # after an information answer: its links in writing
        self._finish(turn, close=turn.close)
        return turn

    def end(self, session: ChatSession, *, by: str) -> None:
        """End the chat (by "customer" or "adviser"); a customer leaving the queue abandoned it."""
        if session.state == "ended":
            return
        turn = Turn(session, self.clock(), author="system")
        if session.state == "queued" and self.queue.leave(session.queue_id, session.session_id):
            turn.record(EventKind.ABANDONED, detail={"where": "queue", "queue": session.queue_id})
        elif session.state == "triage" and session.route is None:
            turn.record(EventKind.ABANDONED, detail={"where": "assistant"})
        session.state = "ended"
        if session.identity:  # details given in an unfinished identity step go with the chat
            session.identity.pop("sealed", None)
        turn.say(self.config.text("adviser_left" if by == "adviser" else "customer_ended"))
        turn.status = ("ended", {"by": by})
        self._finish(turn, close=True)

    def customer_gone(self, session: ChatSession, *, queue_id: str, unseen_seconds: float) -> None:
        """The customer left the queue unseen (no stream, no message for too long): the chat,
        already out of `queue_id`, ends abandoned, and says so if they come back."""
        if session.state != "queued":
            return
        turn = Turn(session, self.clock(), author="system")
        turn.record(EventKind.LEFT_QUEUE, detail={"queue": queue_id, "reason": "customer_gone",
                                                  "unseen_seconds": round(unseen_seconds)})
        turn.record(EventKind.ABANDONED, detail={"where": "queue", "queue": queue_id})
        session.state = "ended"
        if session.identity:
            session.identity.pop("sealed", None)
        turn.say(self.config.text("customer_gone"))
        turn.status = ("ended", {"by": "timeout"})
        self._finish(turn, close=True)

    def hand_over(self, session: ChatSession, *, adviser_name: str, waited_seconds: float,
                  adviser_id: int | None = None) -> None:
        """An adviser has taken the chat from the queue: from now on the assistant is silent."""
        turn = Turn(session, self.clock(), author="system")
        session.state, session.adviser_name = "adviser", adviser_name
        detail = {"queue": session.queue_id, "waited_seconds": round(waited_seconds, 1)}
        if adviser_id is not None:  # who took it, by staff id as a call's answer says (panels)
            detail["adviser"] = adviser_id
        turn.record(EventKind.ANSWERED, detail=detail)
        turn.say(self.config.text("adviser_joined", name=adviser_name) if adviser_name
                 else self.config.text("adviser_joined_unnamed"))
        turn.status = ("adviser", {"name": adviser_name})
        self._finish(turn)

    def transfer(self, session: ChatSession, queue: str) -> None:
        """An adviser moves the chat to another queue: the customer is told, keeps their place by
        time waited (the dispatcher's hand-back), and the timeline records the move."""
        turn = Turn(session, self.clock(), author="system")
        turn.record(EventKind.QUEUE_CHANGED, detail={"from": session.queue_id, "to": queue})
        team = self.config.texts["teams"].get(queue.split(":")[0],
                                              self.config.text("another_adviser"))
        session.state, session.queue_id = "queued", queue
        turn.say(self.config.text("transferred", team=team))
        turn.status = ("queued", {"queue": queue})
        self._finish(turn)

    def adviser_says(self, session: ChatSession, text: str, *, name: str) -> None:
        """Pass an adviser's reply to the customer (recorded, redacted, as a staff note)."""
        turn = Turn(session, self.clock(), author="adviser")
        turn.messages.append({"text": text, "buttons": [], "from": "adviser"})
        turn.record(EventKind.ADVISER_SAID, text=text)
        self._finish(turn)

    def closed_ids(self) -> frozenset[str]:
        """Entities under an emergency closure right now (every process sees the same)."""
        return self.closures.closed_among(self.directory.entity_ids())

    def _triage_turn(self, turn: Turn, text: str) -> None:
        session = turn.session
        decision: Decision | None = None
        if text.startswith("/") and text not in {b["payload"] for b in session.offered}:
            # Only offered quick replies may speak the assistant's intent syntax.
            text = text.lstrip("/ ") or "hello"
        if session.mode == "assistant" and self.rasa is not None:
            try:
                reply = parse_reply(self.rasa.send(session.contact_key, text, {"channel": CHANNEL}))
            except RasaUnavailable:
                session.mode = "menu"
                figures.note(CHANNEL, "assistant_error", at=turn.now)
                figures.note(CHANNEL, "keypad_fallback", at=turn.now)
                turn.say(self.config.text("assistant_unavailable"))
            else:
                if reply.triaged:
                    decision = self._decide(session, reply.facts or {})
                if decision is not None and decision.destination == "safeguarding":
                    chat_safeguarding.assistant_found(self, turn, channel=CHANNEL)
                self._say_all(turn, reply.texts, [b.__dict__ for b in reply.buttons])
                if given := articles_given(reply.texts):  # to confirm in writing at wrap-up
                    turn.record(EventKind.INFORMATION_GIVEN, detail={"articles": given})
                if reply.ends_conversation and not reply.triaged:
                    # A closing: the chat ends politely, as the phone hangs up.
                    session.state, turn.close = "ended", True
                    turn.status = ("ended", {"by": "customer"})
                    return
                if decision is not None and handover.wants_a_person(reply.handover,
                                                                   decision.destination):
                    # The customer asked for a person (or the assistant could not finish):
                    # queue them with the summary so far rather than answer it ourselves.
                    outcomes.enqueue(self, turn, session.offer_queue or GENERAL_QUEUE)
                    return
        if session.mode == "menu":
            step = menu_turn(session.facts, text, self.config)
            self._say_all(turn, step.texts, step.buttons)
            decision = step.decision
        if decision is not None and decision.destination != "incomplete":
            outcomes.route(self, turn, decision)

    def _decide(self, session: ChatSession, facts: dict[str, Any]) -> Decision | None:
        # Decide again here rather than trust the payload: the same pure rules, on this channel.
        try:
            decision = decide({**facts, "channel": CHANNEL})
        except FactsError:
            session.mode = "menu"
            figures.note(CHANNEL, "keypad_fallback", at=self.clock())
            return None
        session.facts = {**facts, "channel": CHANNEL}
        return decision

    @staticmethod
    def _say_all(turn: Turn, texts: list[str], buttons: list[dict[str, str]]) -> None:
        for index, text in enumerate(texts):
            turn.say(text, buttons if index == len(texts) - 1 else None)
        if buttons and not texts:
            turn.say("", buttons)

    def _finish(self, turn: Turn, *, close: bool = False) -> None:
        session = turn.session
        with session_scope(self.engine) as db:
            record_events(session=db, contact_key=session.contact_key, events=turn.events)
            if close:
                close_contact(session=db, key=session.contact_key, at=turn.now)
        # The `ended` event close_contact wrote counts too.
        ended = [NewEvent(EventKind.ENDED, turn.now, "ended")] if close else []
        figures.observe(CHANNEL, session.contact_key, [*turn.events, *ended])
        if close:
            self.forget(session.contact_key)
        offered = [b for m in turn.messages for b in m["buttons"]]
        if offered:
            session.offered = offered
        for message in turn.messages:
            self.store.append(session.session_id, message["from"], message["text"],
                              message["buttons"])
        self.store.save(session)
        if turn.status:
            self.store.announce(session.session_id, turn.status[0], **turn.status[1])
