"""A private note on a contact from the desk: for colleagues who pick the customer up later,
never shown to the customer. Stored on the contact's timeline through the same redaction as a
wrap-up note (restricted words removed, and the adviser told), and audited."""

from __future__ import annotations

from flask import abort, current_app, jsonify, request
from flask_login import current_user

from console import bp
from console.audit import audit
from console.auth import role_required
from console.desk import MAX_NOTE, _contact_key, _mine
from engine.dispatch import now
from models.contacts import EventKind, NewEvent, record_events
from models.db import session_scope
from models.redaction import RESTRICTED, redact


@bp.post("/api/contacts/<member>/notes")
@role_required("adviser")
def add_note(member: str):
    """Add a private note to a contact the adviser holds: 201 with the note as stored."""
    held = _mine(member)
    body = request.get_json(silent=True) or {}
    text = body.get("text")
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_NOTE:
        abort(400, f"write a note of 1 to {MAX_NOTE} characters")
    stored = redact(text.strip())
    contact_key = _contact_key(member, held.channel)
    at = now()
    with session_scope(current_app.extensions["engine"]) as db:
        record_events(session=db, contact_key=contact_key, events=[NewEvent(
            kind=EventKind.ADVISER_NOTE, at=at, detail={"by": current_user.display_name
                                                        or current_user.username},
            text=stored)])
    audit("contact_note_added", target=member)
    return jsonify(note={"at": at.isoformat(), "text": stored,
                         "by": current_user.display_name or current_user.username},
                   restricted_removed=RESTRICTED in stored and RESTRICTED not in text), 201
