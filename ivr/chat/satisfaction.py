"""The satisfaction survey in the webchat: offered in the widget once a sampled chat has ended.

GET  /api/chat/sessions/{id}/satisfaction  200 {"offered", "answered", "words"}
POST /api/chat/sessions/{id}/satisfaction  {"score": 1-5 | null, "got_what_they_needed":
     true | false | null} -> 201 {"recorded": true, "text"}; null is a skipped question.
     400 bad input (with the reason), 404 unknown session, 409 the chat has not ended, was not
     offered the survey or has answered it already (one response per chat), 429 too many.
The session id is the only credential, as for the rest of the chat API (ivr/chat/api.py).
Who is offered, the words and the storing are engine.satisfaction's, shared with the phone.
"""

from __future__ import annotations

import json
from typing import Any

from flask import abort, jsonify, request
from flask.blueprints import BlueprintSetupState

from engine import satisfaction
from ivr.chat import bp
from ivr.chat.api import SESSION_PATH, chat_clock, chat_store
from ivr.chat.config import get_chat_config
from ivr.chat.ratelimit import RateLimiter
from ivr.chat.store import ChatSession
from ivr.connections import get_engine, get_redis
from models.db import session_scope
from models.satisfaction import Answers, has_response

CHANNEL = "webchat"


@bp.record_once
def _check_the_file(setup: BlueprintSetupState) -> None:
    """config/satisfaction.yaml is read when the app is built: a wrong entry stops it with the
    entry's name before any customer is served (both channels use the file)."""
    if "satisfaction_config" not in setup.app.extensions:
        satisfaction.load_satisfaction_config()


def _session(session_id: str) -> ChatSession:
    session = chat_store(get_chat_config()).load(session_id)
    if session is None:
        abort(404, "unknown or expired chat session")
    return session


def _route(session: ChatSession) -> str | None:
    return (session.decision or {}).get("destination")


def _offered(session: ChatSession) -> bool:
    """Ended, sampled by its route's share, and no safeguarding concern raised in it."""
    if session.state != "ended" or session.concern or session.facts.get("safeguarding_concern"):
        return False
    return satisfaction.is_sampled(satisfaction.get_config(), session.contact_key,
                                   _route(session))


def _answered(session: ChatSession) -> bool:
    with session_scope(get_engine()) as db:
        return has_response(session=db, contact_key=session.contact_key)


def _limited(session_id: str) -> None:
    retry_after = RateLimiter(get_redis()).check("session_messages", session_id,
                                                 get_chat_config().session_messages)
    if retry_after:
        response = jsonify(error="too many requests: please wait a moment", status=429)
        response.status_code = 429
        response.headers["Retry-After"] = str(retry_after)
        abort(response)


@bp.get(f"{SESSION_PATH}/satisfaction")
def satisfaction_offer(session_id: str):
    """Whether this chat is offered the survey, whether it is answered, and the widget's words."""
    session = _session(session_id)
    words = satisfaction.get_config().chat
    offered = _offered(session)
    return jsonify(offered=offered, answered=offered and _answered(session), words={
        "heading": words.heading, "intro": words.intro,
        "score_question": words.score_question,
        "score_labels": [{"value": int(k), "label": v} for k, v in words.score_labels.items()],
        "needed_question": words.needed_question, "yes": words.yes, "no": words.no,
        "submit": words.submit, "skip": words.skip})


@bp.post(f"{SESSION_PATH}/satisfaction")
def satisfaction_answer(session_id: str):
    """The customer's answers (or a skip): stored once, with the chat's timeline event."""
    session = _session(session_id)
    _limited(session_id)
    words = satisfaction.get_config().chat
    score, needed = _answers(words)
    if session.state != "ended":
        abort(409, words.not_ended)
    if not _offered(session):
        abort(409, words.not_offered)
    route = session.route or {}
    answers = Answers(contact_key=session.contact_key, channel=CHANNEL, route=_route(session) or "",
                      queue=session.queue_id or route.get("queue") or None,
                      contractor=route.get("contractor") or None, score=score,
                      got_what_they_needed=needed)
    if not satisfaction.store(get_engine(), answers, at=chat_clock()()):
        abort(409, words.already_answered)
    return jsonify(recorded=True, text=words.skipped if answers.skipped else words.thanks), 201


def _answers(words) -> tuple[int | None, bool | None]:
    """The body's score and yes/no, or abort(400) with the reason."""
    if request.mimetype != "application/json":
        abort(400, "send the answers as JSON (Content-Type: application/json)")
    try:
        data: Any = json.loads(request.get_data(cache=False))
    except (ValueError, UnicodeDecodeError):
        abort(400, "the body is not valid JSON")
    if not isinstance(data, dict) or set(data) - {"score", "got_what_they_needed"}:
        abort(400, 'the body must be a JSON object with only "score" and '
                   '"got_what_they_needed"')
    score, needed = data.get("score"), data.get("got_what_they_needed")
    # bool is an int in Python: true is not a score.
    if score is not None and (isinstance(score, bool) or not isinstance(score, int)
                              or not 1 <= score <= 5):
        abort(400, words.bad_score)
    if needed is not None and not isinstance(needed, bool):
        abort(400, words.bad_needed)
    return score, needed
