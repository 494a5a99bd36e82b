"""TwilioCall: a phone call into the app under test, signed and posted exactly as Twilio does it.

Also the voice tests' shared set-up: an app on a fixed clock, readers of call state and timeline.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask.testing import FlaskClient
from sqlmodel import Session
from twilio.request_validator import RequestValidator

from app import create_app
from config.settings import Settings
from ivr.voice.simulated_call import SimulatedCall
from models import keys
from models.contacts import timeline

BASE_URL = "http://127.0.0.1:8000"


def flask_transport(client: FlaskClient, base_url: str = BASE_URL):
    """Post form-encoded requests to a Flask test client as if they came to `base_url`."""

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        path = url[len(base_url):] if url.startswith(base_url) else url
        response = client.post(path, data=params, headers=headers, base_url=base_url)
        body = response.get_data(as_text=True)
        response.close()  # as a server does once the answer is sent (the timeline is written)
        return response.status_code, body

    return post


def TwilioCall(client: FlaskClient, token: str, *, base_url: str = BASE_URL,  # noqa: N802
               **call: str) -> SimulatedCall:
    """A call from `caller` to `dialled` (keyword arguments) into the app behind `client`."""
    return SimulatedCall(flask_transport(client, base_url), base_url, token, **call)


def sign(token: str, url: str, params: dict[str, str]) -> str:
    """The X-Twilio-Signature Twilio would send for `url` and `params`."""
    return RequestValidator(token).compute_signature(url, params)


LONDON = ZoneInfo("Europe/London")
# Monday 2 March 2026: the contact centre (08:00-22:00) and prime contractors (09:00-17:00) open.
WEEKDAY_MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
# Saturday 7 March 2026: the contact centre is open, the prime contractors are closed.
SATURDAY = datetime(2026, 3, 7, 10, 0, tzinfo=LONDON)
# Monday 2 March 2026 at 23:00: everyone is closed.
NIGHT = datetime(2026, 3, 2, 23, 0, tzinfo=LONDON)
JOBCENTRE_PLUS_LINE = "+448000924429"


def voice_app(settings: Settings, at: datetime, **extensions):
    """The app with the voice channel's clock pinned to `at`."""
    return create_app(settings, voice_clock=lambda: at, **extensions)


def new_call(app, **call) -> object:
    """A TwilioCall into `app`, signed with its token."""
    token = app.config["SETTINGS"].effective_twilio_auth_token
    return TwilioCall(app.test_client(), token, **call)


def call_state(app, call_sid: str) -> dict:
    """The call's state as stored in Redis."""
    raw = app.extensions["redis"].get(keys.key(keys.CALL_STATE, call_sid=call_sid))
    return json.loads(raw)


def set_facts(app, call_sid: str, **facts) -> None:
    """Add facts to a live call's state, as the assistant would have learnt them."""
    redis_client = app.extensions["redis"]
    key = keys.key(keys.CALL_STATE, call_sid=call_sid)
    state = json.loads(redis_client.get(key))
    state["facts"].update(facts)
    redis_client.set(key, json.dumps(state))


def events(app, call_sid: str) -> list[tuple[str, dict | None]]:
    """The call's timeline as (kind, detail)."""
    with Session(app.extensions["engine"]) as session:
        return [(e.kind, e.detail) for e in timeline(session=session, contact_key=call_sid)]


def kinds(app, call_sid: str) -> list[str]:
    """The kinds of the call's timeline events, in order."""
    return [kind for kind, _ in events(app, call_sid)]


def heard_text(call) -> str:
    """Everything the customer heard, as one string."""
    return " ".join(call.heard)
