"""Ages and UK postcodes as customers say them or a speech recogniser writes them down.

Both are found by rules rather than learned, so "I'm nineteen next month" and "em one one ay ee"
are understood the same way every time, whatever the intent classifier thinks of the sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.components.numbers import HOMOPHONES, TENS, UNITS, number_at, words_with_spans


@dataclass(frozen=True)
class Found:
    """One entity found in a text: its name, character span and value."""

    entity: str
    start: int
    end: int
    value: object


# ---- ages -------------------------------------------------------------------------------------

# "sorry, I meant 31": the last value said is the one the customer means.
CORRECTION = re.compile(r"\b(?:i meant|i mean|sorry|no wait|hang on|actually|correction|rather"
                        r"|not \w+ (?:but|i'm|im)|wait no|no no|oops|typo)\b", re.I)

# "sorry, I meant 31": a correction names the age again.
AGE_CUES = {"i'm", "im", "am", "aged", "age", "turning", "turned", "turn", "be", "i'll", "meant",
            "mean"}
# "I'm in prison and 18": the speaker is the subject a few words back.
SELF_CUES = {"i'm", "im", "am"}
# "year 12", "level 3", "for 18 months": numbers that are never an age after these words.
NOT_AFTER = {"year", "level", "nvq", "for", "at", "of", "band", "grade", "number", "page"}
UPCOMING_CUES = {"turning", "turn", "be"}  # "I'll be 19", "turning 19": not 19 yet
SOON = {"next", "soon", "tomorrow", "later", "shortly"}
MONTHS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday",
}
NOT_AGE_UNITS = {
    "month", "months", "week", "weeks", "day", "days", "hour", "hours", "pounds", "quid", "kids",
    "children", "percent", "gcses", "gcse", "times", "jobs", "minutes", "am", "pm", "o'clock",
}
FILLERS = {
    "um", "umm", "uh", "er", "erm", "ah", "oh", "well", "so", "yeah", "yes", "it's", "its", "i'm",
    "im", "i", "am", "about", "like", "okay", "ok", "right", "please", "thanks", "just", "only",
    "now", "sorry", "meant", "mean", "no", "actually", "it", "is", "my", "age", "i'll", "be",
    "years", "year", "old", "postcode", "post", "code", "the", "that's", "thats",
}


def find_ages(text: str) -> list[Found]:
    """Ages stated in `text`, corrected for "I'll be 19 next month" (which means 18)."""
    words = words_with_spans(text)
    found = []
    index = 0
    while index < len(words):
        number = number_at(words, index)
        if number is None:
            index += 1
            continue
        value, used = number
        age = _age_in_context(words, index, used, value)
        if age is None and index == 0 and 13 <= value <= 99 and _then_pause(text, words, used):
            age = value  # "52, on universal credit, want advice": a leading number is the age
        if age is not None:
            found.append(Found("age", words[index][1], words[index + used - 1][2], age))
        index += used
    return found


_AGE_SUFFIX = re.compile(r"\b(1[0-9]|[2-9][0-9]|1[01][0-9]|120)\s*(?:yo|y/o|yrs?|years?)\b")


def answer_age(text: str) -> int | None:
    """The age in an answer to "How old are you?": "fifty nine mate", "36 thx", "42yo".

    Only for that question's answer, where any number from 10 to 120 that is not a count of
    something ("3 kids") is the age; elsewhere `find_ages` wants a cue such as "I'm".
    """
    suffixed = _AGE_SUFFIX.search(text.lower())
    if suffixed:
        return int(suffixed.group(1))
    words = words_with_spans(text)
    for index in range(len(words)):
        number = number_at(words, index)
        if number is None:
            continue
        value, used = number
        after = [w for w, _, _ in words[index + used : index + used + 1]]
        before = [w for w, _, _ in words[max(0, index - 1) : index]]
        if 10 <= value <= 120 and not (set(after) & NOT_AGE_UNITS) and before != ["not"]:
            return value
    return None


def _then_pause(text: str, words, used: int) -> bool:
    """True when the number that starts `text` is followed by a comma, a full stop or nothing."""
    rest = text[words[used - 1][2]:].lstrip()
    return not rest or rest[0] in ",.;"


def _age_in_context(words, index: int, used: int, value: int) -> int | None:
    """The age a number means where it stands, or None when it is not an age."""
    after = [w for w, _, _ in words[index + used : index + used + 3]]
    before = [w for w, _, _ in words[max(0, index - 3) : index]]
    # "44 yrs old", "23 years" said as the whole answer, "17 y/o": an age.
    years_old = after[:2] in (["years", "old"], ["year", "old"], ["yrs", "old"], ["yr", "old"]) or \
        after[:1] in (["yo"], ["yrs"], ["y"]) or (after in (["years"], ["year"]))
    if (after and after[0] in NOT_AGE_UNITS) or before[-1:] == ["not"]:
        return None
    if set(before) & POSTCODE_CUES:
        return None
    if after[:1] in (["years"], ["year"]) and not years_old:
        return None
    if before[-1:] and before[-1] in NOT_AFTER:
        return None
    wider = {w for w, _, _ in words[max(0, index - 6) : index]}
    cued = years_old or bool(set(before) & AGE_CUES) or bool(wider & SELF_CUES)
    alone = all(w in FILLERS for w, _, _ in words[:index] + words[index + used :])
    if not (cued or alone) or not 10 <= value <= 120:
        return None
    upcoming = bool(set(before[-2:]) & UPCOMING_CUES) and "just" not in before
    soon = bool(set(after[:2]) & SOON) or (len(after) > 1 and after[0] in ("in", "on")
                                           and after[1] in MONTHS)
    return value - 1 if (upcoming or soon) and "turned" not in before else value


# ---- postcodes ----------------------------------------------------------------------------------

LETTER_NAMES = {
    "ay": "A", "eh": "A", "bee": "B", "be": "B", "cee": "C", "see": "C", "sea": "C", "dee": "D",
    "ee": "E", "ef": "F", "eff": "F", "gee": "G", "aitch": "H", "haitch": "H", "eye": "I",
    "jay": "J", "kay": "K", "el": "L", "ell": "L", "em": "M", "en": "N", "oh": "O", "pee": "P",
    "pea": "P", "queue": "Q", "cue": "Q", "ar": "R", "are": "R", "es": "S", "ess": "S",
    "tee": "T", "tea": "T", "you": "U", "vee": "V", "ex": "X", "why": "Y", "zed": "Z", "zee": "Z",
}
DIGIT_WORDS = {w: str(v) for w, v in UNITS.items() if v <= 9 and w not in ("a", "an")}
DIGIT_WORDS.update({w: str(v) for w, v in HOMOPHONES.items()})
DIGIT_WORDS["to"] = "2"
# Letters a postcode can hold: no Q, V or X first, no I, J or Z second, no C, I, K, M, O or V in
# the inward code. These rules also keep ordinary words ("be 19 in March") from looking like one.
FULL_RE = re.compile(r"^([A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")
OUTWARD_RE = re.compile(r"^[A-PR-UWYZ][A-HK-Y]?[0-9][A-Z0-9]?$")
# Two-letter words that are never said as part of a postcode.
COMMON_PAIRS = {
    "um", "uh", "er", "ah", "so", "in", "at", "is", "it", "my", "me", "we", "he", "if", "on", "of",
    "or", "an", "as", "do", "go", "no", "up", "us", "am", "hi", "ok", "im", "by",
}
CHUNK_RE = re.compile(r"^[a-z]{1,2}[0-9][a-z0-9]{0,4}$|^[0-9][a-z]{2}$|^[0-9][a-z0-9]{0,3}$")
POSTCODE_CUES = {"postcode", "code", "post"}


def find_postcodes(text: str) -> list[Found]:
    """UK postcodes in `text`, typed ("M1 1AE") or spoken ("em one one ay ee"), normalised.

    A full postcode is found anywhere; an outward code alone ("M1", "sw one a") only when the
    message is about a postcode or says nothing else, because short codes look like ordinary words.
    """
    words = words_with_spans(text)
    best: Found | None = None
    for start in range(len(words)):
        candidate = _longest_postcode_from(words, start)
        if candidate and (best is None or _better(candidate, best)):
            best = candidate
    return [best] if best else []


def _better(new: Found, old: Found) -> bool:
    """A full postcode beats an outward code; otherwise the longer span wins."""
    new_full, old_full = " " in str(new.value), " " in str(old.value)
    if new_full != old_full:
        return new_full
    return new.end - new.start > old.end - old.start


def _longest_postcode_from(words, start: int) -> Found | None:
    """The longest postcode made of consecutive words from `start`, or None."""
    chars = ""
    result = None
    index = start
    while index < len(words):
        piece, used = _chars_of(words, index)
        if piece is None:
            break
        chars += piece
        index += used
        if len(chars) > 8:
            break
        code = _as_postcode(chars)
        if code and (" " in code or _outward_allowed(words, start, index)):
            result = Found("postcode", words[start][1], words[index - 1][2], code)
    return result


def _chars_of(words, index: int) -> tuple[str | None, int]:
    """The postcode characters spoken or typed as words[index] (and maybe the next word)."""
    word = words[index][0]
    following = words[index + 1][0] if index + 1 < len(words) else ""
    if word == "double" and following in ("you", "u"):
        return "W", 2
    if word == "double" and following:
        piece, used = _chars_of(words, index + 1)
        return (piece * 2 if piece and len(piece) == 1 else None), 1 + used
    if word in LETTER_NAMES:
        return LETTER_NAMES[word], 1
    if word in DIGIT_WORDS:
        return DIGIT_WORDS[word], 1
    if word in TENS or word in UNITS:
        number = number_at(words, index)
        if number and number[0] >= 10:
            return str(number[0]), number[1]
    if len(word) == 1 and word.isalnum():
        return word.upper(), 1
    if CHUNK_RE.match(word):
        return word.upper(), 1
    if len(word) == 2 and word.isalpha() and word not in COMMON_PAIRS:
        return word.upper(), 1
    return None, 1


def _as_postcode(chars: str) -> str | None:
    """`chars` as a normalised postcode ("M1 1AE") or outward code ("M1"), or None.

    Speech gives "oh" for both the letter O and zero: letters are expected in the area, so a
    zero there is read as O, and an O where a digit is expected as zero.
    """
    fixed = _fix_o_and_zero(chars)
    match = FULL_RE.match(fixed)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if OUTWARD_RE.match(fixed):
        return fixed
    return None


def _fix_o_and_zero(chars: str) -> str:
    """Read 0 as O in the leading letters and O as 0 where the inward code's digit stands."""
    letters = len(chars) - len(chars.lstrip("0O")) if chars[:1] in "0O" else 0
    head = chars[:letters].replace("0", "O")
    rest = chars[letters:]
    area = len(rest) - len(rest.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    body = rest[area:]
    body = body[:1].replace("O", "0") + body[1:]
    if len(body) >= 3:
        body = body[:-3] + body[-3].replace("O", "0") + body[-2:]
    return head + rest[:area] + body


def _outward_allowed(words, start: int, end: int) -> bool:
    """An outward code alone counts only after a postcode cue or as the whole message."""
    before = {w for w, _, _ in words[max(0, start - 4) : start]}
    if before & POSTCODE_CUES:
        return True
    others = [w for w, _, _ in words[:start] + words[end:]]
    return all(w in FILLERS for w in others)
