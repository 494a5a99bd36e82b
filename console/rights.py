"""Customers' requests about their data on the console: each with its clocks (tell the funder
within five working days, answer within 40 days; 001:34.1–34.2), logged by staff for a request
made by phone, chat or e-mail, or arriving from the website's form.

Supervisors and administrators see and log requests and record that the funder was told; only
an administrator confirms identity (001:34.3), downloads the customer's data (subject access)
or erases their records (termination of service, 001:7.4). Closing a request forgets who the
customer was. Every step is audited, with the reference and never the customer's details.
"""

from __future__ import annotations

import json

from flask import Response, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import Session, select

from config import clock as centre_clock
from console.audit import audit
from console.auth import role_required
from console.floor import directory, now
from console.supervisor_bp import SUPERVISORS, bp
from engine.rights import RequestError, identity_of, receive, rights_config
from models import redis as redis_connection
from models.contacts import remove_indicator
from models.customers import find_customer
from models.db import session_scope
from models.erasure import erase_customer
from models.records import Contact
from models.rights_requests import RightsRequest, close, get_request, requests
from models.subject_access import export_customer
from routing.figure_definitions import load_definitions

FIELDS = ("kind", "channel", "surname", "first_name", "date_of_birth", "postcode", "reply_to")


def _engine():
    return current_app.extensions["engine"]


def _row(session: Session, reference: str) -> RightsRequest:
    row = get_request(session=session, reference=reference[:16])
    if row is None:
        abort(404, description="there is no request with that reference")
    return row


def clocks_body(session: Session) -> dict:
    """Open requests and those past a clock, for the dashboard."""
    today = now().astimezone(load_definitions().timezone).date()
    rows = requests(session=session, open_only=True)
    return {"open": len(rows),
            "funder_overdue": sum(1 for r in rows if r.funder_due and not r.funder_told_at
                                  and r.funder_due < today),
            "answer_overdue": sum(1 for r in rows if r.answer_due < today)}


def _page(*, errors: dict | None = None, given: dict | None = None, status: int = 200):
    today = now().astimezone(load_definitions().timezone).date()
    with session_scope(_engine()) as session:
        rows = requests(session=session)
        shown = [{"row": r, "days_left": (r.answer_due - today).days,
                  "funder_late": bool(r.funder_due and not r.funder_told_at
                                      and r.funder_due < today)} for r in rows]
    return render_template("console/rights.html", rows=shown, errors=errors or {},
                           given=given or {}, config=rights_config(),
                           done=request.args.get("done")), status


@bp.get("/rights")
@role_required(*SUPERVISORS)
def rights_page():
    """Every request with its clocks; open ones first by the answer's due date."""
    return _page()


@bp.post("/rights")
@role_required(*SUPERVISORS)
def rights_log():
    """Log a request a customer made by phone, chat or e-mail."""
    given = {name: request.form.get(name, "")[:300] for name in FIELDS}
    try:
        with session_scope(_engine()) as session:
            row = receive(session=session, logged_by=current_user.username, at=now(),
                          directory=directory(), zone=load_definitions().timezone, **given)
            reference = row.reference
    except RequestError as error:
        return _page(errors=error.errors, given=given, status=400)
    audit("rights_request_logged", target=reference, detail={"kind": given["kind"],
                                                            "channel": given["channel"]})
    return _back(f"Request {reference} logged.")


@bp.post("/rights/<reference>/funder-told")
@role_required(*SUPERVISORS)
def rights_funder_told(reference: str):
    """Record that the funder has been told of this subject access request."""
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        if row.kind != "access" or row.funder_told_at or row.closed_at:
            return _page(errors={"form": "nothing to record for that request"}, status=409)
        row.funder_told_at = now()
        session.add(row)
    audit("rights_funder_told", target=reference)
    return _back(f"Request {reference}: the funder has been told.")


