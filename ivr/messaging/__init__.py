"""Text messages: callback confirmations and reminders through Twilio, and the webhooks Twilio
signs for them (a text's status, a customer's reply: STOP and START)."""

from flask import Blueprint
from flask.blueprints import BlueprintSetupState
from twilio.request_validator import RequestValidator

bp = Blueprint("messaging", __name__, url_prefix="/messaging")


@bp.record_once
def _set_up(setup: BlueprintSetupState) -> None:
    """The validator the webhooks are checked with: the same account token as the voice ones."""
    settings = setup.app.config["SETTINGS"]
    setup.app.extensions["messaging_validator"] = RequestValidator(
        settings.effective_twilio_auth_token)


from ivr.messaging import views  # noqa: E402,F401  (the webhooks on bp)
