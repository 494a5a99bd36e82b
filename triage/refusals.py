"""Refusing to answer, in words: "I'd rather not say", "prefer not to", "none of your business".

A customer may stay anonymous, which restricts the service to information (000:L68). The assistant
reads a refusal at any triage question as that choice, and the identity step as declining its
questions: one pattern for every channel and step, so a refusal is never asked again and again.
"""

from __future__ import annotations

import re

# "No, I'd rather not say" is a refusal, not a negated one; "rather not" must be about saying
# ("I'd rather not go to uni" is not), or end the sentence ("I'd rather not, thanks").
REFUSAL = re.compile("|".join((
    r"\b(?:rather|prefer(?:red)?) not (?:to )?(?:say|tell|give|share|answer|disclose|divulge"
    r"|go into (?:it|that))\b",
    r"\b(?:rather|prefer) not(?: to)?\W*(?:thanks?|thank you|ta)?\W*$",
    r"\b(?:don'?t|do not|dont) (?:want|wish|like) to (?:say|tell you"
    r"|give (?:it|that|them|you|out|my|any)|share (?:it|that|my)|answer (?:that|it))",
    r"\bnot (?:telling|saying|giving) (?:you|that|it)\b",
    r"\bnone of (?:your|ur) (?:business|concern)", r"\bmind your own( business)?\b",
    r"\bno comment\b", r"\bnot comfortable (?:saying|giving|sharing|telling)",
    r"\bkeep (?:that|it|them) (?:to myself|private)", r"\b(?:that'?s|thats|it'?s|its) private\b",
    r"\b(?:rather|prefer to) (?:stay|be|remain|keep it) (?:anonymous|private)",
    # Said another way: "not saying", "I don't give out personal details", "I'll leave that",
    # "pass", "can I ask anonymously", "without giving my name".
    r"^\W*(?:no\W+)?(?:i'?m |im |i am )?not (?:saying|telling)(?: (?:you|that|it))?\W*"
    r"(?:sorry|thanks?)?\W*$", r"^\W*pass\W*$",
    r"\b(?:don'?t|do not|dont|never|won'?t|will not) (?:give|hand) out (?:my |any )?"
    r"(?:personal |private )?(?:details|information|info|data)\b",
    r"\b(?:i'?ll|i will|id|i'?d) (?:leave|skip) (?:that|it|that one)\W*(?:thanks?|thank you"
    r"|sorry|if (?:that'?s|thats) ok(?:ay)?)?\W*$",
    r"\banonymous(?:ly)?\b",
    r"\bwithout (?:giving|telling|saying)(?: you)? (?:my |me |where |who |how old )")))


def find(text: str | None) -> tuple[int, int] | None:
    """The span of a refusal in `text` (lower-cased offsets), or None."""
    if not isinstance(text, str) or not text:
        return None
    match = REFUSAL.search(text.lower())
    return match.span() if match else None


def is_refusal(text: str | None) -> bool:
    """True when `text` refuses to answer."""
    return find(text) is not None


# What else a turn that only declines may hold: not knowing, an age, the detail refused, fillers.
_UNSURE = re.compile(r"\b(?:i )?(?:don'?t|do not|dont|didn'?t) (?:really )?know\b"
                     r"|\bnot (?:really )?sure\b|\bno idea\b|\bdunno\b|\bidk\b")
_AGE = re.compile(r"\b(?:i'?m|im|i am|aged?)? ?(?:\d{1,3}|[a-z]+teen|twenty|thirty|forty|fifty"
                  r"|sixty|seventy|eighty)(?: (?:one|two|three|four|five|six|seven|eight|nine))?"
                  r"(?: years? old)?\b")
_DETAIL = re.compile(r"\b(?:to )?(?:say |give |tell you |share )?(?:you )?(?:my |me )?"
                     r"(?:full |first )?(?:name|surname|postcode|age|date of birth|birthday"
                     r"|details|address|number)\b")
_FILLER = re.compile(r"\b(?:if (?:that'?s|thats|that is) (?:ok|okay|alright|all right)|thanks?"
                     r"|thank you|ta|sorry|really|to be honest|tbh|honestly|mate|um+|erm+|er|uh"
                     r"|well|no|yeah|ok|okay|please|though|actually|just|and|but|so|what i need"
                     r"|what i want|i need|i want|i'?d|id|i would|would|i'?m|im|i)\b")


def only_declines(text: str | None) -> bool:
    """True when `text` says nothing but a refusal or not knowing, with at most an age and the
    detail refused ("I'd rather not say my name", "I don't know, I'm 16"): nothing else to read."""
    if not isinstance(text, str) or not text.strip():
        return False
    lowered = " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())
    rest = REFUSAL.sub(" ", lowered)
    if rest == lowered and not _UNSURE.search(lowered):
        return False  # neither a refusal nor not knowing
    for pattern in (_UNSURE, _DETAIL, _FILLER, _AGE):
        rest = pattern.sub(" ", rest)
    return not re.sub(r"[^a-z0-9]+", "", rest)
