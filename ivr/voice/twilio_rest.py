"""The only place the app talks to Twilio's REST API (Calls, Queues, Queue Members, Messages,
Conferences and their Participants).

Its base URL is the `TWILIO_API_BASE_URL` setting: Twilio's own in production, the project's
emulator in development and tests. Nothing else in the app knows which one it is talking to.
Requests are form-encoded with HTTP basic auth (account SID and auth token) and answers are
Twilio's JSON (https://www.twilio.com/docs/usage/api). Tests may hand the app any object with
these methods (`create_app(settings, twilio=...)`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlencode

import requests

API_VERSION = "2010-04-01"
CALL_EVENTS = ("initiated", "ringing", "answered", "completed")


class TwilioError(RuntimeError):
    """Twilio refused a request or could not be reached; `status` 0 means unreachable."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"Twilio {status}: {message}" + (f" (error {code})" if code else ""))
        self.status, self.code, self.message = status, code, message


class TwilioRest:
    """Calls, Queues and Queue Members of one Twilio account."""

    def __init__(self, *, base_url: str, account_sid: str, auth_token: str,
                 timeout: float = 5.0, session: requests.Session | None = None) -> None:
        self.base = f"{base_url.rstrip('/')}/{API_VERSION}/Accounts/{account_sid}"
        self.timeout = timeout
        self.http = session or requests.Session()
        self.http.auth = (account_sid, auth_token)
        self._queue_sids: dict[str, str] = {}

    # Calls: https://www.twilio.com/docs/voice/api/call-resource
    def create_call(self, *, to: str, from_: str, url: str,
                    status_callback: str | None = None,
                    status_callback_event: Iterable[str] = CALL_EVENTS,
                    timeout_seconds: int | None = None, machine_detection: str | None = None,
                    amd_status_callback: str | None = None) -> dict[str, Any]:
        """Start an outbound call to `to` that runs the TwiML at `url` when answered."""
        form: list[tuple[str, str]] = [("To", to), ("From", from_), ("Url", url)]
        if status_callback:
            form.append(("StatusCallback", status_callback))
            form += [("StatusCallbackEvent", event) for event in status_callback_event]
        if timeout_seconds is not None:
            form.append(("Timeout", str(timeout_seconds)))
        if machine_detection:
            form += [("MachineDetection", machine_detection), ("AsyncAmd", "true")]
            if amd_status_callback:
                form.append(("AsyncAmdStatusCallback", amd_status_callback))
        return self._request("POST", "/Calls.json", form)

    def fetch_call(self, call_sid: str) -> dict[str, Any]:
        """One call's current resource, `status` included (the reconcile round asks it).

        GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json, "Fetch the call specified by the
        provided Call SID" (twilio-oai spec/json/twilio_api_v2010.json); `status` is one of
        `call_enum_status`: queued, ringing, in-progress, completed, busy, failed, no-answer,
        canceled. A Sid the account does not know answers 404 (error 20404).
        """
        return self._request("GET", f"/Calls/{call_sid}.json")

    def update_call(self, call_sid: str, *, url: str | None = None, twiml: str | None = None,
                    status: str | None = None) -> dict[str, Any]:
        """Redirect a live call to new TwiML, or end it (`status` completed or canceled)."""
        form = [(name, value) for name, value in
                (("Url", url), ("Twiml", twiml), ("Status", status)) if value is not None]
        return self._request("POST", f"/Calls/{call_sid}.json", form)

    # Queues: https://www.twilio.com/docs/voice/api/queue-resource
    def list_queues(self) -> list[dict[str, Any]]:
        """Every queue of the account."""
        return self._request("GET", "/Queues.json").get("queues", [])

    def create_queue(self, friendly_name: str, *, max_size: int | None = None) -> dict[str, Any]:
        """A new queue (Twilio refuses a friendly name already in use)."""
        form = [("FriendlyName", friendly_name)]
        if max_size is not None:
            form.append(("MaxSize", str(max_size)))
        return self._request("POST", "/Queues.json", form)

    def fetch_queue(self, queue_sid: str) -> dict[str, Any]:
        """One queue: current_size, average_wait_time, max_size."""
        return self._request("GET", f"/Queues/{queue_sid}.json")

    def queue_sid(self, friendly_name: str) -> str | None:
        """The QU… sid of the queue `<Enqueue>` created under `friendly_name`, if it exists."""
        if friendly_name not in self._queue_sids:
            for queue in self.list_queues():
                self._queue_sids[queue["friendly_name"]] = queue["sid"]
        return self._queue_sids.get(friendly_name)

    # Queue Members: https://www.twilio.com/docs/voice/api/member-resource
    def list_members(self, queue_sid: str) -> list[dict[str, Any]]:
        """The callers waiting in a queue, front first."""
        return self._request("GET", f"/Queues/{queue_sid}/Members.json").get("queue_members", [])

    def fetch_member(self, queue_sid: str, call_sid: str = "Front") -> dict[str, Any]:
        """One waiting caller (`Front` for the first in line)."""
        return self._request("GET", f"/Queues/{queue_sid}/Members/{call_sid}.json")

    def dequeue_member(self, queue_sid: str, call_sid: str, *, url: str,
                       method: str = "POST") -> dict[str, Any]:
        """Take `call_sid` (or `Front`) out of the queue and run the TwiML at `url` on its leg."""
        return self._request("POST", f"/Queues/{queue_sid}/Members/{call_sid}.json",
                             [("Url", url), ("Method", method)])

    # Messages: https://www.twilio.com/docs/messaging/api/message-resource
    def create_message(self, *, to: str, body: str, from_: str | None = None,
                       messaging_service_sid: str | None = None,
                       status_callback: str | None = None) -> dict[str, Any]:
        """Send a text: `From` (a number or sender ID) or `MessagingServiceSid` (MG…).

        POST /2010-04-01/Accounts/{AccountSid}/Messages.json, "Send a message" (twilio-oai
        spec/json/twilio_api_v2010.json: `To`, `From`, `MessagingServiceSid`, `Body`,
        `StatusCallback`); the answer's `status` starts as `queued` (`message_enum_status`).
        A recipient who replied STOP is refused with error 21610.
        """
        if not (from_ or messaging_service_sid):
            raise ValueError("give from_ or messaging_service_sid")
        form = [("To", to), ("Body", body)]
        form.append(("MessagingServiceSid", messaging_service_sid) if messaging_service_sid
                    else ("From", from_ or ""))
        if status_callback:
            form.append(("StatusCallback", status_callback))
        return self._request("POST", "/Messages.json", form)

    def fetch_message(self, message_sid: str) -> dict[str, Any]:
        """One message: GET …/Messages/{Sid}.json (its `status` as it stands)."""
        return self._request("GET", f"/Messages/{message_sid}.json")

    def list_messages(self, *, to: str | None = None, from_: str | None = None,
                      page_size: int = 50) -> list[dict[str, Any]]:
        """The first page of messages, newest first: GET …/Messages.json?To=&From=&PageSize=."""
        query = "&".join(f"{name}={quote(value)}" for name, value in
                         (("To", to), ("From", from_), ("PageSize", str(page_size))) if value)
        return self._request("GET", f"/Messages.json?{query}").get("messages", [])

    # Conferences and Participants (twilio-oai spec/json/twilio_api_v2010.json: the paths
    # /2010-04-01/Accounts/{AccountSid}/Conferences.json and …/Conferences/{ConferenceSid}/
    # Participants.json, …/Participants/{CallSid}.json; schemas api.v2010.account.conference and
    # api.v2010.account.conference.participant).
    def conference_sid(self, friendly_name: str) -> str | None:
        """The CF… sid of the conference in progress named `friendly_name` (ListConference
        with `FriendlyName` and `Status=in-progress`), or None when there is none."""
        found = self._request("GET", "/Conferences.json?" + urlencode(
            {"FriendlyName": friendly_name, "Status": "in-progress"})).get("conferences", [])
        return found[0]["sid"] if found else None

    def add_participant(self, conference_sid: str, *, to: str, from_: str, label: str,
                        status_callback: str, timeout_seconds: int,
                        end_conference_on_exit: bool = False, muted: bool | None = None,
                        coaching: bool | None = None,
                        call_sid_to_coach: str | None = None) -> dict[str, Any]:
        """Dial `to` into the conference (CreateParticipant: `From` and `To` required; `Label`
        names the participant for later updates; `StatusCallbackEvent` initiated ringing
        answered completed on its call; `EarlyMedia` lets the others hear it ring; `Muted`
        joins them unheard; `Coaching` with `CallSidToCoach` joins them heard by that call
        alone)."""
        form = [("To", to), ("From", from_), ("Label", label), ("Beep", "false"),
                ("EarlyMedia", "true"), ("Timeout", str(timeout_seconds)),
                ("EndConferenceOnExit", _flag(end_conference_on_exit)),
                ("StatusCallback", status_callback), ("StatusCallbackMethod", "POST")]
        form += _coaching(muted, coaching, call_sid_to_coach)
        form += [("StatusCallbackEvent", event) for event in CALL_EVENTS]
        return self._request("POST", f"/Conferences/{conference_sid}/Participants.json", form)

    def update_participant(self, conference_sid: str, call_sid: str, *,
                           hold: bool | None = None, hold_url: str | None = None,
                           muted: bool | None = None, announce_url: str | None = None,
                           end_conference_on_exit: bool | None = None,
                           coaching: bool | None = None,
                           call_sid_to_coach: str | None = None) -> dict[str, Any]:
        """UpdateParticipant (`call_sid`: a CallSid or a Label): `Hold` puts them on hold with
        `HoldUrl`'s music (TwiML of Play, Say, Pause or Redirect); `Muted` stops the others
        hearing them; `AnnounceUrl` plays TwiML (Say, Play) to them alone;
        `EndConferenceOnExit` decides whether their leaving ends it for everyone; `Coaching`
        with `CallSidToCoach` lets only that call hear them (false: everyone does)."""
        form = [(name, value) for name, value in (
            ("Hold", _flag(hold)), ("HoldUrl", hold_url), ("HoldMethod", "POST" if hold_url
                                                            else None),
            ("AnnounceUrl", announce_url),
            ("AnnounceMethod", "POST" if announce_url else None),
            ("EndConferenceOnExit", _flag(end_conference_on_exit))) if value is not None]
        form += _coaching(muted, coaching, call_sid_to_coach)
        return self._request("POST", f"/Conferences/{conference_sid}/Participants/"
                                     f"{call_sid}.json", form)

    def fetch_participant(self, conference_sid: str, call_sid: str) -> dict[str, Any]:
        """FetchParticipant (`call_sid`: a CallSid or a Label): `muted`, `hold`, `coaching`,
        `call_sid_to_coach` as they stand."""
        return self._request("GET", f"/Conferences/{conference_sid}/Participants/"
                                    f"{call_sid}.json")

    def remove_participant(self, conference_sid: str, call_sid: str) -> None:
        """DeleteParticipant: "Kick a participant from a given conference" (their call goes on
        with the verb after its <Dial>; ours have none, so it ends)."""
        self._request("DELETE", f"/Conferences/{conference_sid}/Participants/{call_sid}.json")

    def _request(self, method: str, path: str,
                 form: list[tuple[str, str]] | None = None) -> dict[str, Any]:
        try:
            response = self.http.request(method, self.base + path, data=form,
                                         timeout=self.timeout)
        except requests.RequestException as error:
            raise TwilioError(0, None, f"unreachable: {type(error).__name__}") from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            # Twilio's error body: {"code", "message", "more_info", "status"}.
            raise TwilioError(response.status_code, body.get("code"),
                              body.get("message") or response.reason)
        return body


def _flag(value: bool | None) -> str | None:
    """Twilio's booleans are the words true and false."""
    return None if value is None else ("true" if value else "false")


def _coaching(muted: bool | None, coaching: bool | None,
              call_sid_to_coach: str | None) -> list[tuple[str, str]]:
    """`Muted`, `Coaching` and `CallSidToCoach` of a participant, as given (twilio-oai
    spec/json/twilio_api_v2010.json, CreateParticipant and UpdateParticipant: `Coaching` "If
    true, call_sid_to_coach must be defined";
    https://www.twilio.com/docs/voice/api/conference-participant-resource)."""
    return [(name, value) for name, value in (
        ("Muted", _flag(muted)), ("Coaching", _flag(coaching)),
        ("CallSidToCoach", call_sid_to_coach)) if value is not None]
