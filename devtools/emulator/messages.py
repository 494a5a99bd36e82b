"""Twilio's Messages resource and its status callbacks, and a development log of every text.

REST, under /2010-04-01/Accounts/{sid}/ with the rest of the API's basic auth and error bodies:
create (`POST Messages.json`: `To`, `From` or `MessagingServiceSid`, `Body`, `StatusCallback`),
fetch (`GET Messages/{Sid}.json`) and list (`GET Messages.json?To=&From=&PageSize=`), in
twilio-oai's `api.v2010.account.message` shape (spec/json/twilio_api_v2010.json; statuses from
`message_enum_status`). A created text is `queued` (no callback for that, as Twilio), then `sent`
and `delivered` — or `undelivered`/`failed` with an `ErrorCode` for a recipient set so — each
posted to its StatusCallback signed as Twilio signs ("Outbound Message Status in Status
Callbacks", https://www.twilio.com/docs/messaging/guides/track-outbound-message-status).
A recipient who replied STOP (or another default opt-out keyword) is refused with 21610 until
they reply START or UNSTOP (https://www.twilio.com/docs/messaging/tutorials/advanced-opt-out).

Control (not Twilio's), under /_emulator/messages: `GET` lists every text given (`?to=`), the
development message log; `POST /inbound {"from", "body", "to"?}` is a customer's reply, posted
to the app's `/messaging/inbound` as Twilio would; `PUT /recipients/{number} {"outcome"}` makes
texts to that number `delivered` (the default), `undelivered` or `failed`.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request

from devtools.emulator.model import API_VERSION, new_sid, rfc2822, utcnow
from devtools.emulator.rest import ApiError, _api_error, _authenticate, _page

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
SENDER_ID = re.compile(r"^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$")  # an alphanumeric sender ID
SERVICE = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAX_BODY = 1600  # https://www.twilio.com/docs/messaging/api/message-resource: Body
OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE",
                     "OPTOUT"})
OPT_IN = frozenset({"START", "UNSTOP"})
OUTCOMES = {"delivered": None, "undelivered": "30003", "failed": "30008"}  # unreachable, unknown
STEP_SECONDS = 0.05  # between one status and the next
GSM7 = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRS"
           "TUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

rest_bp = Blueprint("twilio_messages", __name__,
                    url_prefix=f"/{API_VERSION}/Accounts/<account_sid>")
rest_bp.before_request(_authenticate)
rest_bp.register_error_handler(ApiError, _api_error)
control_bp = Blueprint("emulator_messages", __name__, url_prefix="/_emulator/messages")


@dataclass
class Message:
    """One text the app asked Twilio to send."""

    sid: str
    account_sid: str
    to: str
    from_: str | None
    service_sid: str | None
    body: str
    status_callback: str | None
    status: str = "queued"
    error_code: str | None = None
    date_created: datetime = field(default_factory=utcnow)
    date_updated: datetime = field(default_factory=utcnow)
    date_sent: datetime | None = None

    def resource(self, uri_base: str) -> dict:
        """twilio-oai's api.v2010.account.message."""
        return {"sid": self.sid, "account_sid": self.account_sid, "api_version": API_VERSION,
                "to": self.to, "from": self.from_, "messaging_service_sid": self.service_sid,
                "body": self.body, "status": self.status, "direction": "outbound-api",
                "num_segments": str(segments(self.body)), "num_media": "0",
                "error_code": int(self.error_code) if self.error_code else None,
                "error_message": None, "price": None, "price_unit": "GBP",
                "date_created": rfc2822(self.date_created),
                "date_updated": rfc2822(self.date_updated), "date_sent": rfc2822(self.date_sent),
                "uri": f"{uri_base}/Messages/{self.sid}.json", "subresource_uris": {}}


@dataclass
class MessageLog:
    """Every text given, the recipients' outcomes, and who replied STOP."""

    app_url: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    messages: list[Message] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)
    stopped: set[str] = field(default_factory=set)


def init_app(emulator: Flask, *, app_url: str) -> None:
    """Add the Messages resource and its control API to an emulator serving `app_url`."""
    emulator.extensions["emulator_messages"] = MessageLog(app_url.rstrip("/"))
    emulator.register_blueprint(rest_bp)
    emulator.register_blueprint(control_bp)


