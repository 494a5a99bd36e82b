"""The 31-day survey's public page: one link, one answer (engine.survey_31_day).

A plain HTML form like the other website forms: no JavaScript, errors tied to their fields,
the same rate limit per address as the enquiry form. As for the chat API and the other forms
(console.init_app exempts this blueprint from the console's CSRF token), no cookie is read: the
unguessable one-use token in the URL is the only credential, so a forged cross-site post has
nothing to ride on. A used, expired or unknown link gets a page saying so (410, 410, 404).
"""

from __future__ import annotations

from flask import current_app, render_template, request
from sqlmodel import Session

from engine.survey_31_day import answer, link_state, survey_config
from ivr.chat.ratelimit import RateLimiter
from ivr.connections import get_engine, get_redis
from ivr.forms import bp
from ivr.forms.config import get_forms_config
from ivr.forms.views import _address, _now

REFUSED = {"unknown": 404, "used": 410, "expired": 410}
MAX_TOKEN = 100


@bp.get("/survey/<token>")
def survey_page(token: str):
    """The two questions, or why the link cannot be answered."""
    with Session(get_engine()) as session:
        state = "unknown" if len(token) > MAX_TOKEN else link_state(
            session=session, token=token, now=_now())
    if state != "open":
        return _refused(state)
    return _page(token, {}, {}, 200)


@bp.post("/survey/<token>")
def survey_submit(token: str):
    """Record the answers once; the form again with its errors (400); why not (404/410/429)."""
    if len(token) > MAX_TOKEN:
        return _refused("unknown")
    words = survey_config().words
    values = {name: request.form.get(name, "")[:10] for name in ("score", "next_step")}
    errors = {}
    if values["score"] not in ("1", "2", "3", "4", "5"):
        errors["score"] = words.bad_score
    if values["next_step"] not in ("yes", "no"):
        errors["next_step"] = words.bad_step
    now = _now()
    limiter = RateLimiter(get_redis(), clock=lambda: now.timestamp())
    if limiter.check("survey-address", _address(), get_forms_config().enquiry_per_address):
        return _page(token, values, {"form": get_forms_config().text("too_many")}, 429)
    if errors:
        with Session(get_engine()) as session:
            state = link_state(session=session, token=token, now=now)
        return _refused(state) if state != "open" else _page(token, values, errors, 400)
    with Session(get_engine()) as session:
        outcome, _ = answer(session=session, token=token, score=int(values["score"]),
                            next_step=values["next_step"] == "yes", now=now)
    if outcome != "recorded":
        return _refused(outcome)
    body = render_template("forms/survey_done.html", words=words, refused=None)
    return current_app.response_class(body, status=201, mimetype="text/html")


def _page(token: str, values: dict, errors: dict, status: int):
    body = render_template("forms/survey.html", token=token, words=survey_config().words,
                           values=values, errors=errors)
    return current_app.response_class(body, status=status, mimetype="text/html")


def _refused(state: str):
    words = survey_config().words
    body = render_template("forms/survey_done.html", words=words,
                           refused=getattr(words, state, words.unknown))
    return current_app.response_class(body, status=REFUSED.get(state, 404), mimetype="text/html")
