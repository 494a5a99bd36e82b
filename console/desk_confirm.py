"""The wrap-up's written confirmation of the information given (000:L21, engine.confirmations).

The wrap-up may carry `"confirm": {"articles": [ids], "by": "sms"|"email", "to": number or
address, "agreed": true}`: the knowledge articles to confirm (those with a public link and
customer-facing words), how, and where the customer agreed to be contacted. It is checked before
the wrap-up is recorded (400 with the reason), then stored for the worker to send at once; the
timeline says which articles, how and by when, never the number or the address. The articles
the assistant gave on the contact (its `information_given` events) are offered first.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, jsonify
from flask_login import current_user

from console import bp
from console.auth import role_required
from console.floor import directory
from engine import confirmations
from engine.desk_ports import desk_ports
from engine.dispatch import now, wrap_up_of
from engine.knowledge import Article
from models import keys
from models.contacts import EventKind, UnknownContact, timeline
from models.db import session_scope


@dataclass(frozen=True)
class Requested:
    """A checked confirmation request from the wrap-up."""

    articles: list[Article]
    by: str
    to: str


def articles() -> list[dict[str, str]]:
    """The articles the wrap-up offers: id, title and link, in the knowledge base's order."""
    return [{"id": a.id, "title": a.title, "link": a.link or ""}
            for a in confirmations.confirmable()]


def requested(body: dict) -> Requested | None:
    """The wrap-up's `confirm`, checked; None when it asks for none; 400 with why otherwise."""
    wanted = body.get("confirm")
    if wanted is None:
        return None
    if not isinstance(wanted, dict):
        abort(400, "confirm must be an object with articles, by, to and agreed")
    if wanted.get("agreed") is not True:
        abort(400, "confirm only to a customer who agreed to be contacted (agreed: true)")
    try:
        chosen = confirmations.chosen(wanted.get("articles"))
        to = confirmations.address(wanted.get("by"), wanted.get("to"))
    except confirmations.ChoiceError as error:
        abort(400, str(error))
    return Requested(articles=chosen, by=str(wanted["by"]), to=to)


def arrange(request: Requested, contact_key: str, adviser: str) -> dict:
    """Store the confirmation (sent by the worker's next round); what the desk shows of it."""
    places = directory()
    with session_scope(current_app.extensions["engine"]) as db:
        row = confirmations.arrange_confirmation(
            session=db, contact_key=contact_key, articles=request.articles, notify=request.by,
            to=request.to, at=now(), bank_holidays=places.bank_holidays, tz=places.timezone,
            adviser=adviser)
    return {"id": row.id, "articles": row.articles, "by": row.notify,
            "due_at": row.due_at.isoformat()}


@bp.get("/api/contacts/<member>/information-given")
@role_required("adviser")
def information_given(member: str):
    """The articles the assistant gave on a contact waiting for this adviser's wrap-up."""
    stored = current_app.extensions["redis"].hget(
        keys.key(keys.ADVISER_WRAP_UPS, user_id=current_user.id), member)
    if stored is None:
        abort(404, "nothing to wrap up for this contact")
    key = member
    if wrap_up_of(stored)["channel"] == "chat":
        chat = desk_ports().chat_store().load(member)
        if chat is None:
            abort(410, "the chat has expired")
        key = chat.contact_key
    with session_scope(current_app.extensions["engine"]) as db:
        try:
            events = timeline(session=db, contact_key=key)
        except UnknownContact:
            events = []
    given: list[str] = []
    for event in events:
        if event.kind == EventKind.INFORMATION_GIVEN:
            given += [a for a in (event.detail or {}).get("articles", []) if a not in given]
    return jsonify(articles=given)
