"""The start of a call: the privacy notice (9), the language lines (8), and each line's own number.

The national lines offer both once, at the opening prompt; 9 there reads the full notice and asks
the same question again (000:L83). 8 lists the language lines, each in its own words with its key,
and a key queues the customer for that line (000:L47, L129). A call to a language line's own number
is greeted in its language and queued for it at once, without the English assistant (000:L36,
L131). On the keypad path the opening question takes an age ended by #: 8 and 9 alone there are the
opening keys, which loses no customer since the service starts at 13 (001 glossary); asked again,
they are an age.
"""

from __future__ import annotations

from ivr.notices import notices
from ivr.voice import routes
from ivr.voice.call import Call
from ivr.voice.state import ASSISTANT
from ivr.voice.voice_config import LanguageLine

PRIVACY_KEY, LANGUAGES_KEY = "9", "8"
LANGUAGE_QUESTION = "language_choice"


def offers(call: Call) -> list[str]:
    """What the opening prompt offers besides the question: the notice, and other languages."""
    texts = [notices().privacy.phone_offer]
    if call.config.language_lines and call.config.languages_offer:
        texts.append(call.config.languages_offer)
    return texts


def opened(call: Call) -> None:
    """Mark the prompt just asked as the opening one, where 8 and 9 are the opening keys."""
    call.state.opening_step = call.state.step


def is_opening_key(call: Call, keyed: str) -> bool:
    """True when `keyed` is 8 or 9 pressed at the opening prompt."""
    return call.state.opening_step == call.state.step and keyed in (PRIVACY_KEY, LANGUAGES_KEY) \
        and not (keyed == LANGUAGES_KEY and not call.config.language_lines)


def opening_key(call: Call, keyed: str, *, digits: bool) -> str:
    """9: the full privacy notice, then the same question; 8: the language menu."""
    state = call.state
    if keyed == LANGUAGES_KEY:
        state.opening_step = None
        return language_menu(call, [])
    again = list(state.last_prompt)
    notice = notices().privacy.spoken()
    call.timeline.record("customer_said", event_id=call.event_id("privacy_notice"),
                         detail={"keypad": "privacy_notice"})
    if state.phase == ASSISTANT:
        body = call.listen([*notice, *again], repeatable=again)
    else:
        body = call.keys([*notice, *again], state.question, digits=digits, repeatable=again)
    opened(call)  # carrying on where they were: 8 still lists the languages
    return body


def language_menu(call: Call, lead: list) -> str:
    """The language lines, each in its own words with its key (answered at /voice/keypad)."""
    menu = [line.phrase(line.menu) for line in call.config.language_lines]
    return call.keys([*lead, *menu], LANGUAGE_QUESTION, repeatable=menu)


def on_language_choice(call: Call, keyed: str) -> str:
    """A key on the language menu: queue for that line; any other key hears the menu again."""
    line = call.config.language_line_keyed(keyed)
    if line is None:
        return language_menu(call, [call.config.language_menu_invalid])
    return to_language_line(call, line)


def to_language_line(call: Call, line: LanguageLine) -> str:
    """Greet the customer in the line's language and carry out its route (queue or callback)."""
    call.state.facts["language"] = line.language
    call.timeline.record("customer_said", event_id=call.event_id("language"),
                         detail={"language_line": line.language})
    decision = routes.decision_for(call.state.facts)
    # The line's adviser takes identity in the customer's language: no English identity step.
    return routes.carry_out(call, decision, [line.phrase(line.greeting)], identity_step=False)


def greet_language_line(call: Call) -> str:
    """A call to a language line's own number: its greeting, then its queue."""
    line = next(line for line in call.config.language_lines
                if line.language == call.state.language_line)
    return to_language_line(call, line)


HANDLERS = {LANGUAGE_QUESTION: on_language_choice}
