"""The website's route to a customer's rights: ask for a copy of their data or for their records
to be removed (001:7.4, 34.1–34.3), under the privacy notice at `/privacy`.

A plain HTML form like the enquiry form (no JavaScript, errors tied to fields, a honeypot, the
enquiry's rate limit per address). The request is stored by engine.rights with its clocks and
shows on the staff console's data requests page; the customer gets its reference.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlmodel import Session

from engine.rights import RequestError, receive, rights_config
from ivr.chat.ratelimit import RateLimiter
from ivr.connections import get_engine, get_redis
from ivr.forms import bp
from ivr.forms.config import get_forms_config
from ivr.forms.views import _address, _now
from ivr.notices import notices
from routing.plan import default_directory

FIELDS = ("kind", "surname", "first_name", "date_of_birth", "postcode", "reply_to")


@bp.post("/privacy/requests")
def rights_request():
    """Store the request and show its reference; the form again with its errors (400)."""
    values = {name: request.form.get(name, "")[:300] for name in FIELDS}
    if request.form.get("website"):  # a robot: thanked, nothing stored
        return _page({}, {}, 201, reference=None)
    now = _now()
    limiter = RateLimiter(get_redis(), clock=lambda: now.timestamp())
    if limiter.check("rights-address", _address(), get_forms_config().enquiry_per_address):
        return _page(values, {"form": get_forms_config().text("too_many")}, 429)
    directory = current_app.extensions.get("directory") or default_directory()
    try:
        with Session(get_engine()) as session:
            row = receive(session=session, channel="web", logged_by="customer", at=now,
                          directory=directory, zone=directory.timezone, **values)
            reference, kind, due = row.reference, row.kind, row.answer_due
            session.commit()
    except RequestError as error:
        return _page(values, error.errors, 400)
    return _page({}, {}, 201, reference=reference, kind=kind, due=due)


def _page(values: dict, errors: dict, status: int, **done):
    body = render_template("forms/privacy.html", privacy=notices().privacy, values=values,
                           errors=errors, rights=rights_config(), done=done)
    return current_app.response_class(body, status=status, mimetype="text/html")
