"""Carrying out the dispatcher's pairings in the app: a chat is handed over, a call rings.

routing.dispatcher decides who gets which contact; this module acts on each pairing through the
ports the app registers (`DispatchPorts`): the chat's hand-over (the customer sees "an adviser
has joined"), or a call to the adviser's endpoint that, when answered, whispers the summary and
bridges them to that customer. The channels and the console both use it; it imports neither.
Dispatch runs when an adviser becomes Available, when a contact joins a queue (after the response
is sent, so nobody waits for it), on each console heartbeat and on the worker's tick.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, Response, current_app

from config import clock as centre_clock
from live import publish as live_publish
from models import keys
from routing.directory import QUEUE_IDS
from routing.dispatcher import CALL, Assignment, Dispatcher, all_queue_ids, contact_queue
from routing.plan import default_directory
from routing.presence import Presence
from routing.presence_history import PresenceHistory

log = logging.getLogger(__name__)
STREAM_LENGTH = 200
STREAM_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class DispatchPorts:
    """What the channels do with a pairing, registered by the app as extensions["dispatch_ports"].
    """

    ring_call: Callable[[Assignment], None]   # ring the adviser's endpoint for this call
    give_chat: Callable[[Assignment], None]   # hand the waiting chat to its adviser


def now() -> datetime:
    """The app's one clock: what create_app(chat_clock=...) set (tests, demos), else the centre's
    (CLOCK_START moves it)."""
    moved = current_app.extensions.get("chat_clock")
    return moved() if moved else centre_clock.now()


def clock() -> Callable[[], float]:
    """Seconds since the epoch on the app's clock, as the dispatcher and presence count them."""
    return lambda: now().timestamp()


def console_config():
    """The console's configuration (heartbeat and wrap-up times the dispatcher and the desk
    share), as the app registered it: the engine never imports the console."""
    return current_app.extensions["console_config"]


def get_presence() -> Presence:
    """Presence on the app's Redis and clock; every change is stored in the presence history."""
    config, redis_client = console_config(), current_app.extensions["redis"]
    history = PresenceHistory(redis_client, current_app.extensions["engine"],
                              wrap_up_seconds=config.wrap_up_seconds,
                              heartbeat_timeout=config.heartbeat_timeout_seconds)
    return Presence(redis_client, heartbeat_timeout=config.heartbeat_timeout_seconds,
                    clock=clock(), history=history)


def languages() -> tuple[str, ...]:
    """The language lines' languages, in lower case (config/contact_centre.yaml)."""
    directory = current_app.extensions.get("directory") or default_directory()
    return tuple(directory.language_lines)


def queue_ids() -> tuple[str, ...]:
    """Every queue a contact can wait in: the contact centre's and one per language line."""
    return all_queue_ids(QUEUE_IDS, languages())


def waiting_queue(queue_id: str, language: str | None) -> str:
    """The queue a contact joins: its language line's own queue for a language-line contact."""
    return contact_queue(queue_id, language, languages())


def get_dispatcher() -> Dispatcher:
    """The dispatcher on the app's Redis and clock."""
    return Dispatcher(current_app.extensions["redis"], queue_ids=queue_ids(),
                      heartbeat_timeout=console_config().heartbeat_timeout_seconds,
                      clock=clock())


def notify_adviser(adviser_id: int, event: str, **data: object) -> None:
    """Put one event on the adviser's live stream (their console shows it at once)."""
    # live.publish also wakes the events front's followers (the "raw" renderer's fields).
    live_publish.add(current_app.extensions["redis"],
                     keys.key(keys.ADVISER_EVENTS, user_id=adviser_id),
                     live_publish.event(event, json.dumps(data)), maxlen=STREAM_LENGTH,
                     ttl_seconds=STREAM_TTL_SECONDS)


def dispatch() -> list[Assignment]:
    """Make every pairing possible now and act on each one."""
    made = get_dispatcher().assign_all()
    ports: DispatchPorts = current_app.extensions["dispatch_ports"]
    for assignment in made:
        try:
            if assignment.channel == CALL:
                ports.ring_call(assignment)
            else:
                ports.give_chat(assignment)
        except Exception as error:  # one failed pairing must not stop the others
            log.error("dispatch of a %s failed: %s", assignment.channel, type(error).__name__,
                      exc_info=error)
    if made:
        presence = get_presence()
        for adviser_id in sorted({a.adviser_id for a in made}):
            presence.observe(adviser_id)  # now Busy, from when the contact was given
    return made


def observe_presence() -> None:
    """Store the presence changes nobody made a request for (the worker's dispatch round)."""
    get_presence().observe_all()


def dispatch_after(response: Response) -> Response:
    """Dispatch once `response` has been sent (a contact joined; the customer is not kept)."""
    app = current_app._get_current_object()
    response.call_on_close(lambda: run_in(app, dispatch))
    return response


def run_in(app: Flask, action: Callable[[], object]) -> None:
    """Run `action` inside `app`'s context, logging (not raising) any failure."""
    try:
        with app.app_context():
            action()
    except Exception as error:  # noqa: BLE001 - after the response nobody can be told
        log.error("background dispatch failed: %s", type(error).__name__, exc_info=error)


def wrap_up_of(stored: str) -> dict:
    """A wrap-up waiting for its outcome: channel, queue and time waited (older entries held
    the channel alone)."""
    if not stored.startswith("{"):
        return {"channel": stored, "queue": None, "waited_seconds": None}
    return json.loads(stored)


def adviser_name(adviser_id: int) -> str:
    """The adviser's display name as the customer sees it in a chat; "" when they have none
    (the customer is then told of "an adviser", never the login name)."""
    name = current_app.extensions["redis"].hget(keys.key(keys.ADVISER, user_id=adviser_id),
                                                "name")
    return name or ""


def room_name() -> str:
    """A conference room name that says nothing about anyone."""
    return "room-" + secrets.token_hex(8)


def end_contact(member: str) -> int | None:
    """The contact is over: its adviser goes into wrap-up and is asked for an outcome.

    Returns the adviser's id, or None when nobody held it.
    """
    dispatcher = get_dispatcher()
    held = dispatcher.assignment(member)
    if held is None:
        return None
    dispatcher.finish(member, wrap_up_seconds=console_config().wrap_up_seconds)
    # The channel, queue and time waited name the contact in the adviser's wrap-up picker.
    waited = round(held.waited(clock()()))
    current_app.extensions["redis"].hset(keys.key(keys.ADVISER_WRAP_UPS, user_id=held.adviser_id),
                                         member, json.dumps({"channel": held.channel,
                                                             "queue": held.queue_id,
                                                             "waited_seconds": waited}))
    notify_adviser(held.adviser_id, "ended", member=member, channel=held.channel)
    get_presence().observe(held.adviser_id)  # into Wrap-up (or still Busy with other contacts)
    return held.adviser_id
