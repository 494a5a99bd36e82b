"""Administrators issue and revoke the wall screens' wallboard tokens (console.wallboard).

A new screen's address (with its token after `#`) is shown once, on the page that issued it, and
never stored; issuing and revoking are audited with the screen's name, never its token.
"""

from __future__ import annotations

from datetime import datetime

from flask import current_app, redirect, render_template, request, url_for
from flask_login import current_user

from config import clock as centre_clock
from console import bp, wallboard
from console.audit import audit
from console.auth import role_required
from routing.figure_definitions import load_definitions


@bp.get("/admin/wallboards")
@role_required("admin")
def admin_wallboards_page():
    """The wall screens allowed to read the wallboard, and a form to add one."""
    return _page()


@bp.post("/admin/wallboards")
@role_required("admin")
def admin_wallboard_issue():
    """Issue a token for a new wall screen and show its address once."""
    try:
        screen_id, token = wallboard.issue(_redis(), name=request.form.get("name", "")[:200],
                                           by=current_user.username, at=centre_clock.now())
    except wallboard.ScreenError as error:
        return _page(error=str(error)), 400
    audit("wallboard_screen_issued", detail={"screen": screen_id,
                                             "name": request.form.get("name", "").strip()})
    address = url_for("wallboard.page", _external=True) + "#token=" + token
    response = current_app.make_response(_page(address=address))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/admin/wallboards/<screen_id>/revoke")
@role_required("admin")
def admin_wallboard_revoke(screen_id: str):
    """Stop a wall screen reading the wallboard at once."""
    name = wallboard.revoke(_redis(), screen_id[:12])
    if name is None:
        return _page(error="that screen is not (or no longer) allowed to read the wallboard"), 404
    audit("wallboard_screen_revoked", detail={"screen": screen_id[:12], "name": name})
    return redirect(url_for("console.admin_wallboards_page", done=f"{name} revoked"), code=303)


def _page(*, error: str | None = None, address: str | None = None) -> str:
    zone = load_definitions().timezone  # staff pages show the centre's time
    screens = [{**s, "at": datetime.fromisoformat(s["at"]).astimezone(zone).strftime(
        "%Y-%m-%d %H:%M")} for s in wallboard.screens(_redis())]
    return render_template("console/admin_wallboards.html", screens=screens,
                           error=error, address=address, done=request.args.get("done"))


def _redis():
    return current_app.extensions["redis"]
