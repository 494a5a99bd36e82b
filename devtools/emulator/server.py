"""The emulator's web server: Twilio's REST API and the control API on one port."""

from __future__ import annotations

from flask import Flask, jsonify, request

from devtools.emulator import control, device, messages, rest
from devtools.emulator.model import API_VERSION, Account
from devtools.emulator.runner import Engine


def create_emulator(*, app_url: str, account_sid: str, auth_token: str,
                    time_scale: float = 1.0) -> Flask:
    """An emulator whose phone number sends calls to the app at `app_url`.

    The number's voice URL is `{app_url}/voice/incoming` and its status callback
    `{app_url}/voice/status` (the Voice contract in ARCHITECTURE.md).
    """
    base = app_url.rstrip("/")
    account = Account(account_sid, auth_token)
    engine = Engine(account, voice_url=f"{base}/voice/incoming",
                    status_url=f"{base}/voice/status", time_scale=time_scale)
    emulator = Flask(__name__)
    emulator.extensions["emulator"] = engine
    emulator.register_blueprint(rest.bp)
    emulator.register_blueprint(control.bp)
    emulator.register_blueprint(device.bp)
    messages.init_app(emulator, app_url=base)

    @emulator.get("/healthz")
    def healthz():
        return jsonify({"status": "ok", "app_url": base, "account_sid": account_sid})

    @emulator.errorhandler(404)
    def not_found(error):
        if request.path.startswith(f"/{API_VERSION}/"):
            return jsonify({"code": 20404, "message": f"The requested resource {request.path} "
                            "was not found", "more_info": "https://www.twilio.com/docs/errors/20404",
                            "status": 404}), 404
        return jsonify({"error": "not found"}), 404

    @emulator.errorhandler(405)
    def not_allowed(error):
        return jsonify({"code": 20004, "message": "Method not allowed",
                        "more_info": "https://www.twilio.com/docs/errors/20004",
                        "status": 405}), 405

    return emulator