def segments(body: str) -> int:
    """How many parts a body is sent in: 160 GSM-7 characters (153 each when split), else 70
    UCS-2 (67 each)."""
    single, part = (160, 153) if set(body) <= GSM7 else (70, 67)
    return 1 if len(body) <= single else -(-len(body) // part)


def _log() -> MessageLog:
    return current_app.extensions["emulator_messages"]


def _uri_base() -> str:
    return current_app.extensions["emulator"].account.uri_base


@rest_bp.post("/Messages.json")
def create_message(account_sid: str):
    """Take a text (201, `queued`); its statuses follow on the StatusCallback."""
    form, log = request.form, _log()
    to, from_, service = form.get("To", ""), form.get("From"), form.get("MessagingServiceSid")
    body = form.get("Body", "")
    if not to:
        raise ApiError(400, 21604, "A 'To' phone number is required.")
    if not E164.match(to):
        raise ApiError(400, 21211, f"Invalid 'To' Phone Number: {to}")
    if not (from_ or service):
        raise ApiError(400, 21603, "A 'From' phone number is required.")
    if service and not SERVICE.match(service):
        raise ApiError(400, 21701, f"The Messaging Service Sid {service} is invalid.")
    if from_ and not (E164.match(from_) or SENDER_ID.match(from_)):
        raise ApiError(400, 21212, f"Invalid 'From' Phone Number: {from_}")
    if not body:
        raise ApiError(400, 21602, "Message body is required.")
    if len(body) > MAX_BODY:
        raise ApiError(400, 21617, "The concatenated message body exceeds the 1600 character "
                       "limit.")
    with log.lock:
        if to in log.stopped:
            raise ApiError(400, 21610, "Attempt to send to unsubscribed recipient")
        message = Message(new_sid("SM"), account_sid, to, from_, service, body,
                          form.get("StatusCallback"))
        log.messages.append(message)
        outcome = log.outcomes.get(to, "delivered")
    hooks = current_app.extensions["emulator"].hooks
    threading.Thread(target=_progress, args=(hooks, log, message, outcome), daemon=True).start()
    return jsonify(message.resource(_uri_base())), 201


@rest_bp.get("/Messages/<message_sid>.json")
def fetch_message(account_sid: str, message_sid: str):
    """One text as it stands."""
    found = next((m for m in _log().messages if m.sid == message_sid), None)
    if found is None:
        raise ApiError(404, 20404, f"The requested resource {request.path} was not found")
    return jsonify(found.resource(_uri_base()))


@rest_bp.get("/Messages.json")
def list_messages(account_sid: str):
    """Texts, newest first, filtered by `To` and `From`, up to `PageSize` (one page)."""
    to, from_ = request.args.get("To"), request.args.get("From")
    size = request.args.get("PageSize", "50")
    if not size.isdigit() or not 1 <= int(size) <= 1000:
        raise ApiError(400, 20001, "PageSize must be between 1 and 1000")
    with _log().lock:
        found = [m for m in reversed(_log().messages)
                 if (not to or m.to == to) and (not from_ or m.from_ == from_)][:int(size)]
    items = [m.resource(_uri_base()) for m in found]
    return jsonify(_page("messages", items, f"{_uri_base()}/Messages.json"))


def _progress(hooks, log: MessageLog, message: Message, outcome: str) -> None:
    """queued -> sent -> delivered (or undelivered/failed), each reported as Twilio does."""
    steps = ["sent", outcome] if outcome != "failed" else ["failed"]
    for status in steps:
        time.sleep(STEP_SECONDS)
        with log.lock:
            message.status, message.date_updated = status, utcnow()
            if status == "sent":
                message.date_sent = message.date_updated
            if status in ("undelivered", "failed"):
                message.error_code = OUTCOMES[outcome]
        if message.status_callback:
            params = {"MessageSid": message.sid, "SmsSid": message.sid,
                      "AccountSid": message.account_sid, "MessageStatus": status,
                      "SmsStatus": status, "To": message.to, "From": message.from_ or "",
                      "ApiVersion": API_VERSION}
            if message.service_sid:
                params["MessagingServiceSid"] = message.service_sid
            if message.error_code:
                params["ErrorCode"] = message.error_code
            hooks.send(message.status_callback, params)


# -- control: the development message log and the customers' replies -----------------------------
@control_bp.errorhandler(400)
def _bad(error):
    return jsonify({"error": error.description}), 400


@control_bp.get("")
def message_log():
    """Every text the app sent, oldest first (`?to=` one recipient's): development only."""
    to = request.args.get("to")
    with _log().lock:
        items = [{"sid": m.sid, "to": m.to, "from": m.from_, "messaging_service_sid":
                  m.service_sid, "body": m.body, "status": m.status, "error_code": m.error_code,
                  "date_created": m.date_created.isoformat()}
                 for m in _log().messages if not to or m.to == to]
    return jsonify({"messages": items})


@control_bp.post("/inbound")
def inbound():
    """A customer's text to the service's number, posted to the app's inbound webhook."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("from"), str) \
            or not isinstance(body.get("body"), str):
        abort(400, description='give {"from": "+44…", "body": "…"}')
    log, sender, text = _log(), body["from"], body["body"]
    word = " ".join(text.split()).upper()
    with log.lock:
        if word in OPT_OUT:
            log.stopped.add(sender)
        elif word in OPT_IN:
            log.stopped.discard(sender)
    account = current_app.extensions["emulator"].account
    sid = new_sid("SM")
    params = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid, "AccountSid": account.sid,
              "From": sender, "To": body.get("to") or "+447700900999", "Body": text,
              "NumMedia": "0", "NumSegments": str(segments(text)), "SmsStatus": "received",
              "ApiVersion": API_VERSION}
    if word in OPT_OUT | OPT_IN:
        params["OptOutType"] = "STOP" if word in OPT_OUT else "START"
    status, answer = current_app.extensions["emulator"].hooks.send(
        f"{log.app_url}/messaging/inbound", params)
    return jsonify({"sid": sid, "app_status": status, "app_answer": answer})


@control_bp.put("/recipients/<path:number>")
def set_outcome(number: str):
    """How texts to `number` end: delivered, undelivered or failed."""
    body = request.get_json(silent=True) or {}
    if body.get("outcome") not in OUTCOMES:
        abort(400, description=f"outcome must be one of {', '.join(OUTCOMES)}")
    with _log().lock:
        _log().outcomes[number] = body["outcome"]
    return Response(status=204)
