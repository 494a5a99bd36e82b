"""The safeguarding screen's fast first pass: an ordered table of hand-written rules.

Rules name the plain ways people say suicide, self-harm, abuse and danger. They run on the
normalised text (normalise.py) after idioms are removed, so "this job is killing me" needs a real
phrase of harm beside it to fire. The learned model (model.py) reads what the rules cannot list;
either one firing is a concern (003:L211).
"""

from __future__ import annotations

import re

from .concern import ABUSE, DANGER, SELF_HARM

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
    r"\bcut(?:ting)? (?:back|down(?! (?:the|my|your|along) (?:arm|wrist|vein))|my hours|hours"
    r"|my losses|costs|corners|out)\b",
    r"\bhurt my (?:back|knee|leg|arm|shoulder|chances|feelings|career|cv)\b",
    r"\bend (?:of )?my (?:contract|shift|course|tether|apprenticeship|notice)\b",
    r"\bend my (?:tenancy|lease|employment|studies)\b",
    r"\bno point (?:in )?(?:applying|asking|trying for|calling|going to uni|doing \w+)\b",
    r"\b(?:shoot|shot) (?:me )?(?:an email|a message|over|off)\b",
    r"\blife (?:skills|coach|sciences?|long|time|guard)\b",
    r"\bkill (?:it|them off|off)\b", r"\bover ?kill\b", r"\bkill ?switch\b",
    r"\btop(?:ping)? (?:myself|me) up\b",  # "I'll top myself up on credit"
    r"\btake my life in a (?:new|different|fresh)\b",
    r"\b(?:hurt|injured|injure|pulled) myself (?:at|playing|in|on|doing|lifting|training)"
    r" (?:football|rugby|the gym|gym|work|training|netball|hockey|boxing|the match|a match)\b",
    r"\b(?:cut|cutting|burn|burnt|burned|burning) myself (?:on|with) (?:a |the )?(?:knife|knives"
    r"|oven|fryer|pass|grill|stove|hob|iron|kettle|saw|tools?|glass)\b",
    r"\babuse (?:my|the|your|his|her) (?:overdraft|position|power|credit card|privileges)\b",
    r"\b(?:mum|mam|dad|tutor|teacher|boss|girlfriend|boyfriend|wife|husband|gran|nan)s?"
    r" (?:is )?(?:going to|gonna) kill me\b",  # "my mum's gonna kill me" (the model still reads it)
    r"\b(?:going to|will|would|could) die (?:if|when|of|from|laughing)\b",  # "i'll die if i get in"
    r"\b(?<!nearly )(?<!almost )died (?:of|from) (?:an |a )?overdose\b",  # a bereavement
    r"\bkilling myself (?:with|over|doing|trying|working|studying|revising|laughing)\b",
    r"\b(?:going to|will|would|gonna|is going to) kill me (?:if|for|when|cos|because)\b",
    # Work with others who are at risk is a career, not a disclosure.
    r"\bsuicide (?:prevention|awareness|helpline|charity|charities|crisis line)\b",
    r"\b(?:victims?|survivors?|people|those|children|young people|clients|patients) (?:who|of|with"
    r"|affected by) (?:\w+ )?(?:selfharm|abuse|suicide)\b", r"\bin danger of\b",
)))

