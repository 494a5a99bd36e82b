"""What the staff console asks of the channels, through ports the app registers.

The console never imports a channel (an import contract holds it): it reaches a live chat, a call
and the national mailbox only through these callables, which the app factory wires to the
channels as extensions["desk_ports"], as it wires the dispatcher's ports (engine.dispatch).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app


@dataclass(frozen=True)
class DeskPorts:
    """The channels' side of the adviser's desk."""

    chat_events: Callable[[str], Any]  # a chat's live stream, the one its customer sees
    chat_service: Callable[[], Any]  # the chat service: its store, replies, transfers, ending
    chat_store: Callable[[], Any]  # the chats' store: facts, transcript, state
    add_interpreter: Callable[[str, dict[str, str]], dict | str]  # a three-way call, or why not
    send_reply: Callable[..., None]  # a reply in the customer's e-mail thread, recorded
    # The adviser declines a call still ringing: it keeps its place, their phone stops ringing.
    decline_call: Callable[[str], bool] = lambda member: False
    # Transfers, callbacks, hold and mute on a live call (engine.desk_calls.CallActions).
    call_actions: Any = None
    # A supervisor listening, coaching or barging on a live call (engine.call_monitoring).
    call_monitoring: Any = None
    # The customer's number from the phone system's record of a past call (its CallSid), for a
    # follow-up when no number is held; None when there is none.
    caller_number: Callable[[str], str | None] = lambda contact_key: None


def desk_ports() -> DeskPorts:
    """The current app's desk ports."""
    return current_app.extensions["desk_ports"]
