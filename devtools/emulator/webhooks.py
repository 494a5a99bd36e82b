"""Requests the emulator makes to the app, signed exactly as Twilio signs them.

X-Twilio-Signature is Base64(HMAC-SHA1(auth token, URL + each POST parameter name and value
sorted by name)); twilio's own RequestValidator.compute_signature makes it
(https://www.twilio.com/docs/usage/webhooks/webhooks-security). Parameter names are Twilio's
(https://www.twilio.com/docs/voice/twiml#request-parameters).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from urllib.parse import urlencode, urljoin

import requests
from twilio.request_validator import RequestValidator

from devtools.emulator.model import API_VERSION, Account, Leg, rfc2822, utcnow

log = logging.getLogger(__name__)
# https://www.twilio.com/docs/voice/twiml#timeouts: 15 s for a TwiML response.
RESPONSE_TIMEOUT_SECONDS = 15.0


class WebhookFailed(RuntimeError):
    """The app did not answer a TwiML request with 2xx and a <Response> (error 11200/12100)."""


class Webhooks:
    """Signs and sends the webhooks of one account."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.validator = RequestValidator(account.token)
        self.http = requests.Session()

    def call_params(self, leg: Leg) -> dict[str, str]:
        """The parameters of every request about a call (the docs' 'request parameters')."""
        params = {"CallSid": leg.sid, "AccountSid": leg.account_sid, "From": leg.from_,
                  "To": leg.to, "Caller": leg.from_, "Called": leg.to,
                  "CallStatus": leg.status, "ApiVersion": API_VERSION,
                  "Direction": leg.direction}
        if leg.parent_sid:
            params["ParentCallSid"] = leg.parent_sid
        if leg.answered_by:
            params["AnsweredBy"] = leg.answered_by
        return params

    def send(self, url: str, params: dict[str, str], method: str = "POST") -> tuple[int, str]:
        """Sign and send one request; returns (status, body), status 0 when unreachable."""
        method = (method or "POST").upper()
        if params.get("CallSid") in self.account.unreachable:
            log.warning("webhook %s lost: the app is unreachable for this call", url)
            return 0, ""
        if method == "GET":
            # A GET carries its parameters in the query string, and is signed on that URL alone.
            url = url + ("&" if "?" in url else "?") + urlencode(params)
            signature = self.validator.compute_signature(url, {})
            request = {}
        else:
            signature = self.validator.compute_signature(url, params)
            request = {"data": params}
        headers = {"X-Twilio-Signature": signature, "User-Agent": "TwilioProxy/1.1"}
        try:
            response = self.http.request(method, url, headers=headers,
                                         timeout=RESPONSE_TIMEOUT_SECONDS, **request)
        except requests.RequestException as error:
            log.warning("webhook %s unreachable: %s", url, type(error).__name__)
            return 0, ""
        return response.status_code, response.text

    def twiml(self, url: str, params: dict[str, str], method: str = "POST") -> ET.Element:
        """Fetch a TwiML document; WebhookFailed unless it is a 2xx <Response>."""
        status, body = self.send(url, params, method)
        if not 200 <= status < 300:
            raise WebhookFailed(f"{url} answered {status}")
        return parse(body)

    def status_callback(self, leg: Leg, event: str, extra: dict[str, str] | None = None) -> None:
        """A status callback for `event` if the leg asked for it
        (https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent)."""
        if not leg.callback:
            return
        url, method, events = leg.callback
        if event not in events:
            return
        leg.sequence += 1
        params = {**self.call_params(leg), "CallbackSource": "call-progress-events",
                  "SequenceNumber": str(leg.sequence - 1), "Timestamp": rfc2822(utcnow()) or "",
                  **(extra or {})}
        if leg.ended:
            params["CallDuration"] = str(leg.duration())
            params["Duration"] = str((leg.duration() + 59) // 60)
        self.send(url, params, method)


def absolute(base: str, url: str) -> str:
    """A TwiML URL resolved against the document it came from (relative URLs are allowed)."""
    return urljoin(base, url)


def parse(body: str) -> ET.Element:
    """The <Response> of a TwiML document (WebhookFailed otherwise: Twilio's error 12100)."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError:
        raise WebhookFailed("the answer is not TwiML") from None
    if root.tag != "Response":
        raise WebhookFailed("the answer is not a TwiML <Response>")
    return root