# (kind, explicit, rule name, pattern) — patterns run on normalised text (see `normalise`).
_RULES: tuple[tuple[str, bool, str, str], ...] = (
    # Said outright: suicide, killing oneself, self-harm, overdose, wanting to die.
    # (The normaliser spells "suicidal" and every misspelling of it "suicide".)
    (SELF_HARM, True, "suicide",
     r"\b(?:i am|i feel|feel|feeling|felt|been|getting|keep getting|still|so|really|very"
     r"|(?:depressed|low|down|anxious|hopeless) and)"
     r" (?:so |really |very |quite |a bit |properly |proper )?suicide\b(?! (?:prevention|awareness"
     r"|clients|patients|people|callers|rate|risk|intervention))"
     r"|\b(?:having|have|had|get|getting|got) suicide (?:thoughts|feelings)\b"
     r"|\b(?:i|i am|i keep|i have been|been|i was|keep) (?:always )?(?:thinking|thought|think)"
     r" (?:about|of) (?:suicide|committing suicide)\b"
     r"|\b(?:want|going|plan|planning|try|trying|ready) to commit suicide\b"),
    (SELF_HARM, True, "kill_myself",
     r"\bkill(?:ing|ed)? (?:myself|me self|meself)\b|\b(?:top|off|unalive) myself\b|\bkms\b"
     r"|\bend myself\b|\bmight as well (?:be dead|die|not be here|not exist)\b"),
    (SELF_HARM, True, "end_my_life",
     r"\b(?:end|ending|ended|take|taking|took)(?: of)? (?:my|me) (?:own )?life\b"
     r"|\bend it all\b|\bending it all\b|\bend everything\b"),
    (SELF_HARM, True, "self_harm",
     r"\b(?:i|been|started|start|keep|still|i am|again|back to|stop) selfharm\b"
     r"|\bselfharm(?:ed)? (?:again|last night|today|tonight|yesterday|every)\b"
     r"|\b(?:harm|harming|hurt|hurting|cut|cutting|burn|burning|injure|injuring)"
     r" (?:myself|ourselves|herself|himself|themselves)\b|\bcut(?:ting)? (?:my|me) wrists?\b"
     r"|\bcut(?:ting)? (?:my|me) (?:arms?|legs?|thighs?) (?:again|up|on purpose|deep)\b"),
    (SELF_HARM, True, "overdose",
     r"\bi (?:have |had |just |nearly |am going to |am gonna |going to |want to |will |might "
     r"|did )?"
     r"(?:take|took|taken|taking|had|do|did|done|going to) (?:an |a |another |a massive |a big )?"
     r"overdose\b"
     r"|\bi (?:\w+ )?overdose\b(?! (?:calls|cases|patients|victims|deaths))"
     r"|\boverdose (?:last|tonight|yesterday|again|this morning)\b"
     r"|\boverdose on (?:my|her|his|pills|tablets|paracetamol|ibuprofen|sleeping|painkillers)\b"
     r"|\btake (?:all )?(?:my|the) (?:pills|tablets)\b"
     r"|\bswallow(?:ed)? (?:all )?(?:the |my )?(?:pills|tablets)\b"),
    (SELF_HARM, True, "want_to_die",
     r"\b(?:want|wanting|wanted|going|ready|wish) to die\b|\bwanna die\b|\bi want death\b"
     r"|\bwould rather (?:be dead|die)\b|\bwish i (?:was|were) dead\b|\brather be dead\b"),
    (SELF_HARM, True, "method_question",
     r"\bhow (?:many|much|long|high|far|deep)\b.{0,60}\b(?:to|till|until|before|would) "
     r"(?:definitely |actually |really |you |it )?(?:die|be dead|kill (?:you|yourself|myself|me))\b"
     r"|\b(?:quickest|easiest|best|painless|painlessly|fastest|surest) way to (?:die|kill"
     r" (?:myself|yourself)|end it|end my life)\b|\bcut (?:down|along|across) (?:the|my|your)"
     r" (?:arm|wrist|vein)s?\b|\b(?:and|to) (?:not|never) wake up\b|\bnoose\b"
     r"|\b(?:tie|knot|rope)\b.{0,40}\b(?:hold|holds|take|takes|support) (?:a |my |your |the )?"
     r"(?:persons|person|body|my|your|someones|grown ups|adults) ?weight\b"),
    (SELF_HARM, True, "method",
     r"\bhang(?:ing)? myself\b|\bjump(?:ing)? (?:off|from) (?:a|the) (?:bridge|building|roof|cliff)"
     r"|\b(?:jump|step|throw myself) in front of (?:a|the) (?:train|bus|car|lorry)\b"
     r"|\bthrow myself (?:off|under)\b|\bslit (?:my )?wrists?\b"),
    # Said indirectly: no point going on, nothing to live for, better off without me...
    (SELF_HARM, False, "no_point",
     r"\b(?:dont|cant) see (?:the |any )?point (?:in |of )?(?:going on(?! to )|carrying on"
     r"|living|life|being alive|anything anymore|any of it|it all|anymore)\b"
     r"|\bno point (?:in |of )?(?:going on|carrying on|living|life|being alive|being here"
     r"|me being here|existing|anything anymore|it all)\b|\bwhat is the point (?:of |in )?(?:living"
     r"|life|going on|carrying on|being alive|anything anymore)\b|\bpointless living\b"
     r"|\blife is pointless\b|\bno point to (?:my life|life|living)\b"),
    (SELF_HARM, False, "cant_go_on",
     r"\bcant (?:go on|carry on|keep going|do this|take it|take this|cope|live) (?:anymore"
     r"|like this(?! (?:with|at|in|on|for) )|with life|living)\b|\bcant (?:go|carry) on$"
     r"|\bcant take (?:it|this)$"
     r"|\bcant cope with (?:life|living|anything)\b|\bgiving up on life\b|\bgive up on (?:life"
     r"|living|everything)\b|\bdone with (?:life|living)\b|\btired of (?:living|life|being alive)"),
    (SELF_HARM, False, "not_be_here",
     r"\b(?:dont|not) want to (?:be alive|exist|wake up (?:again|tomorrow|anymore)|wake up$)"
     r"|\b(?:dont|not) want to (?:live|be here|be around|carry on|go on)(?: anymore)?"
     r"(?! (?:in|at|on|near|with|there|here|abroad|far|close|somewhere|anywhere|by|for|doing"
     r"|working|as|like|and|the|this|that|my|a|an|to|until|till|when|while|if|after|without"
     r"|next|past|every|all|before|today|tomorrow|on|any longer than))\b"
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
     r"\b(?:i am|i keep|i have been|i been|still|am) (?:being |getting )?(?:sexually |physically"
     r" |emotionally )?abuse\b"
     r"|\babuse (?:me|us|my (?:mum|sister|brother))\b"
     r"|\b(?:he|she|they|dad|mum|father|mother|stepdad|stepmum|uncle|boyfriend"
     r"|girlfriend|partner|husband|wife|carer|teacher|boss|manager) (?:\w+ )?abuse (?:me|us)\b"),
    (ABUSE, True, "violence",
     r"\b(?:he|she|they|dad|mum|father|mother|stepdad|stepmum|stepfather|stepmother|uncle|brother"
     r"|boyfriend|girlfriend|partner|husband|wife|carer|parents?|foster \w+) (?:\w+ )?(?:hits|beats"
     r"|punches|punched|kicks|kicked|slaps|slapped|chokes|choked|strangled|burns|burned|hurts|hurt)"
     r" (?:me|us)\b|\b(?:getting|being|been|get) (?:hit|beaten|beats|hits|battered|hurt) (?:at home"
     r"|by (?:my|him|her|them))\b"),
    (ABUSE, True, "sexual",
     r"\b(?:touched|touching|touches) me\b|\b(?:raped|rape|molested|assaulted|molests) me\b"
     r"|\b(?:i was|i have been|i been|i got|i am being) (?:sexually assaulted|raped|molested)\b"
     r"|\bforced me to (?:have sex|do things|touch)\b|\bi am being groomed\b"
     r"|\bgroomed me\b"),
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
     r"|life|work))(?! (?:in|near) \w+ (?:for|during|while))(?! for (?:the|my|a) (?:interview"
     r"|course|placement|open day|exam|job|training))"
     r"|\b(?:sleeping|slept|living) (?:rough|on the streets?|in (?:a|my) car|in a"
     r" tent|in a doorway) (?:tonight|now|at the moment|since|for)\b"
     r"|\b(?:i am|am|been) (?:sleeping|living) (?:rough|on the streets?|in (?:a|my) car)\b"
     r"|\bkicked me out (?:tonight|today|last night|this morning|yesterday)\b"
     r"|\b(?:i am|am) (?:now |currently |still )?homeless\b"
     r"|\bthrown out of (?:home|the house)\b|\b(?:not|havent|have not|hasnt) eaten (?:for |in )"
     r"(?:days|two days|three days|a few days)\b"),
)
_COMPILED = tuple((kind, explicit, name, re.compile(p)) for kind, explicit, name, p in _RULES)

