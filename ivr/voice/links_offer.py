"""The links of the information the assistant gave, offered by text before the goodbye (000:L21).

"Information will be confirmed in writing via email or text whichever is best for the customer"
(000:L21, 000:L115), also when no adviser took part: a caller the assistant gave knowledge
articles with public links is asked once, before the goodbye, "Would you like a text message
with the links?" (config/voice.yaml `links_offer`). Only on a UK mobile caller ID: a withheld,
landline or Relay UK number is never texted, so it is not asked. A yes (1, or one of the words
in config/messages.yaml `information.offer_yes_words`) arranges a confirmation through
engine.confirmations, agreed by the caller, due now: the worker's next round sends it, honouring
a STOP. The number is read from Twilio's `From` only here and stored only in the confirmation's
row; anything else, or silence, is no. Then the goodbye goes on (the survey for a sampled caller).
"""

from __future__ import annotations

import re

from engine.confirmations import arrange_confirmation, confirmable, confirmation_config
from ivr.voice import safeguarding as voice_safeguarding
from ivr.voice import survey
from ivr.voice.call import Call
from models.db import session_scope
from models.relay_uk import can_text, uk_number

ASKED, DONE = "asked", "done"


def note_given(call: Call, articles: list[str]) -> None:
    """Remember the articles the assistant gave on this call, for the offer at the goodbye."""
    call.state.given += [a for a in articles if a not in call.state.given]


def is_asked(call: Call) -> bool:
    """Whether the caller is answering the offer now."""
    return call.state.links_offer == ASKED


def goodbye(call: Call, texts: list[str]) -> str:
    """Say `texts`; then the offer of the links by text once, if it may be made, else the
    goodbye (or the survey, for a sampled caller the assistant answered)."""
    state = call.state
    if state.links_offer is None and _offerable(call) and _articles(call) and _mobile(call):
        state.links_offer = ASKED
        state.choices = []
        ask = call.prompt("links_offer")
        return call.listen([*texts, ask], repeatable=[ask])
    return survey.offer_or_finish(call, texts)


def answer(call: Call, keyed: str, said: str) -> str:
    """The caller's answer to the offer: a yes arranges the text; then the goodbye goes on."""
    call.state.links_offer = DONE
    if said and not keyed:
        # Screened like every other turn (003:L211).
        handed_over = voice_safeguarding.screen_turn(call, said, where="speech")
        if handed_over is not None:
            return handed_over
    number, articles = _mobile(call), _articles(call)
    if not accepted(keyed, said) or number is None or not articles:
        return survey.offer_or_finish(call, [])
    places = call.services.directory
    with session_scope(call.services.engine) as db:
        arrange_confirmation(session=db, contact_key=call.state.contact_key, articles=articles,
                             notify="sms", to=number, at=call.at,
                             bank_holidays=places.bank_holidays, tz=places.timezone)
    return survey.offer_or_finish(call, [call.prompt("links_offer_agreed")])


def _offerable(call: Call) -> bool:
    state = call.state
    # The words are English only, and never after a concern: a person is coming then.
    return not (state.facts.get("safeguarding_concern") or state.language_line
                or state.facts.get("language") or state.concern)


def _articles(call: Call):
    """The confirmable articles given on this call (a public link and customer words)."""
    given = set(call.state.given)
    return [a for a in confirmable() if a.id in given]


def _mobile(call: Call) -> str | None:
    """The caller ID when it is a UK mobile that can take texts; else None (never texted)."""
    number = uk_number(call.form.get("From"))
    return number if number is not None and can_text(number) else None


def accepted(keyed: str, said: str) -> bool:
    """Whether the answer to the offer is a yes: the key 1, or words that begin with a yes."""
    if keyed:
        return keyed == "1"
    words = " ".join(re.sub(r"[^\w\s]", " ", said.casefold()).split())
    return any(words == w or words.startswith(f"{w} ")
               for w in confirmation_config().offer_yes_words)
