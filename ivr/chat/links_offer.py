"""The links of the information the assistant gave, offered in the chat by text or e-mail (000:L21).

"Information will be confirmed in writing via email or text whichever is best for the customer"
(000:L21, 000:L115), also when no adviser took part. After an answer that gave knowledge articles
with public links, the chat offers "Text me the links", "Email me the links" or "No thanks"
(config/chat.yaml `links_*`). Choosing one asks for the mobile number or the address; one that
does not look right is asked for once more, then the offer is dropped. A good one arranges a
confirmation through engine.confirmations, agreed by the customer, due now: the worker's next
round sends it, honouring a STOP. The number or address is stored only in the confirmation's row:
the transcript and the timeline show a placeholder, and the session holds the step alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.confirmations import ChoiceError, address, arrange_confirmation, confirmable
from models.contacts import EventKind
from models.db import session_scope

if TYPE_CHECKING:  # the conversation imports this module
    from ivr.chat.conversation import ChatService, Turn
    from ivr.chat.store import ChatSession

SMS, EMAIL, NO = "/chat_links_sms", "/chat_links_email", "/chat_links_no"
OFFERED, DONE = "offered", "done"
ASKING = ("sms", "email")  # the step while the number or the address is asked for
TRIES = 2  # a second bad number or address drops the offer


def offer(service: ChatService, turn: Turn) -> None:
    """After this turn's information answer, offer its links by text or e-mail (once each)."""
    session = turn.session
    if turn.close or session.state != "triage" or session.concern or \
            session.facts.get("language"):
        return  # words in English only, and never after a concern: a person comes then
    given = {a for event in turn.events if event.kind == EventKind.INFORMATION_GIVEN
             for a in (event.detail or {}).get("articles", [])}
    before = (session.links or {}).get("articles", [])
    articles = [a.id for a in confirmable() if a.id in given or a.id in before]
    if not set(articles) - set(before):
        return
    session.links = {"articles": articles, "step": OFFERED, "tries": 0}
    text = service.config.text
    turn.say(text("links_offer"), [
        {"title": text("links_sms_button"), "payload": SMS},
        {"title": text("links_email_button"), "payload": EMAIL},
        {"title": text("links_no_button"), "payload": NO}], author="system")


def takes(session: ChatSession, text: str) -> bool:
    """Whether `text` answers the offer: one of its buttons, or the number or address asked."""
    step = (session.links or {}).get("step")
    if text in (SMS, EMAIL, NO):
        return step in (OFFERED, *ASKING)
    if step in ASKING and text.startswith("/"):
        session.links = {**(session.links or {}), "step": DONE}  # another button: moved on
        return False
    return step in ASKING


def shown(service: ChatService, session: ChatSession, text: str) -> str | None:
    """The placeholder shown and recorded for a number or address typed in, never the words."""
    step = (session.links or {}).get("step")
    if step in ASKING and not text.startswith("/"):
        return service.config.text(f"links_shown_{step}")
    return None


def answer(service: ChatService, turn: Turn, text: str) -> None:
    """A button of the offer, or the number or address it asked for."""
    session, say = turn.session, service.config.text
    links = dict(session.links or {})
    session.links = links
    if text == NO:
        links["step"] = DONE
        turn.say(say("links_declined"), author="system")
        return
    if text in (SMS, EMAIL):
        links["step"], links["tries"] = ("sms" if text == SMS else "email"), 0
        turn.say(say(f"links_ask_{links['step']}"), _no_thanks(service), author="system")
        return
    step = links["step"]
    try:
        to = address(step, text)
    except ChoiceError:
        links["tries"] = int(links.get("tries", 0)) + 1
        if links["tries"] >= TRIES:
            links["step"] = DONE
            turn.say(say("links_dropped"), author="system")
        else:
            turn.say(say(f"links_bad_{step}"), _no_thanks(service), author="system")
        return
    articles = [a for a in confirmable() if a.id in set(links.get("articles", []))]
    links["step"] = DONE
    if not articles:  # withdrawn from the knowledge base meanwhile
        turn.say(say("links_dropped"), author="system")
        return
    places = service.directory
    with session_scope(service.engine) as db:
        arrange_confirmation(session=db, contact_key=session.contact_key, articles=articles,
                             notify=step, to=to, at=turn.now,
                             bank_holidays=places.bank_holidays, tz=places.timezone)
    turn.say(say(f"links_agreed_{step}"), author="system")


def _no_thanks(service: ChatService) -> list[dict[str, str]]:
    return [{"title": service.config.text("links_no_button"), "payload": NO}]
