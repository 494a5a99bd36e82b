"""Sign-in, sign-out, change of password, the console's home and the audit log search."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, logout_user

from config import clock as centre_clock
from console import bp, mfa
from console.audit import audit
from console.auth import ALL_ROLES, ConsoleUser, go_offline, role_required
from console.passwords import hash_password, password_problem, verify_password
from console.sessions import end_user_sessions, renew
from console.signin import complete, refused, signin_lockout
from engine.addresses import address_key
from models.db import session_scope
from models.staff import find_user, get_user, search_audit, set_password_hash

MAX_FIELD = 256


# A failed sign-in is audited under the username only when it names an account: what someone
# typed in the username box may be their password (or another person's name).
UNKNOWN_ACTOR = "(unknown username)"


@bp.get("/login")
def login():
    """The sign-in form (username, password, csrf_token)."""
    if current_user.is_authenticated:
        return redirect(url_for("console.home"))
    return render_template("console/login.html")


@bp.post("/login")
def login_post():
    """303 to /console/ on success; 200 with an error otherwise; 429 while locked or throttled."""
    username = request.form.get("username", "").strip()[:MAX_FIELD]
    password = request.form.get("password", "")[:MAX_FIELD]
    if not username or not password:
        return render_template("console/login.html", error="Enter your username and password.",
                               username=username), 200
    # A password hash takes 64 MiB: a process judges only so many at once, and refuses the rest
    # at once rather than queue them (a queue of hashes is how a flood takes the pool down).
    hashes = current_app.extensions["signin_hashes"]
    if not hashes.acquire(blocking=False):
        return refused("busy", current_app.config["SETTINGS"].retry_after_seconds,
                       username=username)
    try:
        return _judge(username, password)
    finally:
        hashes.release()


def _judge(username: str, password: str):
    lockout = signin_lockout()
    claim = lockout.claim(username, address_key(request.remote_addr),
                          at=centre_clock.now().timestamp())
    if claim.refused is not None:
        if claim.refused == "locked":
            audit("sign_in_refused", actor=_actor(username), detail={"reason": "locked"})
        return refused(claim.refused, claim.retry_after, username=username)
    with session_scope(current_app.extensions["engine"]) as db:
        row = find_user(session=db, username=username)
        actor = row.username if row is not None else UNKNOWN_ACTOR
        good = verify_password(row.password_hash if row and row.active else None, password)
        user = ConsoleUser.from_row(row) if good else None
        enrolled = good and row.totp_secret is not None
    if user is None:
        audit("sign_in_failed", actor=actor, detail={"locked": lockout.failed(claim)})
        return render_template("console/login.html", username=username,
                               error="The username or password is not right."), 200
    if user.role in current_app.config["SETTINGS"].console_mfa_role_set:
        # Not signed in yet: this attempt is no failure, but the failures before it stand until
        # a right code (console.mfa), so the password again never buys more guesses at codes.
        lockout.taken_back(claim)
        return mfa.ask_for_code(user, enrolled=enrolled)
    lockout.succeeded(claim)
    return complete(user)


def _actor(username: str) -> str:
    with session_scope(current_app.extensions["engine"]) as db:
        row = find_user(session=db, username=username)
        return row.username if row is not None else UNKNOWN_ACTOR


@bp.post("/logout")
@role_required(*ALL_ROLES)
def logout():
    """Sign out (and go Away)."""
    go_offline(current_user)
    audit("sign_out")
    logout_user()
    session.clear()
    return redirect(url_for("console.login"), code=303)


@bp.get("/")
@role_required(*ALL_ROLES)
def home():
    """The desk for advisers; everyone else gets their own start page."""
    if current_user.role == "adviser":
        return redirect(url_for("console.desk_page"))
    return render_template("console/home.html")


@bp.get("/password")
@role_required(*ALL_ROLES)
def password_page():
    """The change-of-password form."""
    return render_template("console/password.html")


@bp.post("/password")
@role_required(*ALL_ROLES)
def password_change():
    """Change the password (001:29.3); other sessions of this user end with the old one."""
    hashes = current_app.extensions["signin_hashes"]  # two hashes: bounded as sign-ins are
    if not hashes.acquire(blocking=False):
        seconds = current_app.config["SETTINGS"].retry_after_seconds
        return render_template("console/password.html", error=(
            f"The console is busy. Try again in {seconds} seconds.")), 429, {
            "Retry-After": str(seconds)}
    try:
        return _change_password()
    finally:
        hashes.release()


def _change_password():
    current = request.form.get("current_password", "")[:MAX_FIELD]
    new = request.form.get("new_password", "")[:MAX_FIELD]
    confirm = request.form.get("confirm_password", "")[:MAX_FIELD]
    error = None
    with session_scope(current_app.extensions["engine"]) as db:
        row = get_user(session=db, user_id=current_user.id)
        if row is None or not verify_password(row.password_hash, current):
            error = "Your current password is not right."
        elif new != confirm:
            error = "The new passwords do not match."
        elif new == current:
            error = "Choose a password you have not been using."
        elif (problem := password_problem(new)) is not None:
            error = problem[0].upper() + problem[1:] + "."
        else:
            set_password_hash(session=db, user=row, password_hash=hash_password(new))
    if error:
        audit("password_change_failed")
        return render_template("console/password.html", error=error), 400
    # Every session of this user ends (a copied cookie with them); this one goes on, new id.
    end_user_sessions(current_user.id)
    renew()
    audit("password_changed")
    return render_template("console/password.html", done=True)


@bp.get("/audit")
@role_required("supervisor", "admin")
def audit_page():
    """Search the audit log by person, action, record and period (newest first)."""
    args = {name: request.args.get(name, "").strip()[:128] for name in
            ("actor", "action", "target", "days")}
    days = int(args["days"]) if args["days"].isdigit() else 7
    since = centre_clock.now() - timedelta(days=min(days, 3650))
    with session_scope(current_app.extensions["engine"]) as db:
        entries = search_audit(session=db, actor=args["actor"] or None,
                               action=args["action"] or None, target=args["target"] or None,
                               since=since)
    audit("audit_searched", detail={k: v for k, v in args.items() if v})
    return render_template("console/audit.html", entries=entries, args=args, days=days)
