"""The administrators' accounts page: list accounts, disable, enable, unlock, set a password
or the display name customers see.

Only the `admin` role reaches it (console.auth's guard answers 403 to every other role before
a view runs). Every action is a POST with the console's CSRF token, is audited with the
administrator as actor (console.accounts), and answers 303 back to the page, or 400 with the
reason on the page. The starters-and-leavers register is shown here and downloadable as CSV.
"""

from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from config import clock as centre_clock
from console import bp, staff_register
from console.accounts import (
    AccountError,
    disable_user,
    enable_user,
    rename_user,
    reset_password,
    unlock_user,
)
from console.audit import audit
from console.auth import role_required
from engine.dispatch import get_presence
from models.db import session_scope
from models.staff import StaffUser, get_user

MAX_FIELD = 256


@bp.get("/admin/accounts")
@role_required("admin")
def admin_accounts_page():
    """Every account with its state, the actions on it, and the starters-and-leavers register."""
    return _page()


@bp.get("/admin/accounts/register.csv")
@role_required("admin")
def admin_register_csv():
    """The starters-and-leavers register as a CSV download (administrators only)."""
    text = staff_register.register_csv(staff_register.register(_engine()))
    audit("starters_leavers_exported")
    day = centre_clock.now().strftime("%Y-%m-%d")
    return Response(text, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="starters-and-leavers-{day}.csv"',
        "Cache-Control": "no-store"})


@bp.post("/admin/accounts/<int:user_id>/disable")
@role_required("admin")
def admin_disable(user_id: int):
    """Disable the account and end every session of it now (not the administrator's own)."""
    row = _account(user_id)
    try:
        disable_user(_engine(), _redis(), username=row.username, actor=current_user.username)
    except AccountError as error:
        return _page(error=error)
    if row.role == "adviser":
        get_presence().sign_off(row.id)  # the dispatcher offers them nothing more
    return _done(f"{row.username} is disabled and signed out everywhere.")


@bp.post("/admin/accounts/<int:user_id>/enable")
@role_required("admin")
def admin_enable(user_id: int):
    """Let a disabled account sign in again."""
    row = _account(user_id)
    enable_user(_engine(), username=row.username, actor=current_user.username)
    return _done(f"{row.username} is enabled.")


@bp.post("/admin/accounts/<int:user_id>/unlock")
@role_required("admin")
def admin_unlock(user_id: int):
    """Clear the sign-in lock-out of the account."""
    row = _account(user_id)
    was = unlock_user(_engine(), _redis(), username=row.username, actor=current_user.username)
    return _done(f"{row.username} is unlocked." if was else f"{row.username} was not locked.")


@bp.post("/admin/accounts/<int:user_id>/display-name")
@role_required("admin")
def admin_display_name(user_id: int):
    """Set (or, empty, clear) the name customers see for the account: never its login name."""
    row = _account(user_id)
    try:
        shown = rename_user(_engine(), username=row.username, actor=current_user.username,
                            display_name=request.form.get("display_name", "")[:MAX_FIELD])
    except AccountError as error:
        return _page(error=error)
    if shown.display_name:
        return _done(f"Customers now see {row.username} as {shown.display_name}.")
    return _done(f"Customers now see {row.username} as an adviser.")


@bp.post("/admin/accounts/<int:user_id>/password")
@role_required("admin")
def admin_set_password(user_id: int):
    """Set a temporary password (001:29.3 and not breached) the user must change at the next
    sign-in; every session of the user ends."""
    row = _account(user_id)
    if row.id == current_user.id:
        return _page(error=AccountError("change your own password on the Change password page"))
    password = request.form.get("new_password", "")[:MAX_FIELD]
    if password != request.form.get("confirm_password", "")[:MAX_FIELD]:
        return _page(error=AccountError("the two passwords do not match"))
    hashes = current_app.extensions["signin_hashes"]  # a hash costs as much as a sign-in
    if not hashes.acquire(blocking=False):
        seconds = current_app.config["SETTINGS"].retry_after_seconds
        page, _ = _page(error=AccountError(f"the console is busy; try again in {seconds} seconds"))
        return page, 429, {"Retry-After": str(seconds)}
    try:
        reset_password(_engine(), _redis(), username=row.username, password=password,
                       actor=current_user.username)
    except AccountError as error:
        return _page(error=error)
    finally:
        hashes.release()
    return _done(f"{row.username} has a new password to change at their next sign-in, and is "
                 "signed out everywhere.")


def _page(error: AccountError | None = None):
    """The page; with an error, 400 and the reason."""
    message = None if error is None else str(error)[:1].upper() + str(error)[1:] + "."
    page = render_template("console/admin_accounts.html", error=message,
                           accounts=staff_register.accounts(_engine(), _redis()),
                           register=staff_register.register(_engine()),
                           me=current_user.id)
    return page, 400 if error is not None else 200


def _done(message: str):
    flash(message)
    return redirect(url_for("console.admin_accounts_page"), code=303)


def _account(user_id: int) -> StaffUser:
    with session_scope(_engine()) as db:
        row = get_user(session=db, user_id=user_id)
    if row is None:
        abort(404)
    return row


def _engine():
    return current_app.extensions["engine"]


def _redis():
    return current_app.extensions["redis"]
