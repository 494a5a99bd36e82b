"""The "call me" form: `POST /api/call-me` (JSON, ARCHITECTURE.md) and the page at `/call-me`.

The page works without JavaScript: choose a window from the ones offered, give a number, send.
Errors are listed at the top and tied to their fields (WCAG 2.2: 3.3.1, 3.3.3, 1.3.1). A hidden
"website" field catches form-filling robots: a filled one gets the thank-you page and nothing is
stored, so the robot learns nothing. No CAPTCHA: it would exclude people.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime

from flask import abort, current_app, jsonify, render_template, request
from sqlmodel import Session

from engine.addresses import address_key
from engine.rights import rights_config
from engine.when import clock
from ivr.chat.api import chat_clock
from ivr.chat.ratelimit import RateLimiter
from ivr.connections import get_engine, get_redis
from ivr.forms import bp
from ivr.forms.callme import CallMeBooked, FieldErrors, TooMany, book, validate
from ivr.forms.config import get_forms_config
from ivr.forms.windows import Window, offered_windows
from ivr.messaging.config import get_messages_config
from ivr.messaging.sender import confirm
from ivr.notices import notices
from routing.plan import default_directory

log = logging.getLogger("ivr.forms")


@bp.context_processor
def _notices() -> dict:
    # Every page of the forms shows the privacy notice's link and the other ways in.
    return {"notices": notices()}


@bp.get("/privacy")
def privacy_page():
    """The privacy notice, linked from the webchat, the forms and the mailbox's reply (000:L83)."""
    return render_template("forms/privacy.html", privacy=notices().privacy, values={},
                           errors={}, rights=rights_config(), done={})


def _centre():
    directory = current_app.extensions.get("directory") or default_directory()
    return directory.contact_centre


def _now() -> datetime:
    return chat_clock()()


def _address() -> str:
    return address_key(request.remote_addr)


@bp.post("/api/call-me")
def call_me_api():
    """Book a callback from JSON: 201 {callback_id, due}; 400 with a reason; 429 over limits."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="the body must be a JSON object")
    window = body.get("window")
    if not isinstance(window, dict):
        return jsonify(error="window: give start and end as ISO 8601 times",
                       fields={"window": "missing"}), 400
    config, now = get_forms_config(), _now()
    try:
        wanted = validate(config, _centre(), now, phone=body.get("phone"),
                          start=window.get("start"), end=window.get("end"),
                          about=body.get("about"), texts=body.get("texts", False),
                          not_mobile=get_messages_config().consent_not_mobile)
        booked = _book(wanted, now)
    except FieldErrors as error:
        return jsonify(error=str(error), fields=error.errors), 400
    except TooMany as error:
        return _too_many(error)
    extra = {"urgent": True, "emergency": config.text("emergency")} if booked.urgent else {}
    return jsonify(callback_id=booked.callback_id, due=booked.due.isoformat(), **extra), 201


@bp.get("/call-me")
def call_me_page():
    """The form, with the windows the contact centre can offer from now on."""
    return _form(values={}, errors={}, status=200)


@bp.post("/call-me")
def call_me_submit():
    """The form's post: the confirmation page, or the form again with its errors."""
    config, now = get_forms_config(), _now()
    form = request.form
    values = {name: form.get(name, "") for name in ("phone", "window", "about", "texts")}
    if form.get("website"):
        return render_template("forms/call_me_done.html", config=config, booked=None), 200
    start, _, end = values["window"].partition("/")
    try:
        wanted = validate(config, _centre(), now, phone=values["phone"], start=start or None,
                          end=end or None, about=values["about"], texts=values["texts"] == "yes",
                          not_mobile=get_messages_config().consent_not_mobile)
        booked = _book(wanted, now)
    except FieldErrors as error:
        errors = dict(error.errors)
        if "window" in errors:
            errors["window"] = config.text("bad_window")
        return _form(values=values, errors=errors, status=400)
    except TooMany as error:
        return _form(values=values, errors={"form": config.text("too_many")}, status=429,
                     retry_after=error.seconds)
    return render_template("forms/call_me_done.html", config=config, booked=booked,
                           when=_spoken_window(Window(booked.request.start, booked.request.end)),
                           phone=_masked(booked.request.phone)), 201


def _book(wanted, now: datetime) -> CallMeBooked:
    limiter = RateLimiter(get_redis(), clock=lambda: now.timestamp())
    with Session(get_engine()) as session:
        booked = book(get_forms_config(), session=session, limiter=limiter, address=_address(),
                      request=wanted, now=now, redis_client=get_redis())
    try:  # confirmed at once in writing (000:L21); the booking stands whatever happens to it
        confirm(booked.callback_id, now)
    except Exception as error:  # noqa: BLE001 - a text that cannot go must not lose the call
        log.error("callback %s confirmation failed: %s", booked.callback_id,
                  type(error).__name__)
    return booked


def _form(*, values: dict[str, str], errors: dict[str, str], status: int,
          retry_after: int | None = None):
    config, now = get_forms_config(), _now()
    windows = offered_windows(_centre(), now, days_ahead=config.days_ahead,
                              slot_minutes=config.slot_minutes, lead_minutes=config.lead_minutes)
    days: OrderedDict[str, list[tuple[Window, str]]] = OrderedDict()
    for window in windows:
        days.setdefault(_day_name(window.start, now), []).append((window, _times(window)))
    body = render_template("forms/call_me.html", config=config, days=days, values=values,
                           errors=errors, consent=get_messages_config())
    response = current_app.response_class(body, status=status, mimetype="text/html")
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _too_many(error: TooMany):
    response = jsonify(error="too many call-me requests; try again later")
    response.status_code = 429
    response.headers["Retry-After"] = str(error.seconds)
    return response


def _local(at: datetime) -> datetime:
    directory = current_app.extensions.get("directory") or default_directory()
    return at.astimezone(directory.timezone)


def _day_name(at: datetime, now: datetime) -> str:
    local, today = _local(at), _local(now).date()
    if local.date() == today:
        return f"Today, {local:%A} {local.day} {local:%B}"
    return f"{local:%A} {local.day} {local:%B}"


def _clock(at: datetime) -> str:
    return clock(_local(at))


def _times(window: Window) -> str:
    return f"{_clock(window.start)} to {_clock(window.end)}"


def _spoken_window(window: Window) -> str:
    local = _local(window.start)
    return f"{_times(window)} on {local:%A} {local.day} {local:%B}"


def _masked(phone: str) -> str:
    """Only the last three digits, so a shared screen does not show the whole number."""
    return f"the number ending {phone[-3:]}"
