"""The adviser's desk: presence, offered contacts, the screen pop, chats and wrap-up."""

from __future__ import annotations

from flask import render_template

from console import bp
from console.auth import ConsoleUser, role_required


def go_offline(user: ConsoleUser) -> None:
    """Take a signing-out adviser out of the dispatcher's reach."""


@bp.get("/desk")
@role_required("adviser")
def desk_page():
    """The desk page."""
    return render_template("console/desk.html")
