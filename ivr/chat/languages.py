"""The language lines on the webchat: offered at the start, each in its own words (000:L47, L129).

A choice becomes the `language` fact, and triage and routing send the chat to that line's queue
(or a callback when the line is closed), as the phone's language menu does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ivr.chat import outcomes
from ivr.chat.config import ChatConfig
from triage import decide

if TYPE_CHECKING:
    from ivr.chat.conversation import ChatService, Turn

LANGUAGES = "/chat_languages"
LANGUAGE = "/chat_language "


def offer_button(config: ChatConfig) -> dict[str, str]:
    """The quick reply that lists the language lines."""
    return {"title": config.text("languages_button"), "payload": LANGUAGES}


def language_buttons(config: ChatConfig) -> list[dict[str, str]]:
    """One quick reply per language line, titled in its own words."""
    return [{"title": item["title"], "payload": LANGUAGE + item["language"]}
            for item in config.texts["languages"]]


def is_choice(offered: list[dict[str, str]], text: str) -> bool:
    """True for the language quick replies, and only while they are on offer."""
    return (text == LANGUAGES or text.startswith(LANGUAGE)) and \
        text in {b["payload"] for b in offered}


def answer(service: ChatService, turn: Turn, text: str) -> None:
    """List the languages, or route the chat to the chosen language line."""
    config = service.config
    if text == LANGUAGES:
        turn.say(config.text("languages_intro"), language_buttons(config))
        return
    session = turn.session
    session.facts = {**session.facts, "language": text[len(LANGUAGE):]}
    outcomes.route(service, turn, decide({**session.facts, "channel": "webchat"}))