# A resolved past ("years ago", "when I was a child", "back in 2016", "I've moved on") turns a
# rule that fired into a hint: a history told as history is not a concern by itself (DOMAIN.md),
# but the model still reads it, so "two years ago, and I feel the same again" is heard.
_RESOLVED = re.compile(
    r"\byears ago\b|\bwhen i was (?:younger|little|small|at school|a (?:kid"
    r"|child|teenager|teen|baby|boy|girl)|\d+|\w+teen)\b|\bas a (?:child|kid|teenager)\b"
    r"|\b(?:back )?in (?:19|20)\d\d\b|\blong time ago\b|\bmoved on\b|\bin a good place\b"
    r"|\b(?:doing|feel|i am|well|fine|ok|okay|good) (?:well |fine |good |great )?now\b"
    r"|\bback in (?:nineteen|two thousand)\b|\bnothing since\b"
    r"|\bin a (?:really |very )?good place\b"
    r"|\bbeen (?:well|fine|ok|okay|good) (?:for|since|ever since)\b"
    r"|\bi am (?:\d+|\w+ty(?: \w+)?) now\b"
    r"|\bi used to\b|\b(?:havent|have not|not) (?:done (?:it|that)|selfharm) (?:in|for) \w+"
    r" (?:years|months)\b"
    r"|\bnow i am (?:at (?:uni|university|college)|\d+|twenty|thirty|forty|fifty|sixty|settled)\b"
    r"|\b(?:sorted it|its (?:all )?(?:done|over|sorted)|went to prison|is in prison|got convicted"
    r"|was convicted|no contact since|recovered)\b")

