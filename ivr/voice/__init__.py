"""The phone channel: Twilio voice webhooks answered with TwiML."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from twilio.request_validator import RequestValidator

bp = Blueprint("voice", __name__, url_prefix="/voice")


@bp.record_once
def _set_up(setup: BlueprintSetupState) -> None:
    """Build the channel's services once per app, from the connections the factory made."""
    from ivr.voice.call import Services
    from ivr.voice.state import CallStore
    from ivr.voice.voice_config import load_voice_config
    from models.redaction import warm_up
    from routing import EmergencyClosures
    from routing.plan import default_directory

    app = setup.app
    settings = app.config["SETTINGS"]
    config = app.extensions.get("voice_config") or load_voice_config()
    redis_client = app.extensions["redis"]
    app.extensions["voice"] = Services(
        config=config,
        store=CallStore(redis_client, ttl_seconds=config.call_state_ttl_seconds),
        engine=app.extensions["engine"],
        redis=redis_client,
        rasa=app.extensions.get("rasa"),
        directory=app.extensions.get("directory") or default_directory(),
        closures=EmergencyClosures(redis_client),
        **({"clock": app.extensions["voice_clock"]} if "voice_clock" in app.extensions else {}),
    )
    app.extensions["voice_validator"] = RequestValidator(settings.effective_twilio_auth_token)
    # The console starts click-to-call through this, without importing the voice channel.
    app.extensions.setdefault("click_to_call", click_to_call.start_call)
    # ...and answers a warm transfer's offer (its contractor's advisers: Accept or Decline).
    app.extensions.setdefault("warm_transfers", warm_offer)
    # Build the redaction pipeline now, not on the first customer's turn (about 2 s, once).
    warm_up()


from ivr.voice import (  # noqa: E402,F401  (the webhooks on bp)
    click_to_call,
    desk_warm,
    monitoring,
    views,
    warm_offer,
)
