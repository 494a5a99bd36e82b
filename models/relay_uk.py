"""Relay UK numbers: a UK number given with the 18001 prefix, kept with it for the callback.

A textphone user dials 18001 before a number to call out through Relay UK, so that is how they
give their own number ("18001 0161 496 0000"); the number is kept as "18001 " + its UK national
form, so whoever calls back knows the call goes through Relay UK (PLATFORM-NOTES "Relay UK").
"""

from __future__ import annotations

import re

import phonenumbers

RELAY_UK_PREFIX = "18001"
_SEPARATORS = re.compile(r"[\s\-().]")


def split(text: str) -> tuple[bool, str]:
    """(True, the number after the prefix) for a Relay UK number, else (False, `text`)."""
    compact = _SEPARATORS.sub("", text or "")
    # No UK number starts 18001 (national numbers start 0, international +44), so the prefix
    # is never part of an ordinary number.
    if compact.startswith(RELAY_UK_PREFIX) and len(compact) > len(RELAY_UK_PREFIX):
        return True, compact[len(RELAY_UK_PREFIX):]
    return False, text


def uk_number(text: str | None) -> str | None:
    """A valid UK number in E.164, or "18001 0…" for one given through Relay UK; else None."""
    if not text:
        return None
    relay, rest = split(text)
    try:
        number = phonenumbers.parse(rest, "GB")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number) or \
            phonenumbers.region_code_for_number(number) != "GB":
        return None
    if relay:
        return f"{RELAY_UK_PREFIX} 0{phonenumbers.national_significant_number(number)}"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_relay(stored: str | None) -> bool:
    """True when a stored number was given through Relay UK."""
    return bool(stored) and split(stored)[0]


def parsed(stored: str) -> phonenumbers.PhoneNumber:
    """The telephone number itself, without any Relay UK prefix."""
    return phonenumbers.parse(split(stored)[1], "GB")


def dial_string(stored: str, relay_dial_prefix: str) -> str:
    """What to dial to call the customer back: a Relay UK number through `relay_dial_prefix`.

    Calling a textphone user back goes through the relay service with its prefix in front of
    their national number (PLATFORM-NOTES: 18002 for a voice caller reaching a textphone user);
    the prefix is a setting because whether a carrier passes it from Twilio is unverified.
    """
    relay, rest = split(stored)
    if not relay:
        return stored
    return f"{relay_dial_prefix}0{phonenumbers.national_significant_number(parsed(stored))}"


def can_text(stored: str) -> bool:
    """Whether a stored callback number can receive texts: a UK mobile, not through Relay UK."""
    if is_relay(stored):
        return False
    kind = phonenumbers.number_type(parsed(stored))
    return kind in (phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
