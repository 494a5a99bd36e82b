"""The demo website page that carries the chat widget (served at `/` by `make run`)."""

from __future__ import annotations

from flask import render_template

from ivr.chat import bp


@bp.get("/")
def demo_website():
    """A careers website page with the widget embedded by one script tag."""
    return render_template("chat/demo.html")
