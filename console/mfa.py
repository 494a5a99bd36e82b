"""The second step of a staff sign-in for the roles in CONSOLE_MFA_ROLES: a TOTP code.

After a right password such a person is not signed in: their server-side session holds only who
they are and until when they may give the code (PENDING_SECONDS), and the console's guard lets
them reach nothing but these pages and the sign-in page. Without a secret yet they enrol first:
the page shows a QR code and the secret, and the secret is stored (sealed) only once a code from
it is right. Each code claims a sign-in attempt of the username (console.lockout), so wrong codes
and wrong passwords add up to one lock-out; a code's time-step is remembered, so no code signs
in twice.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, redirect, render_template, request, session, url_for

from config import clock as centre_clock
from console import bp, totp
from console.audit import audit
from console.auth import ConsoleUser
from console.sessions import PENDING_KEY, PENDING_SECONDS, renew
from console.signin import complete, refused, signin_lockout
from engine.addresses import address_key
from models.db import session_scope
from models.staff import StaffUser, accept_totp_step, enrol_totp, get_user

TEMPLATE = "console/second_factor.html"


def ask_for_code(user: ConsoleUser, *, enrolled: bool):
    """After a right password: a half-way session, and 303 to the code (or enrolment) page."""
    session.clear()
    renew()  # the half-way session gets an id of its own, stored server-side
    pending: dict[str, Any] = {"u": user.id, "name": user.username,
                               "until": centre_clock.now().timestamp() + PENDING_SECONDS}
    if not enrolled:  # a secret for this enrolment, sealed even in the session store
        pending["s"] = totp.seal_secret(_keys(), user.id, totp.new_secret())
    session[PENDING_KEY] = pending
    audit("sign_in_code_asked", actor=user.username, detail={"enrol": not enrolled})
    return redirect(url_for("console.second_factor"), code=303)


@bp.get("/login/code")
def second_factor():
    """The code page, or the enrolment page (QR code and secret) for a first second factor."""
    pending = _pending()
    if pending is None:
        return redirect(url_for("console.login"))
    return _page(pending)


@bp.post("/login/code")
def second_factor_post():
    """303 to /console/ for a right, unused code; 200 with an error; 429 while locked."""
    pending = _pending()
    if pending is None:
        return _start_again()
    code = totp.clean_code(request.form.get("code", ""))
    if code is None:  # cannot be right, so it costs no attempt
        return _page(pending, error="Enter the 6-digit code from your authenticator app.")
    lockout = signin_lockout()
    now = centre_clock.now()
    claim = lockout.claim(pending["name"], address_key(request.remote_addr), at=now.timestamp())
    if claim.refused is not None:
        if claim.refused == "locked":
            session.clear()  # locked: the password again, once the lock has passed
            audit("sign_in_refused", actor=pending["name"], detail={"reason": "locked"})
            return refused("locked", claim.retry_after, username=pending["name"])
        return refused(claim.refused, claim.retry_after, TEMPLATE, **_context(pending))
    user, error = _judge(pending, code, now)
    if user is None:
        locked = lockout.failed(claim)
        audit("sign_in_code_failed", actor=pending["name"], detail={
            "locked": locked, "reason": error})
        if locked:  # the password again, once the lock has passed
            session.clear()
            return render_template("console/login.html", username=pending["name"], error=(
                f"{_ERRORS[error]} Too many failed sign-ins: try again later.")), 200
        return _page(pending, error=_ERRORS[error])
    lockout.succeeded(claim)
    return complete(user, second_factor="enrolled" if "s" in pending else "totp")


@bp.post("/login/cancel")
def second_factor_cancel():
    """Give up half-way: the half-way session ends (a signed-in session is not touched here)."""
    if PENDING_KEY in session:
        session.clear()
    return redirect(url_for("console.login"), code=303)


_ERRORS = {
    "wrong": "The code is not right. Check the time on your phone and try the newest code.",
    "used": "That code has been used already. Wait for the next code, then enter it.",
    "gone": "Your second factor has changed. Sign in again.",
}


def _judge(pending: dict[str, Any], code: str, now) -> tuple[ConsoleUser | None, str]:
    """The user when `code` is right and unused (storing the secret when enrolling), else why."""
    keys, user_id = _keys(), int(pending["u"])
    with session_scope(current_app.extensions["engine"]) as db:
        row = get_user(session=db, user_id=user_id)
        if row is None or not row.active:
            return None, "gone"
        enrolling = "s" in pending
        sealed = pending["s"] if enrolling else row.totp_secret
        secret = totp.open_secret(keys, user_id, sealed)
        if secret is None or enrolling != (row.totp_secret is None):
            return None, "gone"  # reset, or enrolled elsewhere, meanwhile
        step = totp.matching_step(secret, code, now)
        if step is None:
            return None, "wrong"
        # One UPDATE each, so two requests with one code cannot both succeed.
        stored = (enrol_totp(session=db, user=row, sealed_secret=totp.seal_secret(
            keys, user_id, secret), step=step) if enrolling
            else accept_totp_step(session=db, user_id=user_id, step=step))
        if not stored:
            return None, "gone" if enrolling else "used"
        return _fresh(db, row), ""


def _fresh(db, row: StaffUser) -> ConsoleUser:
    db.refresh(row)
    return ConsoleUser.from_row(row)


def _pending() -> dict[str, Any] | None:
    """The half-way sign-in of this session, if it has not run out."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not {"u", "name", "until"} <= pending.keys():
        return None
    if centre_clock.now().timestamp() > float(pending["until"]):
        session.clear()
        return None
    return pending


def _start_again():
    """No half-way sign-in (none, ended or out of time): the sign-in page says so."""
    session.clear()
    return render_template("console/login.html", error=(
        "Your sign-in was not finished in time. Enter your username and password again.")), 200


def _page(pending: dict[str, Any], *, error: str | None = None):
    return render_template(TEMPLATE, error=error, **_context(pending)), 200


def _context(pending: dict[str, Any]) -> dict[str, Any]:
    if "s" not in pending:
        return {"enrol": False}
    secret = totp.open_secret(_keys(), int(pending["u"]), pending["s"]) or ""
    uri = totp.provisioning_uri(secret, pending["name"])
    return {"enrol": True, "qr": totp.qr_data_uri(uri), "secret": totp.grouped(secret),
            "issuer": totp.ISSUER}


def _keys() -> tuple[bytes, ...]:
    return current_app.config["SETTINGS"].effective_sealing_keys
