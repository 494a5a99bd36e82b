"""The website's "call me" request: a UK number and a window, stored as a durable callback.

One service function serves the JSON API of ARCHITECTURE.md ("Website forms") and the HTML form,
so both check the same things: a valid UK number that is not premium-rate (the centre pays for
the call), a window inside the contact centre's opening hours, limits per address and per number.
The callback is owned by the contact centre's website-callback queue and is due at the end of
the window the customer chose; the window itself travels in its summary for the worklist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import phonenumbers
from sqlmodel import Session

from engine import promises
from engine.summary import stored_summary
from ivr import safeguarding
from ivr.chat.config import Limit
from ivr.chat.ratelimit import RateLimiter
from ivr.forms.config import FormsConfig
from ivr.forms.windows import WindowError, check_window
from ivr.voice.callback import uk_number
from models import relay_uk
from models.contacts import Channel, EventKind, open_contact, record_event
from routing.callbacks import create_callback
from routing.directory import Entity

# Number types a callback may ring: ordinary landlines and mobiles, never premium or shared cost.
CALLABLE_TYPES = frozenset({
    phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
})


class FieldErrors(ValueError):
    """One or more fields are wrong: {field: message in the customer's words}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {text}" for name, text in errors.items()))
        self.errors = errors


class TooMany(RuntimeError):
    """A rate limit was passed; retry after `seconds`."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many requests; retry after {seconds} s")
        self.seconds = seconds


@dataclass(frozen=True)
class CallMeRequest:
    """What the customer asked for, already validated."""

    phone: str
    start: datetime
    end: datetime
    about: str
    texts: bool = False  # agreed to a confirming text and a reminder (a mobile number only)


@dataclass(frozen=True)
class CallMeBooked:
    """The stored callback: its id, due time and the contact it belongs to."""

    callback_id: int
    due: datetime
    contact_key: str
    request: CallMeRequest
    urgent: bool = False  # the words raised a safeguarding concern: called now, not in the window


SAFEGUARDING_QUEUE = "safeguarding"


def validate(config: FormsConfig, centre: Entity, now: datetime, *, phone: object,
             start: object, end: object, about: object, texts: object = False,
             not_mobile: str = "") -> CallMeRequest:
    """The request as CallMeRequest, or FieldErrors naming each field that is wrong.

    `texts` is the customer's consent to texts about the call; only a mobile can have them, and
    `not_mobile` says so (config/messages.yaml)."""
    errors: dict[str, str] = {}
    number = _callable_number(phone)
    if number is None:
        errors["phone"] = config.text("bad_phone")
    if not isinstance(texts, bool):
        errors["texts"] = "must be true or false"
    elif texts and number is not None and not relay_uk.can_text(number):
        errors["texts"] = not_mobile or "texts go only to a UK mobile number"
    about_text = "" if about is None else about
    if not isinstance(about_text, str):
        errors["about"] = "must be text"
    elif len(about_text) > config.max_about_chars:
        errors["about"] = config.text("about_too_long", limit=config.max_about_chars)
    window = None
    try:
        window = check_window(centre, now, _time(start, "start"), _time(end, "end"),
                              days_ahead=config.days_ahead,
                              min_window_minutes=config.min_window_minutes)
    except WindowError as error:
        errors["window"] = str(error)
    if errors or number is None or window is None:
        raise FieldErrors(errors)
    return CallMeRequest(phone=number, start=window.start, end=window.end,
                         about=str(about_text).strip(), texts=texts is True)


def book(config: FormsConfig, *, session: Session, limiter: RateLimiter, address: str,
         request: CallMeRequest, now: datetime, redis_client=None) -> CallMeBooked:
    """Check the limits, then store the contact and its callback (committed before returning).

    Words that raise a safeguarding concern make the callback the safeguarding team's, due now
    rather than in the chosen window, and alert supervisors (003:L211).
    """
    for scope, ident, limit in (("callme-address", address, config.call_me_per_address),
                                ("callme-number", request.phone, config.call_me_per_number)):
        _check(limiter, scope, ident, limit)
    key = f"callme-{uuid.uuid4().hex}"
    open_contact(session=session, key=key, channel=Channel.WEBFORM, at=now)
    concern = safeguarding.check(request.about) if request.about else None
    if concern is not None and redis_client is not None:
        safeguarding.alert(redis_client, contact=key, channel="webform", concern=concern,
                           where="call_me", at=now)
    queue, due, start = ((SAFEGUARDING_QUEUE, promises.safeguarding(now), None)
                         if concern is not None
                         else (config.call_me_queue, request.end, request.start))
    reason = request.about or "Call me request from the website"
    callback = create_callback(
        session=session, contact_key=key, due=due, reason=reason,
        source="customer_request", queue_id=queue, phone=request.phone, now=now,
        not_before=start,
        # No texts about a safeguarding call: a message on a phone others may read could put
        # the customer at risk, and the call comes now besides (003:L211).
        notify="sms" if request.texts and concern is None else None,
        summary=stored_summary(
            channel="webform", facts=None, decision=None, form="call_me",
            window={"start": request.start.isoformat(), "end": request.end.isoformat()},
            **({"concern": safeguarding.summary(concern)} if concern else {})))
    record_event(session=session, contact_key=key, kind=EventKind.CALLBACK_CREATED, at=now,
                 event_id=f"callback:{callback.id}",
                 detail={"callback_id": callback.id, "queue": queue,
                         "due": due.isoformat(), "source": "call_me_form",
                         "window_start": request.start.isoformat()})
    session.commit()
    return CallMeBooked(callback_id=callback.id, due=due, contact_key=key, request=request,
                        urgent=concern is not None)


def _check(limiter: RateLimiter, scope: str, ident: str, limit: Limit) -> None:
    wait = limiter.check(scope, ident, limit)
    if wait:
        raise TooMany(wait)


def _callable_number(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 32:
        return None
    number = uk_number(value.strip())
    if number is None:
        return None
    kind = phonenumbers.number_type(relay_uk.parsed(number))
    return number if kind in CALLABLE_TYPES else None


def _time(value: object, name: str) -> datetime:
    if not isinstance(value, str):
        raise WindowError(f"the window's {name} must be an ISO 8601 time")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise WindowError(f"the window's {name} is not an ISO 8601 time") from None
