"""The ports the app wires: what the dispatcher and the console ask of the channels.

The engine and the console never import a channel; this is the one place that joins them.
"""

from __future__ import annotations

from functools import partial

from config.settings import Settings
from engine.desk_calls import Refused
from engine.desk_ports import DeskPorts
from engine.dispatch import DispatchPorts
from engine.reconcile import ReconcilePorts
from ivr.chat.api import chat_events, chat_service, chat_store, end_gone_chat, give_chat
from ivr.chat.config import get_chat_config
from ivr.mailbox.replies import reply_from
from ivr.voice.adviser_leg import add_interpreter, decline_from_desk, ring
from ivr.voice.desk_actions import caller_number
from ivr.voice.desk_warm import PhoneCallActions
from ivr.voice.ending import call_status, end_unseen_call
from ivr.voice.monitoring import PhoneMonitoring


def dispatch_ports() -> DispatchPorts:
    """A pairing rings the adviser's phone for a call, or hands a waiting chat over."""
    return DispatchPorts(ring_call=ring, give_chat=give_chat)


def reconcile_ports() -> ReconcilePorts:
    """The reconcile round asks Twilio about calls and has the channels end what has gone."""
    return ReconcilePorts(call_status=call_status, end_call=end_unseen_call,
                          end_chat=end_gone_chat)


def desk_ports(settings: Settings) -> DeskPorts:
    """The adviser's desk reaches chats, calls and the mailbox through these."""
    return DeskPorts(chat_events=chat_events, chat_service=chat_service,
                     chat_store=lambda: chat_store(get_chat_config()),
                     add_interpreter=add_interpreter, decline_call=decline_from_desk,
                     send_reply=partial(reply_from, settings.mail_smtp_url, settings.mail_ca_file),
                     call_actions=PhoneCallActions(), call_monitoring=PhoneMonitoring(),
                     caller_number=_caller_number)


def _caller_number(contact_key: str) -> str | None:
    """A past call's number from Twilio's record of it, or None."""
    try:
        return caller_number(contact_key)
    except Refused:
        return None
