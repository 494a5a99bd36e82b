"""The webchat channel: the chat API, the widget and the demo website page."""

import threading

from flask import Blueprint

from models.redaction import warm_up

bp = Blueprint("chat", __name__, static_folder="static", static_url_path="/chat/static",
               template_folder="templates")

# Load the redaction pipeline in the background when the app is built, so the first customer's
# turn does not wait seconds for it.
bp.record_once(lambda _state: threading.Thread(target=warm_up, name="redaction-warm-up",
                                               daemon=True).start())

from ivr.chat import api, pages, satisfaction  # noqa: E402,F401  (register their routes on bp)
