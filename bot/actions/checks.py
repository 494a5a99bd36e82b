"""Checking an uncertain fact in one short yes-or-no question, only when it can change the route.

A fact is uncertain when the words or the speech recogniser allow more than one reading: a
low-confidence "fifty" may be "fifteen", "sixteen or seventeen" and "my son is 14 and I'm 45"
are two ages, "nearly 19" is 18, a low-confidence postcode may have a sound-alike area letter,
"Newport" is in Wales and in England. `triage.confirm.worth_confirming` says whether the
readings route differently; only then does the form ask "Just to check, you're 15?". The reply
is a yes, a no, or the right value, which replaces the reading (a correction).
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.facts import facts_from, metadata_of
from bot.components.numbers import number_at, words_with_spans
from bot.components.spoken import CORRECTION, NOT_AGE_UNITS, SOON, find_ages
from triage.confirm import worth_confirming
from triage.places import NATION_NAMES, ambiguous_place
from triage.postcodes import lookup, normalise

# Speech heard with less confidence than this (Twilio's Confidence, 0 to 1) is uncertain.
CHECK_BELOW = 0.6
# Numbers a speech recogniser confuses: "fifteen" and "fifty", "thirteen" and "thirty".
SOUND_ALIKE = {**{teen: 10 * (teen - 10) for teen in range(13, 20)},
               **{10 * (teen - 10): teen for teen in range(13, 20)}}
# Spoken letter names that sound alike ("em"/"en", "bee"/"dee"/"pee"/"tee"...).
LETTER_ALIKE = ("MN", "BDEGPTV", "FS", "AJK", "IY", "LN", "QU")
_BELOW = re.compile(r"\b(?:nearly|almost|just under)\s+$")
_ABOUT = re.compile(r"\b(?:about|around|roughly|approximately)\s+$")
_SOMEONE_ELSE = re.compile(r"\b(?:my|our|his|her)\s+(?:son|daughter|grandson|granddaughter|child"
                           r"|kid|boy|girl|nephew|niece|brother|sister|grandchild)\b", re.I)
YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|yh|ya|aye|correct|right|that'?s right|exactly"
                 r"|it is|i am|he is|she is|they are|sure|ok|okay)\b", re.I)
NO = re.compile(r"^\W*(?:no|nope|nah|not|wrong|incorrect)\b", re.I)
CHECKED_FACTS = ("age", "nation", "postcode")
# Talk of school: a customer who says it is most likely of school age (an age heard as "fifty"
# after "my GCSEs" is worth one question). Parents say "my son's school": that is someone else's.
_SCHOOL = re.compile(
    r"\b(?:gcses?|sixth form|my (?:teacher|school|mocks|options|form tutor)|work experience"
    r"|(?:year|yr) ?(?:7|8|9|10|11|12|13|seven|eight|nine|ten|eleven|twelve|thirteen)\b"
    r"|still at school|in school|at school|after school|leaving school)", re.I)


def speech_confidence(tracker: Tracker) -> float | None:
    """The speech recogniser's confidence in the latest turn (the phone sends it), or None."""
    value = metadata_of(tracker).get("confidence")
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def age_readings(text: str, age: int, confidence: float | None, *,
                 asked: bool = False, school: bool = False) -> tuple[int, list[int]]:
    """The age to propose and every reading of it the words allow.

    `school`: the customer spoke of school (GCSEs, year eleven, their teacher), so a heard
    "fifty" is checked as fifteen, and a typed 71 as 17, whatever the recogniser's confidence."""
    lowered = text.lower()
    numbers = _numbers(text)
    candidates = [f.value for f in find_ages(text)]
    if asked or _SOMEONE_ELSE.search(text):
        candidates += [value for value, _ in numbers]  # the answer's numbers are all ages
    readings, proposal = [age], age
    if len(set(candidates)) > 1 and not CORRECTION.search(text):
        readings += candidates
        proposal = _someone_elses(text, numbers) or age
    start = next((at for value, at in numbers if value == proposal), None)
    if start is not None and _BELOW.search(lowered[:start]):
        proposal = proposal - 1  # "nearly 19" is 18 today
        readings.append(proposal)
    elif start is not None and _ABOUT.search(lowered[:start]):
        readings += [age - 1, age + 1]
    if confidence is not None and confidence < CHECK_BELOW and age in SOUND_ALIKE:
        readings.append(SOUND_ALIKE[age])
    young = _teen_reading(age, confidence, school) if proposal == age else None
    if young is not None:
        readings.append(young)
        proposal = young  # the likelier reading: the one the school talk points to
    return proposal, readings


def _teen_reading(age: int, confidence: float | None, school: bool) -> int | None:
    """The teen an age may really be: a decade heard on the phone (a confidence comes with
    speech) after talk of school, or seventy to ninety whatever was said (a careers caller of
    that age is rarer than a misheard teen); typed after talk of school, its digits swapped."""
    if confidence is not None:
        teen = SOUND_ALIKE.get(age) if age >= 30 and (school or age >= 70) else None
    else:
        teen = int(str(age)[::-1]) if school and 30 <= age < 100 else None
    return teen if teen is not None and 13 <= teen <= 19 else None


