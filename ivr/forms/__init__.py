"""The website's written channels: the "call me" form and the enquiry form, beside the webchat."""

from flask import Blueprint

bp = Blueprint("forms", __name__, static_folder="static", static_url_path="/forms/static",
               template_folder="templates")

from ivr.forms import enquiry_views, rights_views, survey_views, views  # noqa: E402,F401  (register routes on bp)
