"""The Chat API of ARCHITECTURE.md: create a session, send a message, stream events; end a chat.

Bad input answers 400 with a reason, an unknown session 404, too many requests 429 with
Retry-After. The API is open to any origin (the widget is embedded on other sites by one script
tag); it uses no cookies, the session id being the customer's only credential.
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flask import Response, abort, current_app, jsonify, request

from config import clock
from engine.addresses import address_key
from engine.dispatch import (
    adviser_name,
    dispatch_after,
    end_contact,
    get_dispatcher,
    get_presence,
    notify_adviser,
    queue_ids,
)
from engine.dispatch import clock as dispatch_clock
from ivr.chat import bp
from ivr.chat.config import ChatConfig, Limit, get_chat_config
from ivr.chat.conversation import ChatService
from ivr.chat.events import event_stream
from ivr.chat.ratelimit import RateLimiter
from ivr.chat.store import ChatSession, ChatStore
from ivr.connections import forget_conversation, get_engine, get_rasa, get_redis
from live import flask as live_flask
from models import keys
from routing.chat_queue import ChatQueue
from routing.closures import EmergencyClosures
from routing.dispatcher import Assignment
from routing.plan import default_directory
from routing.reconcile import mark_seen

SESSION_PATH = "/api/chat/sessions/<session_id>"


def chat_store(config: ChatConfig) -> ChatStore:
    """The store on the app's Redis."""
    return ChatStore(get_redis(), ttl_seconds=config.session_ttl_seconds,
                     max_lines=config.transcript_max_lines)


def chat_queue(config: ChatConfig) -> ChatQueue:
    """The advisers' queue on the app's Redis."""
    # The estimate before any wait is seen counts the advisers actually signed in (presence).
    return ChatQueue(get_redis(), queue_ids=queue_ids(), handling_seconds=config.handling_seconds,
                     advisers=config.advisers, staffing=get_presence().staffing)


def chat_clock() -> Callable[[], datetime]:
    """The current time (tests and demos may pass chat_clock= to create_app to move it)."""
    return current_app.extensions.get("chat_clock") or _now


def _now() -> datetime:
    return clock.now()


def chat_events(session_id: str) -> Response:
    """The server-sent event response for one chat (used by the customer's and adviser's pages).

    Behind the events front this hands the stream over (no thread held); otherwise it streams.
    """
    config, clock = get_chat_config(), chat_clock()
    params = {"session_id": session_id, "handling_seconds": config.handling_seconds,
              "advisers": _staffing(config, session_id),
              "clock_offset": clock().timestamp() - time.time()}

    def in_process(after: str):
        return event_stream(chat_store(config), chat_queue(config), config, session_id, after,
                            clock=lambda: clock().timestamp())

    return live_flask.stream(get_redis(), keys.key(keys.CHAT_EVENTS, session_id=session_id),
                             renderer="chat", params=params, fallback=in_process)


def _staffing(config: ChatConfig, session_id: str) -> int:
    """The advisers signed in (and not Away) for the chat's queue, for its estimated wait."""
    chat = chat_store(config).load(session_id)
    if chat is None or not chat.queue_id:
        return config.advisers
    return get_presence().staffing(chat.queue_id)


def chat_service() -> ChatService:
    """A ChatService on the current app's connections (cheap: nothing is opened here)."""
    config = get_chat_config()
    return ChatService(store=chat_store(config), queue=chat_queue(config), engine=get_engine(),
                       config=config, directory=default_directory(),
                       closures=EmergencyClosures(get_redis()), rasa=get_rasa(),
                       clock=chat_clock(), forget=forget_conversation,
                       identity=current_app.extensions.get("identity"))


@bp.post("/api/chat/sessions")
def create_session():
    """Start a chat: 201 {"session_id"}."""
    _limit("address_sessions", _address(), get_chat_config().address_sessions)
    _admit_new_chat()
    session = chat_service().start()
    _mark_open(session.session_id)
    _seen(session.session_id)
    return jsonify(session_id=session.session_id), 201


@bp.post(f"{SESSION_PATH}/messages")
def post_message(session_id: str):
    """One customer message: 200 {"messages": [...], "route": null | {...}}."""
    config = get_chat_config()
    session = _session(session_id)
    _limit("address_messages", _address(), config.address_messages)
    _limit("session_messages", session_id, config.session_messages)
    text = customer_text(request.get_data(cache=False), request.mimetype, config.max_text_chars)
    turn = chat_service().customer_says(session, text)
    _mark_open(session_id)
    _seen(session_id)
    messages = [{"text": m["text"], "buttons": m["buttons"]} for m in turn.messages]
    response = jsonify(messages=messages, route=session.route)
    if session.state == "queued":
        return dispatch_after(response)  # look for an adviser once the customer has the answer
    return response


