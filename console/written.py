"""Written enquiries on the desk: the written queues, a thread, a reply by email, an outcome.

Advisers see the written queues of the contact-centre queues they may take (their skills);
supervisors and admins see them all. Every view of an enquiry is audited. A reply goes out by
SMTP in the customer's thread and stops the first-response clock; closing needs an outcome code.
"""

from __future__ import annotations

from datetime import datetime

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from console import bp
from console.audit import audit
from console.auth import role_required
from console.config import get_console_config
from engine.desk_ports import desk_ports
from engine.dispatch import now
from models import set_aside
from models.contacts import EventKind, record_event
from models.db import session_scope
from routing import written as data

ROLES = ("adviser", "supervisor", "admin")
MAX_REPLY = 8000


def _now() -> datetime:
    return now()  # the app's one clock (tests and demos move it)


def _queues() -> list[str]:
    config = data.load_written_config()
    if current_user.role in ("supervisor", "admin"):
        return list(config.queue_names())
    return config.queues_for(current_user.queues)


def _allowed(enquiry) -> None:
    # Not yours to see is the same answer as not there: nothing about it leaks.
    if enquiry is None or enquiry.queue_id not in _queues():
        abort(404)


@bp.get("/written")
@role_required(*ROLES)
def written_page():
    """The written queues this person takes, and the enquiries waiting in one of them."""
    names = data.load_written_config().queue_names()
    queues = _queues()
    chosen = request.args.get("queue") or (queues[0] if queues else "")
    if chosen and chosen not in queues:
        abort(404)
    now = _now()
    with session_scope(current_app.extensions["engine"]) as db:
        counts = data.queue_counts(session=db, at=now)
        waiting = data.list_queue(session=db, queue_id=chosen) if chosen else []
        rows = [_row(e, now) for e in waiting]
    # Mail the mailbox set aside unread: no words or sender, only where a person finds it.
    redis_client = current_app.extensions["redis"]
    return render_template("console/written.html", names=names, queues=queues, chosen=chosen,
                           counts=counts, rows=rows, aside=set_aside.waiting(redis_client),
                           aside_total=set_aside.count(redis_client))


@bp.post("/written/set-aside/<entry_id>/done")
@role_required(*ROLES)
def set_aside_done(entry_id: str):
    """A person has read a set-aside email in the mailbox: take it off the desk (audited)."""
    if not set_aside.dismiss(current_app.extensions["redis"], entry_id):
        abort(404)
    audit("mail_set_aside_dealt_with", target=f"set-aside:{entry_id}")
    return redirect(url_for("console.written_page"), code=303)


@bp.get("/written/<int:enquiry_id>")
@role_required(*ROLES)
def written_enquiry(enquiry_id: int):
    """One enquiry: its triage, its thread and the reply form."""
    return _enquiry_page(enquiry_id, error=(request.args.get("error") or "")[:200])


def _enquiry_page(enquiry_id: int, *, error: str = "", draft: str = ""):
    """The enquiry's page; `draft` is a reply not sent, kept in the form to send again."""
    with session_scope(current_app.extensions["engine"]) as db:
        enquiry = data.get_enquiry(session=db, enquiry_id=enquiry_id)
        _allowed(enquiry)
        thread = data.messages(session=db, enquiry_id=enquiry_id)
        view = {"enquiry": _row(enquiry, _now()), "decision": dict(enquiry.decision),
                "thread": [{"direction": m.direction, "at": m.at, "text": m.text,
                            "staff": m.staff_id, "dropped": m.attachments_dropped}
                           for m in thread]}
    audit("written_enquiry_viewed", target=f"written:{enquiry_id}")
    config = get_console_config()
    canned = [(answer_id, title, config.canned_text(answer_id, adviser=current_user.shown_name,
                                                    queue=view["enquiry"]["queue"]))
              for answer_id, (title, _) in config.canned.items()]
    return render_template("console/written_enquiry.html", canned=canned,
                           outcomes=list(config.outcomes.items()), error=error, draft=draft,
                           **view)


@bp.post("/written/<int:enquiry_id>/reply")
@role_required(*ROLES)
def written_reply(enquiry_id: int):
    """Send the reply in the customer's thread (SMTP) and record it."""
    text = (request.form.get("text") or "").strip()
    if not text or len(text) > MAX_REPLY:
        return _back(enquiry_id, "Write a reply of up to 8,000 characters.")
    settings = current_app.config["SETTINGS"]
    if not settings.mail_smtp_url:
        return _enquiry_page(enquiry_id, draft=text, error=(
            "Email is not set up here (MAIL_SMTP_URL): your reply is kept below as a draft.")), 503
    failed = None
    with session_scope(current_app.extensions["engine"]) as db:
        enquiry = data.get_enquiry(session=db, enquiry_id=enquiry_id)
        _allowed(enquiry)
        try:
            desk_ports().send_reply(session=db, enquiry=enquiry, staff_id=current_user.username,
                                    text=text, at=_now())
        except (OSError, ValueError) as error:
            failed = type(error).__name__
    if failed:
        # Never thrown away: the page comes back with the reply in the form as a draft, and why.
        audit("written_reply_not_sent", target=f"written:{enquiry_id}",
              detail={"error": failed})
        return _enquiry_page(enquiry_id, draft=text, error=(
            f"Your reply was not sent: the mail server did not take it ({failed}). It is kept "
            "below as a draft: check the customer's address or try again in a moment.")), 502
    audit("written_enquiry_replied", target=f"written:{enquiry_id}")
    return redirect(url_for("console.written_enquiry", enquiry_id=enquiry_id), code=303)


@bp.post("/written/<int:enquiry_id>/close")
@role_required(*ROLES)
def written_close(enquiry_id: int):
    """Finish the enquiry with an outcome code (on the timeline, like every handled contact)."""
    outcome = request.form.get("outcome", "")
    if outcome not in get_console_config().outcomes:
        return _back(enquiry_id, "Choose an outcome.")
    with session_scope(current_app.extensions["engine"]) as db:
        enquiry = data.get_enquiry(session=db, enquiry_id=enquiry_id)
        _allowed(enquiry)
        now = _now()
        record_event(session=db, contact_key=enquiry.contact_key, kind=EventKind.STAFF_NOTE,
                     at=now, event_id="outcome", detail={"outcome": outcome,
                                                         "staff": current_user.username})
        queue = enquiry.queue_id
        data.close_enquiry(session=db, enquiry_id=enquiry_id, at=now)
    audit("written_enquiry_closed", target=f"written:{enquiry_id}", detail={"outcome": outcome})
    return redirect(url_for("console.written_page", queue=queue), code=303)


def _back(enquiry_id: int, error: str):
    return redirect(url_for("console.written_enquiry", enquiry_id=enquiry_id, error=error),
                    code=303)


def _row(enquiry, now: datetime) -> dict:
    due = enquiry.first_response_due
    late = enquiry.first_responded_at is None and due < now
    minutes = int(abs((due - now).total_seconds()) // 60)
    words = f"{minutes // 60} h {minutes % 60} min"
    return {"id": enquiry.id, "queue": enquiry.queue_id, "channel": enquiry.channel,
            "kind": enquiry.kind, "status": enquiry.status, "subject": enquiry.subject,
            "destination": enquiry.destination, "received": enquiry.received_at, "due": due,
            "final_due": enquiry.final_response_due, "late": late,
            "clock": f"{words} overdue" if late else (
                "answered" if enquiry.first_responded_at else f"due in {words}"),
            "reply_to": enquiry.reply_to}
