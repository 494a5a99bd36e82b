"""The safeguarding screen: does a customer's turn mention suicide, self-harm, abuse or danger?

Pure rules, standard library only, so the app (every channel, with or without the assistant),
the assistant's actions and any written-contact intake run the very same screen (003:L211,
000:L127). It reads typed chat (typos, slang, no apostrophes) and speech-recogniser text (lower
case, no punctuation, fillers) alike, because the text is normalised before any rule runs.

Idioms are not safeguarding (DOMAIN.md "Safeguarding"): "this job is killing me", "I'd die for an
apprenticeship" and "a dead-end job" are removed before the rules look, so a false alarm needs a
real phrase of harm. When in doubt the screen errs towards a person: a missed concern costs far
more than an adviser's minute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SELF_HARM = "self_harm"
ABUSE = "abuse"
DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Concern:
    """A safeguarding concern found in a turn: its kind and whether it was said outright."""

    kind: str  # self_harm | abuse | danger
    explicit: bool
    rule: str  # which rule matched (for tests and the adviser's note; never the customer's words)


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
    r"overdos\w*|oded": "overdose",
    r"u": "you",
    r"ur": "your",
    r"r": "are",
    r"wiv|wit": "with",
    r"tho": "though",
    r"abused|abusing|abusive|abuse": "abuse",
    r"hits|hitting|hit": "hits",
    r"beats|beating|beat|beaten": "beats",
}
# One pass for every spelling (a turn is screened on every channel, so this runs a lot).
_SPELLING_RE = re.compile("|".join(rf"(?P<s{i}>\b(?:{k})\b)" for i, k in enumerate(_SPELLINGS)))
_SPELLING_OF = {f"s{i}": v for i, v in enumerate(_SPELLINGS.values())}
_FILLERS = re.compile(r"\b(?:erm+|um+|uh+|er+|hmm+|basically|literally|honestly|just|so|yeah"
                      r"|kind of|sort of|you know|i mean)\b")

# Idioms removed before the rules run. Each is harmless on its own; the rules then see the rest.
_IDIOMS = re.compile("|".join((
    r"\b(?:is|are|was|its|it is|thats|that is|be|been|keeps?|they are|theyre)\s+"
    r"(?:\w+\s+)?killing (?:me|us)\b",  # "this commute is killing me", "my feet are killing me"
    r"\bkilling (?:me|us) (?:with|softly)\b",
    r"\b(?:would|wd|d|could)\s+(?:literally\s+)?(?:die|kill) (?:for|to)\b",  # "i'd die for"
    r"\bdying (?:to|for)\b", r"\bto die for\b", r"\bkill for\b",
    r"\b(?:dead|death)[ -]?(?:end|line|lines|ly|ender)\b", r"\bbored (?:to death|stiff)\b",
    r"\b(?:die|died|dying) (?:of|from) (?:embarrassment|boredom|laughing|shame)\b",
    r"\bdead (?:tired|boring|good|easy|keen|serious|on|set|nervous|jealous|chuffed)\b",
    r"\bkill(?:ing)? (?:time|the time|an hour|two birds)\b", r"\bkiller\b",
    r"\b(?:would|d) rather (?:die|be dead) than\b",
    r"\bcut(?:ting)? (?:back|down|my hours|hours|my losses|costs|corners|out)\b",
    r"\bhurt my (?:back|knee|leg|arm|shoulder|chances|feelings|career|cv)\b",
    r"\bend (?:of )?my (?:contract|shift|course|tether|apprenticeship|notice)\b",
    r"\bend my (?:tenancy|lease|employment|studies)\b",
    r"\bno point (?:in )?(?:applying|asking|trying for|calling|going to uni|doing \w+)\b",
    r"\b(?:shoot|shot) (?:me )?(?:an email|a message|over|off)\b",
    r"\blife (?:skills|coach|sciences?|long|time|guard)\b",
    r"\bkill (?:it|them off|off)\b", r"\bover ?kill\b", r"\bkill ?switch\b",
    # Work with others who are at risk is a career, not a disclosure.
    r"\bsuicide (?:prevention|awareness|helpline|charity|charities|crisis line)\b",
    r"\b(?:victims?|survivors?|people|those|children|young people|clients|patients) (?:who|of|with"
    r"|affected by) (?:\w+ )?(?:selfharm|abuse|suicide)\b", r"\bin danger of\b",
)))

# (kind, explicit, rule name, pattern) — patterns run on normalised text (see `normalise`).
_RULES: tuple[tuple[str, bool, str, str], ...] = (
    # Said outright: suicide, killing oneself, self-harm, overdose, wanting to die.
    (SELF_HARM, True, "suicide", r"\bsuicid\w*|\bsuicide\b"),
    (SELF_HARM, True, "kill_myself",
     r"\bkill(?:ing|ed)? (?:myself|me self|meself)\b|\b(?:top|off|unalive) myself\b|\bkms\b"
     r"|\bend myself\b|\bmight as well (?:be dead|die|not be here|not exist)\b"),
    (SELF_HARM, True, "end_my_life",
     r"\b(?:end|ending|ended|take|taking|took)(?: of)? (?:my|me) (?:own )?life\b"
     r"|\bend it all\b|\bending it all\b|\bend everything\b"),
    (SELF_HARM, True, "self_harm",
     r"\bselfharm\b|\b(?:harm|harming|hurt|hurting|cut|cutting|burn|burning|injure|injuring)"
     r" myself\b|\bcut(?:ting)? (?:my|me) (?:wrists?|arms?|legs?)\b"),
    (SELF_HARM, True, "overdose", r"\boverdose\b|\btake (?:all )?(?:my|the) (?:pills|tablets)\b"
     r"|\bswallow(?:ed)? (?:all )?(?:the |my )?(?:pills|tablets)\b"),
    (SELF_HARM, True, "want_to_die",
     r"\b(?:want|wanting|wanted|going|ready|wish) to die\b|\bwanna die\b|\bi want death\b"
     r"|\bwould rather (?:be dead|die)\b|\bwish i (?:was|were) dead\b|\brather be dead\b"),
    (SELF_HARM, True, "method",
     r"\bhang(?:ing)? myself\b|\bjump(?:ing)? (?:off|from) (?:a|the) (?:bridge|building|roof|cliff)"
     r"|\b(?:jump|step|throw myself) in front of (?:a|the) (?:train|bus|car|lorry)\b"
     r"|\bthrow myself (?:off|under)\b|\bslit (?:my )?wrists?\b"),
    # Said indirectly: no point going on, nothing to live for, better off without me...
    (SELF_HARM, False, "no_point",
     r"\b(?:dont|cant) see (?:the |any )?point (?:in |of )?(?:going on|carrying on|living|life"
     r"|being alive|anything anymore|any of it|it all|anymore)\b"
     r"|\bno point (?:in |of )?(?:going on|carrying on|living|life|being alive|being here"
     r"|me being here|existing|anything anymore|it all)\b|\bwhat is the point (?:of |in )?(?:living"
     r"|life|going on|carrying on|being alive|anything anymore)\b|\bpointless living\b"
     r"|\blife is pointless\b|\bno point to (?:my life|life|living)\b"),
    (SELF_HARM, False, "cant_go_on",
     r"\bcant (?:go on|carry on|keep going|do this|take it|take this|cope|live) (?:anymore"
     r"|like this|with life|living)\b|\bcant (?:go|carry) on$|\bcant take (?:it|this)$"
     r"|\bcant cope with (?:life|living|anything)\b|\bgiving up on life\b|\bgive up on (?:life"
     r"|living|everything)\b|\bdone with (?:life|living)\b|\btired of (?:living|life|being alive)"),
    (SELF_HARM, False, "not_be_here",
     r"\b(?:dont|not) want to (?:be alive|exist|wake up (?:again|tomorrow|anymore)|wake up$)"
     r"|\b(?:dont|not) want to (?:live|be here|be around|carry on|go on)(?: anymore)?"
     r"(?! (?:in|at|on|near|with|there|here|abroad|far|close|somewhere|anywhere|by|for|doing"
     r"|working|as|like|and|the|this|that|my|a|an|to|until|till|when|while|if|after|without))\b"
     r"|\bwish i (?:wasnt|was not|werent) (?:here|alive|born|around)\b|\bwish i (?:had|d) never"
     r" been born\b|\bwish i could (?:disappear|sleep) (?:forever|and never wake up)\b"
     r"|\b(?:wont|will not|not going to) be (?:here|around) (?:much longer|for long|tomorrow"
     r"|anymore)\b|\bnot be around (?:much longer|anymore|for long)\b|\bdisappear forever\b"
     r"|\bgo to sleep and (?:not|never) wake up\b|\bnever wake up again\b"),
    (SELF_HARM, False, "nothing_to_live_for",
     r"\bnothing (?:left )?to live for\b|\bno reason to (?:live|go on|carry on|be alive|keep going)"
     r"|\bbetter off (?:dead|gone|without me|not here|if i was(?:nt)? (?:dead|gone|here))\b"
     r"|\beveryone would be better off\b|\bno one would (?:miss|care if) me\b"
     r"|\b(?:nobody|no one|noone) would (?:miss|notice|care about) me\b"
     r"|\b(?:nobody|no one|noone) would (?:miss|notice|care) if i\b"
     r"|\bworld (?:would be )?better without me\b"
     r"|\bend (?:things|it) (?:tonight|today|now|for good)\b|\bsay(?:ing)? (?:my )?goodbyes? "
     r"(?:to everyone|for good|forever)\b|\blife (?:isnt|is not) worth (?:living|it)\b"
     r"|\bnot worth living\b|\bwant (?:it|everything|the pain) to (?:end|stop) (?:forever|for good)"
     r"|\bwant to end (?:it|things)\b|\bthinking (?:about|of) ending (?:it|things)\b"),
    (SELF_HARM, False, "hopeless",
     r"\bwhat is the point (?:anymore|of (?:anything|it all|trying anymore|going on))\b"
     r"|\bwhat is the point (?:in )?(?:anything|any of it)$|\bwhat is the point$"
     r"|\bnothing (?:is |will |is ever going to |will ever |s )?(?:ever )?(?:get|getting) better\b"
     r"|\b(?:never|not) going to get better\b|\blost (?:all )?hope\b|\bno hope (?:left|anymore)\b"
     r"|\bi (?:am|feel) (?:so |completely |totally )?hopeless\b(?! (?:at|with|when))"
     r"|\b(?:want|need) (?:it|everything|this|the pain) (?:all )?to (?:stop|end)$"),
    # Abuse and immediate danger, above all from a young person.
    (ABUSE, True, "abuse",
     r"\b(?:being|been|was|am|getting|get) (?:sexually |physically |emotionally )?abuse\b"
     r"|\babuse (?:me|us|my (?:mum|sister|brother))\b|\b(?:sexual|domestic|child) abuse\b"
     r"|\babuse at home\b|\b(?:he|she|they|dad|mum|father|mother|stepdad|stepmum|uncle|boyfriend"
     r"|girlfriend|partner|husband|wife|carer|teacher|boss|manager) (?:\w+ )?abuse (?:me|us)\b"),
    (ABUSE, True, "violence",
     r"\b(?:he|she|they|dad|mum|father|mother|stepdad|stepmum|stepfather|stepmother|uncle|brother"
     r"|boyfriend|girlfriend|partner|husband|wife|carer|parents?|foster \w+) (?:\w+ )?(?:hits|beats"
     r"|punches|punched|kicks|kicked|slaps|slapped|chokes|choked|strangled|burns|burned|hurts|hurt)"
     r" (?:me|us)\b|\b(?:getting|being|been|get) (?:hit|beaten|beats|hits|battered|hurt) (?:at home"
     r"|by (?:my|him|her|them))\b"),
    (ABUSE, True, "sexual",
     r"\b(?:touched|touching|touches) me\b|\b(?:raped|rape me|sexually assaulted|molested)\b"
     r"|\bforced me to (?:have sex|do things|touch)\b|\bbeing groomed\b|\bgroomed me\b"),
    (DANGER, True, "danger",
     r"\b(?:am|feel) (?:not )?(?:in danger|unsafe|not safe) (?:at home|here|now|right now)\b"
     r"|\bi am (?:in (?:immediate |real )?danger)\b|\bin danger at home\b"
     r"|\b(?:not|dont feel) safe (?:at home|to go home|here|with him"
     r"|with her|with them|where i live)\b|\bscared to go home\b|\bafraid to go home\b"
     r"|\bfrightened to go home\b|\bthreaten(?:ed|ing|s)? to (?:kill|hurt|beat|hit) me\b"
     r"|\bgoing to (?:kill|hurt) me\b|\bsomeone is (?:hurting|following|threatening) me\b"
     r"|\b(?:locked me in|wont let me (?:leave the house|go out))\b|\brun away from home\b"),
    # Said indirectly: fear of someone at home, control, exploitation, nowhere safe to be.
    (ABUSE, False, "fear_or_control",
     r"\b(?:scared|afraid|frightened|terrified) of (?:my )?(?:husband|wife|partner|boyfriend"
     r"|girlfriend|dad|mum|father|mother|stepdad|stepmum|stepfather|stepmother|uncle|brother"
     r"|carer|parents|ex|him|her|them)\b(?! (?:finding out|knowing|being disappointed))"
     r"|\b(?:he|she|husband|wife|partner|boyfriend|girlfriend|dad|mum|stepdad|stepmum|carer|ex)"
     r" (?:\w+ )?(?:controls|takes|keeps|has) (?:all )?(?:of )?my (?:money|bank card|benefits"
     r"|wages|phone|passport)\b|\b(?:husband|wife|partner|boyfriend|girlfriend|dad|mum|stepdad"
     r"|stepmum|carer) (?:\w+ )?(?:wont|will not|doesnt|does not) let me (?:leave|go out|see"
     r"|have|talk|speak|work)\b|\b(?:mum|dad|stepdad|stepmum|boyfriend|girlfriend|husband|wife"
     r"|partner|uncle|brother|carer)(?:s \w+)? gets (?:really |so |very )?(?:violent|nasty"
     r"|angry (?:with|at) me)\b"),
    (ABUSE, False, "exploitation",
     r"\b(?:asking|asked|asks|wants|wanted|making|made|pressuring|pressured|forcing|told) me to"
     r" send (?:him |her |them )?(?:\w+ )?(?:pics|pictures|photos|images|nudes|naked)\b"
     r"|\bsend (?:nudes|naked (?:pics|pictures|photos))\b"
     r"|\b(?:online|on (?:snapchat|instagram|tiktok|discord|a game|an app))\b.{0,60}"
     r"\b(?:wants|wanted|asking|asks|asked|pressuring) (?:me )?to meet (?:up|him|her|them)\b"
     r"|\b(?:older|grown) (?:man|men|guy|woman|lad)\b.{0,40}\b(?:meet|send|secret|gifts|money)\b"
     r"|\bmake me (?:carry|sell|deliver) (?:drugs|stuff|packages)\b"),
    (DANGER, False, "nowhere_safe",
     r"\bnowhere (?:safe )?to (?:sleep|stay|live|go)\b(?! (?:with|in) (?:my )?(?:career|job"
     r"|life|work))|\b(?:sleeping|slept|living) (?:rough|on the streets?|in (?:a|my) car|in a"
     r" tent|in a doorway)\b|\bi am (?:now |currently )?homeless\b|\bkicked me out\b"
     r"|\bthrown out of (?:home|the house)\b|\b(?:not|havent|have not|hasnt) eaten (?:for |in )"
     r"(?:days|two days|three days|a few days)\b"),
)
_COMPILED = tuple((kind, explicit, name, re.compile(p)) for kind, explicit, name, p in _RULES)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_APOSTROPHE = re.compile(r"['\u2019`]")


def normalise(text: str) -> str:
    """Lower case, no apostrophes or punctuation, one spelling of common typos, fillers out."""
    lowered = _APOSTROPHE.sub("", text.lower())
    lowered = " " + _NON_WORD.sub(" ", lowered) + " "
    lowered = _SPELLING_RE.sub(lambda m: _SPELLING_OF[m.lastgroup], lowered)
    lowered = _FILLERS.sub(" ", lowered)
    return " ".join(lowered.split())


def screen(text: str | None) -> Concern | None:
    """The first safeguarding concern in `text` (explicit rules first), or None."""
    if not text or not isinstance(text, str):
        return None
    plain = _IDIOMS.sub(" ", normalise(text[:2000]))
    for kind, explicit, name, pattern in _COMPILED:
        if pattern.search(plain):
            return Concern(kind, explicit, name)
    return None


def is_concern(text: str | None) -> bool:
    """True when `text` raises a safeguarding concern."""
    return screen(text) is not None
