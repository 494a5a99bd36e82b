"""Facts volunteered in passing: circumstances, qualifications, languages, time out of work, topics.

Customers say several things at once ("I've been made redundant and want help"): the intent
classifier picks one, and these patterns keep the rest. Patterns are deliberately plain so that
lower-case, unpunctuated speech-recognition text matches as well as typed chat.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.components.numbers import TENS, UNITS
from bot.components.spoken import Found
from triage import languages, places, refusals
from triage.safeguarding import screen


def _any(*alternatives: str) -> str:
    """One pattern matching any of `alternatives`."""
    return "|".join(alternatives)


NEGATIONS = re.compile(r"\b(not|no|never|n't|dont|don't|isn't|aren't|haven't|havent|am not)\W*$")

# (fact, value, pattern). A negation just before a match flips a True value ("I'm not disabled").
FLAG_PATTERNS: list[tuple[str, bool, str]] = [
    ("facing_redundancy", True, _any(
        r"redundan\w*", r"laid off", r"being let go", r"(?:is|are) at risk", r"closing down",
        r"shutting down")),
    ("jobcentre_plus_claimant", True, _any(
        r"job ?cent(?:re|er)s?(?: plus)?", r"universal credit", r"job ?seekers?", r"\bjsa\b",
        r"\besa\b", r"work coach", r"on benefits", r"claim(?:ing|s)? benefits?", r"signing on",
        r"sign on")),
    # A past conviction, volunteered: the neutral indicator only (001:3.4, 001:20.2-20.4).
    ("ex_offender", True, _any(
        r"(?:got|get|came|come|been|just) out of (?:prison|jail|custody)",
        r"(?:released|out) from (?:prison|jail|custody)", r"(?:left|leaving|after) (?:prison|jail)",
        r"(?:was|been|went) (?:in|to) (?:prison|jail)", r"criminal (?:record|conviction)s?",
        r"(?:a|my|previous|past|spent|unspent) convictions?", r"done (?:some )?(?:time|bird)",
        r"ex[- ]?(?:offender|con|prisoner)", r"on (?:probation|licence|license)",
        r"served (?:a|my) (?:prison )?sentence", r"(?:a|my) prison sentence")),
    ("in_custody", True, _any(
        r"(?<!out of )(?<!been )(?<!was )in (?:prison|custody|jail|a young offenders?)",
        r"serving (?:a|my) (?:prison )?sentence", r"on remand", r"(?<!ex )(?<!ex-)\bprisoner\b",
        r"\bhmp\b")),
    ("learning_difficulty_or_disability", True, _any(
        r"disab\w*", r"dyslexi\w*", r"dyspraxi\w*", r"autis\w*", r"asperger\w*", r"\badhd\b",
        r"learning (?:difficult\w*|disabilit\w*)", r"special (?:educational )?needs",
        r"wheelchair", r"\bblind\b", r"\bdeaf\b", r"visually impaired")),
    ("in_education_or_training", True, _any(
        r"(?:i'm|im|i am|currently|still) (?:at|in) (?:school|college|uni|university|sixth form)",
        r"(?:i'm|im|i am) (?:a student|studying|doing an? (?:\w+ )?course|on a course"
        r"|in year \d+|in education|in training)",
        r"in (?:year (?:1[0-3]|ten|eleven|twelve|thirteen))")),
    ("in_work", False, _any(
        r"lost my job", r"out of work", r"unemployed", r"not working", r"no job", r"jobless",
        r"between jobs", r"haven't worked", r"havent worked", r"not worked",
        r"without (?:a )?job", r"out of a job", r"(?:not|haven't|havent) had a job")),
    ("in_work", True, _any(
        r"(?:i'm|im|i am) (?:working|employed|in work)", r"i work (?:as|at|in|for|part|full)",
        r"(?:full|part)[ -]time job", r"my (?:current )?job\b", r"my employer", r"my boss")),
    ("anonymous", True, _any(
        r"(?:stay|remain|be) anonymous", r"rather not (?:give|say) (?:my )?(?:name|details)",
        r"don'?t want to give (?:my |you my )?(?:name|details)")),
]
QUALIFICATIONS: list[tuple[int, str]] = [
    (0, _any(
        r"no (?:formal )?qual\w*", r"no gcses",
        r"(?:haven't|havent|not) got any (?:qual\w*|gcses|exams)",
        r"(?:didn'?t (?:get|pass)|without) any (?:qual\w*|gcses|exams)",
        r"left school with nothing", r"never (?:got|passed) any", r"entry level")),
    (8, r"\bphd\b|doctorate"),
    (7, r"master'?s(?: degree)?|\bmsc\b|\bmba\b|post ?graduate|\bpgce\b"),
    (5, r"foundation degree|\bhnd\b"),
    (4, r"\bhnc\b"),
    (6, _any(
        r"(?:a |my |university |uni |first |bachelor'?s )?degree", r"bachelor'?s",
        r"graduated from uni\w*", r"\bgraduate\b")),
    (3, _any(
        r"\b(?:a|ay|eh|t)[ -]?levels?\b", r"btec (?:level )?(?:3|three|national)",
        r"access (?:course|to higher education)", r"baccalaureate")),
    (2, r"\bgcses?\b|\bgcse's\b|\bg c s e s?\b|\bo[ -]levels?\b"),
]
LEVEL_RE = re.compile(_any(
        r"\b(?:nvq |btec |level )+(?:level )?(\d|one|two|three|four|five|six|seven|eight)\b"))
# Languages (triage.languages), places (triage.places) and the safeguarding screen
# (triage.safeguarding) are triage's own, so the app and the assistant read words the same way.
TOPICS = {
    "apprenticeships": r"apprentice\w*|traineeship\w*",
    "funding": _any(
        r"funding", r"\bloans?\b", r"grants?\b", r"bursar\w*",
        r"pay for (?:a |the |my )?(?:course|training)", r"tuition fees", r"\bfees\b"),
    "cv": r"\bcvs?\b|\bc v\b|see vee|\bresume\b|curriculum vitae",
    "skills_health_check": r"skills? health ?check|skills (?:assessment|test|quiz)",
    "job_profiles": _any(
        r"job profiles?", r"what (?:does|do) an? \w+ do", r"how (?:do i|to) become an?",
        r"salar\w*"),
    "account": r"(?:my |an |online |the )account|log ?in|sign in|password|register(?:ing)? online",
    "courses": r"courses?|classes|night school|evening class\w*|retrain\w*|qualification to get",
}
# What the customer needs, when they say it outright; the first matching need wins, so a
# complaint about advice is a complaint. The intent classifier covers everything else.
NEEDS = {
    "complaint": _any(
        r"complain\w*|complaint", r"(?:unhappy|not happy|dissatisfied|disappointed) with (?:the "
        r"|your |my )?(?:advice|service|adviser|advisor|call|response|help)",
        r"(?:poor|bad|terrible|awful|rubbish|appalling|disgusting|shocking) service"),
    "feedback": r"feedback|compliment",
    # An appointment elsewhere ("at the jobcentre on Monday") is not a face-to-face request.
    "face_to_face": _any(
        r"face (?:to|2) face", r"in person", r"(?:see|meet) (?:an adviser|someone) (?:in person"
        r"|locally)",
        r"(?:book|make|arrange|want|like|need|get|have)(?: \w+)? (?:an? )?(?:appointment|appt)"
        r"(?! (?:at|with|in) (?:the |my |a )?(?:job ?cent\w*|doctors?|gp|hospital|dentist|bank"
        r"|council|work|college|school|uni\w*))"),
    "advice": _any(
        r"advi[cs]e\b", r"advise me", r"guidance", r"career change", r"change (?:my )?careers?",
        r"get promoted", r"promotion", r"progress (?:at|in) (?:work|my career)",
        r"less (?:dull|boring)", r"(?:what|which) job (?:to|should)",
        r"next steps", r"what to do next",
        r"help (?:me )?(?:with |to )?(?:get|getting|find|finding) (?:back )?(?:into |a |some )?"
        r"(?:work|job)",
        # Asking for a person to talk it through, or to look at something, is asking for advice.
        r"(?:want|need|like) (?:someone|somebody|an adviser|a person) to (?:look|check|go over"
        r"|read|help|talk)",
        r"(?:talk|speak|chat) (?:to|with) (?:an? |the )?(?:careers )?advis[eo]r (?:about|on|re)\b",
        r"rather (?:talk|speak) to (?:an? |the )?(?:advis[eo]r|someone|somebody|a person)",
        # Not knowing which way to go is a question for an adviser, not a page.
        r"(?:don'?t|do not|dont) know (?:what|which) (?:course|job|career|subject|option|to do"
        r"|to pick|to choose|to study)", r"not sure (?:what|which) (?:course|job|career|to do)",
        # Chatty ways of asking where to go next: "just want something different".
        r"(?:want|need|fancy|looking for) (?:something|a job|a career|work) (?:completely |totally"
        r" )?(?:different|new)\b", r"(?:not sure|don'?t know|dont know|no idea) where to (?:start"
        r"|begin|go)", r"fresh start", r"new direction",
        r"change (?:of )?(?:direction|careers?)\b"),
    "information": r"information|\binfo\b|want to know about|tell me about|find out about",
}
DURATION_RE = re.compile(
    r"(?:for |about |over |more than |nearly |almost |around )*"
    r"(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen"
    r"|twenty|thirty|a couple of|a few|several) (?P<unit>years?|months?|weeks?)"
    r"(?P<half> and a half)?"
)
OUT_OF_WORK = re.compile(
    r"out of work|unemployed|not (?:been )?work\w*|(?:haven't|havent|not) (?:had a job|worked)"
    r"|no job|jobless|without (?:a )?(?:job|work)|off work|lost my job|redundan\w*|out of a job"
)
# Words that make a topic question one of advice rather than information.
_ADVICE_HINT = re.compile(r"career change|change (?:my )?career|next steps|what (?:job|to do)"
                          r"|promot\w*|progress\w*|less (?:dull|boring)|get back into work"
                          r"|help (?:me )?(?:with|on) my|can (?:you|u) help")
WORD_COUNTS = {"a couple of": 2, "a few": 3, "several": 4, **UNITS, **TENS}


def find_circumstances(text: str) -> list[Found]:
    """Every deterministic fact in `text` except ages and postcodes."""
    lowered = text.lower()
    found = _flags(lowered)
    found += _refusal(lowered, found_anonymous=any(f.entity == "anonymous" for f in found))
    found += _qualifications(lowered) + _months_out_of_work(lowered)
    found += _language(text) + _nation(lowered)
    need = _named(lowered, "need", NEEDS)[:1]
    topic = _named(lowered, "topic", TOPICS)[:1]
    if topic and not need and not _ADVICE_HINT.search(lowered):
        # A question about a tool or a topic is information (001 glossary, 000:L29).
        # Zero-width at the start, so that the topic keeps its own span (one entity a token).
        need = [Found("need", 0, 0, "information")]
    return found + need + topic


def self_harm_span(text: str) -> tuple[int, int] | None:
    """The whole message's span when the safeguarding screen finds a concern, or None.

    The screen is triage's (the app runs the same one on every channel): one rule, everywhere.
    """
    return (0, len(text)) if screen(text) is not None else None


def _language(text: str) -> list[Found]:
    """A language-line language by any common name (Panjabi, Persian, Polski, Français)."""
    found = languages.find(text)
    return [Found("language", found[1], found[2], found[0])] if found else []


def _nation(lowered: str) -> list[Found]:
    """A nation, town or Crown dependency named in words ("I live in Cardiff").

    An English town or county named as home is a postcode: an outward code inside it, which
    gives its prime contractor area (the nation follows from the code)."""
    town = places.find_home_town(lowered)
    if town is not None:
        return [Found("postcode", town[1], town[2], town[0])]
    found = places.find_nation(lowered)
    return [Found("nation", found[1], found[2], found[0])] if found else []


def _refusal(lowered: str, *, found_anonymous: bool) -> list[Found]:
    """A refusal to answer ("I'd rather not say"): the customer stays anonymous (000:L68)."""
    span = None if found_anonymous else refusals.find(lowered)
    return [Found("anonymous", *span, True)] if span else []


def _flags(lowered: str) -> list[Found]:
    """Yes/no circumstances, each at most once (the first mention wins)."""
    found: dict[str, Found] = {}
    for fact, value, pattern in FLAG_PATTERNS:
        if fact in found:
            continue
        match = _compiled(pattern).search(lowered)
        if match:
            before = lowered[max(0, match.start() - 12) : match.start()]
            negated = value and NEGATIONS.search(before)
            found[fact] = Found(fact, match.start(), match.end(), not value if negated else value)
    return list(found.values())


def _qualifications(lowered: str) -> list[Found]:
    """The highest qualification named, as a level 0..8 (most specific pattern first)."""
    match = LEVEL_RE.search(lowered)
    if match:
        digit = match.group(1)
        level = int(digit) if digit.isdigit() else UNITS[digit]
        return [Found("qualification_level", match.start(), match.end(), min(level, 8))]
    for level, pattern in QUALIFICATIONS:
        match = _compiled(pattern).search(lowered)
        if match:
            return [Found("qualification_level", match.start(), match.end(), level)]
    return []


def _months_out_of_work(lowered: str) -> list[Found]:
    """How long someone has been out of work, in months, when they say so."""
    if not OUT_OF_WORK.search(lowered):
        return []
    match = DURATION_RE.search(lowered)
    if not match:
        return []
    raw = match.group("n")
    count = int(raw) if raw.isdigit() else WORD_COUNTS.get(raw, 1)
    unit = match.group("unit")
    months = count * 12 if unit.startswith("year") else count if unit.startswith("month") else 0
    if match.group("half"):
        months += 6 if unit.startswith("year") else 0
    return [Found("months_out_of_work", match.start("n"), match.end("unit"), months)]


@lru_cache(maxsize=128)
def _compiled(pattern: str) -> re.Pattern:
    """`pattern` compiled once."""
    return re.compile(pattern)


@lru_cache(maxsize=64)
def _word_start(pattern: str) -> re.Pattern:
    """`pattern` compiled once, anchored at a word start."""
    return re.compile(rf"\b(?:{pattern})")


def _named(lowered: str, entity: str, table: dict[str, str]) -> list[Found]:
    """Entities whose value is the key of the first matching pattern in `table`."""
    found = []
    for value, pattern in table.items():
        match = _word_start(pattern).search(lowered)
        if match:
            found.append(Found(entity, match.start(), match.end(), value))
    return found
