"""The demo website page that carries the chat widget (served at `/` by `make run`), and the
widget's notices."""

from __future__ import annotations

from flask import jsonify, render_template

from ivr.chat import bp
from ivr.notices import notices


@bp.get("/")
def demo_website():
    """A careers website page with the widget embedded by one script tag."""
    return render_template("chat/demo.html")


@bp.get("/api/chat/notices")
def chat_notices():
    """The widget's links: the privacy notice and the other ways in (000:L83; 001:3.1).

    Read by the widget when it loads, so the words stay in config/notices.yaml, not in the script.
    """
    found = notices()
    access = found.access
    return jsonify(
        privacy={"path": found.privacy.path, "text": found.privacy.link_text},
        access=[
            {"text": access.relay_uk_text, "url": access.relay_uk_url,
             "link_text": access.relay_uk_link_text},
            {"text": access.bsl_text, "url": access.bsl_url, "link_text": access.bsl_link_text},
        ],
    )
