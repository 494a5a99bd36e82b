"""The adviser page (until the staff console exists): take the next waiting chat and reply.

Behind a shared secret (ADVISER_SECRET); outside production an unset secret falls back to the
development value in config/chat.yaml and the page says so. The adviser's name and current chat
live in the signed session cookie; every state change goes through ChatService, so the customer
sees the hand-over and the replies on their own event stream.
"""

from __future__ import annotations

import hmac

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ivr.chat import bp
from ivr.chat.api import chat_events, chat_queue, chat_service, chat_store, customer_text
from ivr.chat.config import get_chat_config

# State-changing calls must carry this header: a plain cross-site form cannot set it (CSRF).
ADVISER_HEADER = "X-Adviser-Page"
URGENT_QUEUES = ("safeguarding",)  # taken before anything else (003:L211)


def adviser_secret() -> tuple[str | None, bool]:
    """(the secret, whether it is the development default); None in production without one."""
    settings = current_app.config["SETTINGS"]
    if settings.adviser_secret:
        return settings.adviser_secret, False
    if settings.app_env == "production":
        return None, False
    return get_chat_config().development_secret, True


@bp.get("/adviser/")
def adviser_page():
    """The sign-in form, or the adviser's page once signed in."""
    secret, development = adviser_secret()
    if secret is None:
        return render_template("chat/adviser_login.html", unconfigured=True), 503
    if "adviser" not in session:
        hint = secret if development else None
        return render_template("chat/adviser_login.html", development_secret=hint)
    return render_template("chat/adviser.html", name=session["adviser"],
                           queues=get_chat_config().adviser_queues, header=ADVISER_HEADER)


@bp.post("/adviser/login")
def adviser_login():
    """Check the shared secret and remember the adviser's display name."""
    secret, development = adviser_secret()
    given = request.form.get("secret", "")
    if secret is None or not hmac.compare_digest(given.encode(), secret.encode()):
        hint = secret if development else None
        return render_template("chat/adviser_login.html", error=True,
                               development_secret=hint), 403
    name = " ".join(request.form.get("name", "").split())[:40] or "Adviser"
    session.clear()
    session["adviser"] = name
    return redirect(url_for("chat.adviser_page"))


@bp.post("/adviser/logout")
def adviser_logout():
    """Forget the adviser."""
    session.clear()
    return redirect(url_for("chat.adviser_page"))


@bp.get("/adviser/api/queues")
def adviser_queues():
    """How many chats wait in each queue, and the chat this adviser holds."""
    _require_adviser()
    config = get_chat_config()
    current = session.get("chat")
    held = chat_store(config).load(current) if current else None
    if current and (held is None or held.state != "adviser"):
        session.pop("chat", None)  # the customer ended it or it expired
        current = None
    return jsonify(queues=chat_queue(config).sizes(), current=current)


@bp.post("/adviser/api/take")
def adviser_take():
    """Take the longest-waiting chat (safeguarding first); 204 when nobody is waiting."""
    _require_adviser(write=True)
    config = get_chat_config()
    service, queue = chat_service(), chat_queue(config)
    served = [q for q in config.adviser_queues if q in queue.queue_ids]
    for queue_ids in ([q for q in served if q in URGENT_QUEUES],
                      [q for q in served if q not in URGENT_QUEUES]):
        while (taken := queue.take_next(queue_ids, at=service.clock().timestamp())) is not None:
            chat = service.store.load(taken.session_id)
            if chat is None or chat.state != "queued":
                continue  # expired or ended while waiting: take the next one
            service.hand_over(chat, adviser_name=session["adviser"],
                              waited_seconds=taken.waited_seconds)
            session["chat"] = chat.session_id
            return jsonify(_chat_view(chat))
    return Response(status=204)


@bp.get("/adviser/api/chats/<session_id>")
def adviser_chat(session_id: str):
    """The chat's transcript and triage summary."""
    _require_adviser(chat=session_id)
    chat = chat_store(get_chat_config()).load(session_id) or abort(404, "chat has expired")
    return jsonify(_chat_view(chat))


@bp.get("/adviser/api/chats/<session_id>/events")
def adviser_events(session_id: str):
    """The same live stream the customer sees."""
    _require_adviser(chat=session_id)
    return chat_events(session_id)


@bp.post("/adviser/api/chats/<session_id>/messages")
def adviser_reply(session_id: str):
    """Send the adviser's reply to the customer."""
    _require_adviser(chat=session_id, write=True)
    config = get_chat_config()
    text = customer_text(request.get_data(cache=False), request.mimetype, config.max_text_chars)
    service = chat_service()
    chat = service.store.load(session_id)
    if chat is None or chat.state != "adviser":
        abort(409, "this chat is no longer with you")
    service.adviser_says(chat, text, name=session["adviser"])
    return jsonify(sent=True)


@bp.post("/adviser/api/chats/<session_id>/end")
def adviser_end(session_id: str):
    """End the chat for both sides."""
    _require_adviser(chat=session_id, write=True)
    service = chat_service()
    chat = service.store.load(session_id)
    if chat is not None:
        service.end(chat, by="adviser")
    session.pop("chat", None)
    return jsonify(ended=True)


def _chat_view(chat) -> dict:
    decision = chat.decision or {}
    return {"session_id": chat.session_id, "state": chat.state, "queue": chat.queue_id,
            "summary": {"destination": decision.get("destination"),
                        "priority_groups": decision.get("priority_groups", []),
                        "reasons": decision.get("reasons", []), "notes": decision.get("notes", [])},
            "transcript": chat_store(get_chat_config()).transcript(chat.session_id)}


def _require_adviser(*, chat: str | None = None, write: bool = False) -> None:
    if "adviser" not in session:
        abort(401, "sign in on the adviser page first")
    if write and request.headers.get(ADVISER_HEADER) != "1":
        abort(400, f"missing {ADVISER_HEADER} header")
    if chat is not None and session.get("chat") != chat:
        abort(403, "this chat is not yours")
