"""An emulator of the part of Twilio the product uses: REST API, call legs, queues, webhooks.

Development and tests only; the app never imports it (it reaches Twilio, or this, through
`ivr.voice.twilio_rest` and the `TWILIO_API_BASE_URL` setting). Run it with
`python -m devtools.emulator --app-url URL`; see devtools/emulator/README.md for what it emulates.
"""

from config import recorded
from config.settings import VAR_DIR

# `make run` records here where its emulator listens (scripts/run.py), so `python -m ivr.simulate`
# in another terminal rings this centre's emulator, not another one on the default port.
RECORDED_URL_FILE = VAR_DIR / "twilio-emulator.url"


def recorded_url() -> str:
    """The emulator `make run` is serving from this folder, or "" when none is recorded."""
    return recorded.read(RECORDED_URL_FILE)