def _numbers(text: str) -> list[tuple[int, int]]:
    """Every number that could be an age (10 to 120) with its offset; "18 next month" is not."""
    words = words_with_spans(text)
    found = []
    for index in range(len(words)):
        number = number_at(words, index)
        if number is None:
            continue
        value, used = number
        after = {w for w, _, _ in words[index + used: index + used + 1]}
        if 10 <= value <= 120 and not after & (SOON | NOT_AGE_UNITS):
            found.append((value, words[index][1]))
    return found


def _someone_elses(text: str, numbers: list[tuple[int, int]]) -> int | None:
    """The age said of the person the enquiry is for ("my son is 14"), if one is."""
    mention = _SOMEONE_ELSE.search(text)
    if mention is None:
        return None
    return next((value for value, at in numbers if at >= mention.end()), None)


def postcode_readings(postcode: str, confidence: float | None) -> list[str]:
    """The postcode and, when heard with little confidence, its sound-alike area letters."""
    readings = [postcode]
    if confidence is None or confidence >= CHECK_BELOW:
        return readings
    for index, letter in enumerate(postcode[:2]):
        if not letter.isalpha():
            break
        for group in LETTER_ALIKE:
            for other in group.replace(letter, "") if letter in group else "":
                candidate = normalise(postcode[:index] + other + postcode[index + 1:])
                if candidate and lookup(candidate):
                    readings.append(candidate)
    return readings


def new_check(tracker: Tracker, given: dict[str, Any]) -> dict[str, Any] | None:
    """A check of the most decisive uncertain fact given this turn, or None if none matters."""
    text = (tracker.latest_message or {}).get("text") or ""
    confidence = speech_confidence(tracker)
    facts = facts_from(tracker)
    asked = tracker.get_slot("requested_slot")
    school = "age" in given and said_school(tracker)
    for name in CHECKED_FACTS:
        found = _readings(name, given, text, confidence, asked == name, school)
        if found is None:
            continue
        proposal, readings = found
        if worth_confirming({k: v for k, v in facts.items() if k != name}, name, readings):
            others = [r for r in dict.fromkeys(readings) if r != proposal]
            return {"fact": name, "value": proposal, "others": others,
                    "question": _question(name, proposal, text)}
    return None


def said_school(tracker: Tracker) -> bool:
    """True when the customer has spoken of school: their GCSEs, a school year, their teacher."""
    return any(_SCHOOL.search(event.get("text") or "") for event in tracker.events
               if event.get("event") == "user")


def _readings(name: str, given: dict, text: str, confidence: float | None, asked: bool,
              school: bool = False):
    value = given.get(name)
    if name == "age" and isinstance(value, int):
        return age_readings(text, value, confidence, asked=asked, school=school)
    if name == "nation" and given.get("postcode") is None:
        place = ambiguous_place(text)
        if place is not None:
            return place[1][0], list(place[1])
    if name == "postcode" and isinstance(value, str) and lookup(value):
        return value, postcode_readings(value, confidence)
    return None


def _question(name: str, value: Any, text: str) -> str:
    """The check in one short question."""
    if name == "age" and _SOMEONE_ELSE.search(text):
        return f"Just to check, is this for someone aged {value}?"
    if name == "age":
        return f"Just to check, you're {value}?"
    if name == "postcode":
        return f"Just to check, is your postcode {value}?"
    place = ambiguous_place(text)
    where = f"{place[0].title()} in " if place else ""
    return f"Just to check, is that {where}{NATION_NAMES.get(value, value)}?"


def answer_check(check: dict[str, Any], text: str, intent: str | None,
                 given: dict[str, Any]) -> dict[str, Any]:
    """Slot updates from the reply to a check: yes keeps it, a new value replaces it, no clears."""
    name, updates = check["fact"], {"check": None, "confirmed": None}
    if given.get(name) is not None and given[name] != check["value"]:
        return updates  # the right value, said instead: already taken this turn
    if intent == "affirm" or (YES.search(text) and intent != "deny"):
        return {**updates, name: check["value"]}
    if intent == "deny" or NO.search(text):
        others = check.get("others") or []
        # Of two places the other is the answer; an age or postcode is asked again.
        if name == "nation" and len(others) == 1:
            return {**updates, name: others[0]}
        return {**updates, name: None, **({"nation": None} if name == "postcode" else {})}
    return {**updates, name: check["value"]}  # unclear: keep the likelier reading, go on


class ActionAskConfirmed(Action):
    """Asks the pending check (the `check` slot's question) with yes and no as choices."""

    def name(self) -> str:
        """The form calls it to ask for the `confirmed` slot."""
        return "action_ask_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[EventType]:
        """One short question; on the phone the choices are read as keys."""
        check = tracker.get_slot("check") or {}
        question = check.get("question") or "Just to check, is that right?"
        dispatcher.utter_message(text=question, buttons=[
            {"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}])
        return []
