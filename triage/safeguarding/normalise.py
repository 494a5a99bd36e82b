"""One spelling for typed and spoken text before the safeguarding rules and model read it.

Typed chat (typos, slang, no apostrophes) and speech-recogniser text (lower case, no punctuation,
fillers) are folded to one form, so a rule or a learned weight written once reads both.
"""

from __future__ import annotations

import re

# Common misspellings and speech-recogniser renderings, mapped to one spelling before matching.
_SPELLINGS = {
    r"su+i+c+i+d+e?\w*|suicd\w*|sucide\w*|suiside\w*|suicde\w*|sewer ?side|suecide\w*"
    r"|suiced\w*|suside\w*|sucid\w*": "suicide",
    r"my ?sel+f|my ?slef|my ?sefl|mysef|myslf|meself|me self": "myself",
    r"kil+|kll": "kill",
    r"wan+a|wanan|wnat to|wnt to|want ?ta|wanto": "want to",
    r"gon+a": "going to",
    r"dont|do not|dnt|don t|doesnt|does not": "dont",
    r"cant|cannot|can not|carnt|cnt|can t": "cant",
    r"im|i m|iam": "i am",
    r"ive|i ve": "i have",
    r"theres|there s": "there is",
    r"whats|what s": "what is",
    r"(?:self|slef|sef) ?ha+rm\w*|self arm\w*": "selfharm",
    r"anymore|any more|any longer|no more": "anymore",
    r"overdos\w*|over ?dos\w*|over does|oded|od|ods|odd on"
    r"|odd (?:last|again|yesterday)": "overdose",
    r"u": "you",
    r"ur": "your",
    r"r": "are",
    r"wiv|wit": "with",
    r"tho": "though",
    r"abused|abusing|abusive|abuses|abuse": "abuse",
    r"hits|hitting|hit": "hits",
    r"beats|beating|beat|beaten": "beats",
}
# One pass for every spelling (a turn is screened on every channel, so this runs a lot).
_SPELLING_RE = re.compile("|".join(rf"(?P<s{i}>\b(?:{k})\b)" for i, k in enumerate(_SPELLINGS)))
_SPELLING_OF = {f"s{i}": v for i, v in enumerate(_SPELLINGS.values())}
_FILLERS = re.compile(r"\b(?:erm+|um+|uh+|er+|hmm+|basically|literally|honestly|just|so|yeah"
                      r"|kind of|sort of|you know|i mean)\b")


_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"['\u2019`]")


def normalise(text: str) -> str:
    """Lower case, no apostrophes or punctuation, one spelling of common typos, fillers out."""
    lowered = _APOSTROPHE.sub("", text.lower())
    lowered = " " + _NON_WORD.sub(" ", lowered) + " "
    lowered = _SPELLING_RE.sub(lambda m: _SPELLING_OF[m.lastgroup], lowered)
    lowered = _FILLERS.sub(" ", lowered)
    return " ".join(lowered.split())