# Hints: a topic named, not a disclosure made. "Domestic abuse", "overdoses", "suicide" and
# "self-harm" are as often a career, a course or a resolved past ("I'm training as a domestic
# abuse advocate"). A hint decides nothing alone: it lowers the learned model's bar for this turn
# (see __init__.py), so the model, which reads the whole sentence, says which it is.
_HINTS: tuple[tuple[str, bool, str, str], ...] = (
    (SELF_HARM, True, "suicide_named", r"suicide"),
    (SELF_HARM, True, "selfharm_named", r"selfharm"),
    (SELF_HARM, True, "overdose_named", r"overdose"),
    (ABUSE, True, "abuse_named", r"abuse|(?:raped|sexually assaulted|molested|groomed)"),
    (DANGER, False, "homeless_named",
     r"homeless|(?:sleeping|slept|living|lived) (?:rough|on the streets?|in (?:a|my) car)"
     r"|kicked (?:me|us) out"),
)
_COMPILED_HINTS = tuple((kind, explicit, name, re.compile(p))
                        for kind, explicit, name, p in _HINTS)


def without_idioms(plain: str) -> str:
    """Normalised text with harmless idioms blanked out."""
    return _IDIOMS.sub(" ", plain)


def first_rule(plain: str) -> tuple[str, bool, str] | None:
    """(kind, explicit, rule name) of the first rule that matches idiom-free text, or None.

    None when the text is told as resolved history: then the rule is only a hint."""
    if _RESOLVED.search(plain):
        return None
    return _first(_COMPILED, plain)


def first_hint(plain: str) -> tuple[str, bool, str] | None:
    """(kind, explicit, hint name) of the first topic named in idiom-free text, or None.

    A rule told as resolved history is a hint too (see first_rule)."""
    fired = _first(_COMPILED, plain) if _RESOLVED.search(plain) else None
    return fired or _first(_COMPILED_HINTS, plain)


def _first(table, plain: str) -> tuple[str, bool, str] | None:
    for kind, explicit, name, pattern in table:
        if pattern.search(plain):
            return kind, explicit, name
    return None