@bp.post("/rights/<reference>/identity")
@role_required("admin")
def rights_identity(reference: str):
    """An administrator has confirmed the customer is who they say (001:34.3)."""
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        if row.closed_at:
            return _page(errors={"form": "that request is closed"}, status=409)
        row.identity_confirmed_by = current_user.username
        session.add(row)
    audit("rights_identity_confirmed", target=reference)
    return _back(f"Request {reference}: identity confirmed.")


def _confirmed_customer(session: Session, row: RightsRequest):
    if row.closed_at:
        abort(409, description="that request is closed")
    if not row.identity_confirmed_by:
        abort(409, description="confirm the customer's identity first")
    customer = find_customer(session=session, identity=identity_of(row))
    if customer is None:
        abort(404, description="no customer record matches all four facts: close the request "
                               "as 'no record matched'")
    return customer


@bp.get("/rights/<reference>/export.json")
@role_required("admin")
def rights_export(reference: str):
    """The customer's data as JSON, to be sent to them securely (subject access)."""
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        customer = _confirmed_customer(session, row)
        data = export_customer(session=session, customer_id=customer.id, at=now(),
                               requested_on=row.received_at.date())
    audit("rights_data_exported", target=reference)
    return Response(json.dumps(data, indent=2, sort_keys=True, default=str),
                    mimetype="application/json", headers={
                        "Content-Disposition": f'attachment; filename="{reference}.json"',
                        "Cache-Control": "no-store"})


@bp.post("/rights/<reference>/erase")
@role_required("admin")
def rights_erase(reference: str):
    """Carry out a termination of service: the customer's records, everywhere, then close."""
    if request.form.get("confirm") != "yes":
        return _page(errors={"form": "tick the box to confirm: erasure cannot be undone"},
                     status=400)
    settings = current_app.config["SETTINGS"]
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        if row.kind != "termination":
            return _page(errors={"form": "only a termination of service erases records"},
                         status=409)
        customer = _confirmed_customer(session, row)
        receipt = erase_customer(
            session=session, customer_id=customer.id, redis=current_app.extensions["redis"],
            tracker_redis=redis_connection.connect(settings.effective_rasa_tracker_redis_url),
            at=centre_clock.now())
        close(session=session, row=row, outcome="erased", at=now())
    audit("rights_records_erased", target=reference, detail={"receipt": receipt.reference})
    return _back(f"Request {reference}: records erased (receipt {receipt.reference}).")


@bp.post("/rights/<reference>/remove-indicator")
@role_required("admin")
def rights_remove_indicator(reference: str):
    """Remove the neutral priority-group indicator from every contact of the customer, as they
    asked (001:20.3), then close the request."""
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        if row.kind != "indicator":
            return _page(errors={"form": "only an indicator request removes the indicator"},
                         status=409)
        customer = _confirmed_customer(session, row)
        keys = session.exec(select(Contact.key).where(Contact.customer_id == customer.id)).all()
        for key in keys:
            remove_indicator(session=session, contact_key=key)
        close(session=session, row=row, outcome="indicator_removed", at=now())
    audit("rights_indicator_removed", target=reference, detail={"contacts": len(keys)})
    return _back(f"Request {reference}: the indicator is removed from {len(keys)} contact"
                 f"{'' if len(keys) == 1 else 's'}.")


@bp.post("/rights/<reference>/close")
@role_required("admin")
def rights_close(reference: str):
    """Close the request with an outcome; its customer details are forgotten."""
    outcome = request.form.get("outcome", "")
    if outcome not in rights_config().outcomes or outcome in ("erased", "indicator_removed"):
        return _page(errors={"form": "choose how the request ended"}, status=400)
    with session_scope(_engine()) as session:
        row = _row(session, reference)
        if row.closed_at:
            return _page(errors={"form": "that request is already closed"}, status=409)
        close(session=session, row=row, outcome=outcome, at=now())
    audit("rights_request_closed", target=reference, detail={"outcome": outcome})
    return _back(f"Request {reference} closed.")


def _back(done: str):
    return redirect(url_for("supervisor.rights_page", done=done), code=303)