@bp.get(f"{SESSION_PATH}/events")
def stream_events(session_id: str):
    """The chat's server-sent events: message, status and queue."""
    _session(session_id)
    # A browser that is still there reconnects each time a stream ends: seen, so still waiting.
    _seen(session_id)
    return chat_events(session_id)


@bp.delete(SESSION_PATH)
def end_session(session_id: str):
    """The customer ends the chat (an addition: the contract's three endpoints are unchanged)."""
    session = _session(session_id)
    _limit("session_messages", session_id, get_chat_config().session_messages)
    chat_service().end(session, by="customer")
    get_redis().zrem(keys.CHATS_OPEN, session_id)
    end_contact(session_id)  # the customer left their adviser: the adviser goes into wrap-up
    return jsonify(ended=True)


def customer_text(body: bytes, mimetype: str, max_chars: int) -> str:
    """The "text" of a JSON body, cleaned of control characters, or abort(400) with the reason."""
    if mimetype != "application/json":
        abort(400, "send the message as JSON (Content-Type: application/json)")
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        abort(400, "the body is not valid JSON")
    if not isinstance(data, dict) or "text" not in data:
        abort(400, 'the body must be a JSON object with a "text" field')
    text = data["text"]
    if not isinstance(text, str):
        abort(400, '"text" must be a string')
    if len(text) > max_chars:
        abort(400, f'"text" is longer than {max_chars} characters')
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        abort(400, '"text" is not valid Unicode')
    # Control characters (NUL above all) cannot be stored or shown; line breaks and tabs can.
    text = "".join(c for c in text if c in "\n\t" or unicodedata.category(c) != "Cc").strip()
    if not text:
        abort(400, '"text" is empty')
    return text


def _session(session_id: str) -> ChatSession:
    session = chat_store(get_chat_config()).load(session_id)
    if session is None:
        abort(404, "unknown or expired chat session")
    return session


def _limit(scope: str, ident: str, limit: Limit) -> None:
    retry_after = RateLimiter(get_redis()).check(scope, ident, limit)
    if retry_after:
        response = jsonify(error="too many requests: please wait a moment", status=429)
        response.status_code = 429
        response.headers["Retry-After"] = str(retry_after)
        abort(response)


def _admit_new_chat() -> None:
    """503 with Retry-After, at once, when CHAT_MAX_OPEN chats have been active lately."""
    settings = current_app.config["SETTINGS"]
    redis = get_redis()
    now = time.time()
    with redis.pipeline(transaction=False) as pipe:
        pipe.zremrangebyscore(keys.CHATS_OPEN, "-inf", now - settings.chat_open_idle_seconds)
        pipe.zcard(keys.CHATS_OPEN)
        _, open_chats = pipe.execute()
    if open_chats >= settings.chat_max_open:
        response = jsonify(error=get_chat_config().text("busy"), status=503)
        response.status_code = 503
        response.headers["Retry-After"] = str(settings.retry_after_seconds)
        abort(response)


def _mark_open(session_id: str) -> None:
    get_redis().zadd(keys.CHATS_OPEN, {session_id: time.time()})


def _seen(session_id: str) -> None:
    """The customer is here now, on the app's clock (the reconcile round ends a chat left)."""
    mark_seen(get_redis(), session_id, dispatch_clock()())


def _address() -> str:
    # ProxyFix (TRUSTED_PROXIES) has already put the client's address here when behind a proxy.
    return address_key(request.remote_addr)


@bp.after_request
def _open_to_embedding_sites(response: Response) -> Response:
    if request.path.startswith("/api/chat/"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, DELETE, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type, Last-Event-ID"
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def give_chat(assignment: Assignment) -> None:
    """The dispatcher's chat port: hand the chat to its adviser; one that ended meanwhile is
    let go."""
    service = chat_service()
    chat = service.store.load(assignment.member)
    if chat is None or chat.state != "queued":
        get_dispatcher().finish(assignment.member, wrap_up_seconds=0)
        return
    waited = assignment.waited(dispatch_clock()())
    service.hand_over(chat, adviser_name=adviser_name(assignment.adviser_id),
                      waited_seconds=waited, adviser_id=assignment.adviser_id)
    notify_adviser(assignment.adviser_id, "contact", member=assignment.member, channel="chat",
                   queue=assignment.queue_id)


def end_gone_chat(session_id: str, queue_id: str, unseen_seconds: float) -> None:
    """The reconcile round's chat port: the customer has not been seen for too long, and the
    chat has just been taken out of `queue_id`; end it, telling them if they come back."""
    service = chat_service()
    chat = service.store.load(session_id)
    if chat is None:
        return
    service.customer_gone(chat, queue_id=queue_id, unseen_seconds=unseen_seconds)
    get_redis().zrem(keys.CHATS_OPEN, session_id)
