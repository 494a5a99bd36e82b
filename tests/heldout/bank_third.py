"""The third held-out slice: whole conversations written one by one, as customers talk.

Written after the first two slices had been tuned on, and run once before any change to the
assistant (the first-sight figures in bot/README.md). Each entry is a customer: what they say
first, how they answer each question, and their true facts, from which the triage policy gives
the expected route. Phone turns are speech-recogniser text (lower case, no punctuation, numbers
as words, sound-alikes, fillers); a turn may carry the recogniser's confidence. Chat turns have
typos and slang. A `confirm` entry says how the customer answers a short check of a fact: yes
when the check names their true value (any of `match`), otherwise their correction.

Build conversations_third.json: python tests/heldout/bank_third.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONVERSATIONS: list[dict] = []


def heard(text: str, confidence: float) -> dict:
    """A phone turn the recogniser heard with this confidence."""
    return {"say": text, "confidence": confidence}


def _add(channel, kind, turns, truth, *, expect=None, safeguarding=None, side=None, closing=None,
         confirm=None, **answers):
    convo = {"channel": channel, "kind": kind, "turns": list(turns), "truth": truth,
             "answers": {("jobcentre_plus_claimant" if k == "jcp" else k): v
                         for k, v in answers.items()}}
    for key, value in (("expect", expect), ("safeguarding", safeguarding),
                       ("side_question", side), ("closing", closing), ("confirm", confirm)):
        if value is not None:
            convo[key] = value
    CONVERSATIONS.append(convo)


def phone(kind, turns, truth, **kw):
    """One phone customer."""
    _add("phone", kind, turns, truth, **kw)


def chat(kind, turns, truth, **kw):
    """One webchat customer."""
    _add("webchat", kind, turns, truth, **kw)


A, I, F, C = "advice", "information", "face_to_face", "complaint"  # noqa: E741

# ---------------------------------------------------------------- phone
# plain
phone("plain", ["hiya i'm looking at going back to college and don't know what course"],
      {"need": A, "age": 41, "postcode": "LS6 2AB"}, need="some advice really",
      age="forty one", postcode="el ess six two ay bee")
phone("plain", ["yeah hi what do you need to do to be a paramedic"],
      {"need": I, "age": 27}, need="just the information", age="i'm twenty seven")
phone("plain", ["hello erm i was wondering if i could see somebody face to face about my career"],
      {"need": F, "age": 55, "postcode": "NG7 2RD"}, need="face to face please",
      age="fifty five", postcode="en gee seven two ar dee")
phone("plain", ["i've been a hairdresser for twenty years and i want out"],
      {"need": A, "age": 44, "postcode": "BS3 1QA"}, need="advice i suppose",
      age="forty four", postcode="bee ess three one queue ay")
phone("plain", ["how do i find out about apprenticeships for grown ups"],
      {"need": I, "age": 33}, need="information", age="thirty three")
phone("plain", ["morning i need help with a career change please"],
      {"need": A, "age": 38, "postcode": "SK10 4JD"}, need="advice",
      age="i'm thirty eight", postcode="ess kay ten four jay dee")
# several facts at once
phone("several", ["i'm forty nine i live in el eight oh ess why and i want advice on retraining"],
      {"need": A, "age": 49, "postcode": "L8 0SY"}, need="advice", age="forty nine",
      postcode="el eight oh ess why")
phone("several", ["yeah so i'm sixty two just retired and fancy volunteering where do i look"],
      {"need": I, "age": 62}, need="just information", age="sixty two")
phone("several", ["i'm on universal credit i'm thirty and the jobcentre said ring you for advice"],
      {"need": A, "age": 30, "postcode": "HU5 3DX", "jobcentre_plus_claimant": True},
      need="advice", age="thirty", postcode="aitch you five three dee ex", jcp="yes i am")
phone("several", ["twenty nine from ess ten two tee en can i talk to an adviser about nursing"],
      {"need": A, "age": 29, "postcode": "S10 2TN"}, need="advice", age="twenty nine",
      postcode="ess ten two tee en")
phone("several", ["i'm fifty i've got no qualifications and i want to see someone in person"],
      {"need": F, "age": 50, "postcode": "DE22 1BB", "qualification_level": 0},
      need="in person", age="fifty", postcode="dee ee twenty two one bee bee")
phone("several", ["hi my name's dave i'm thirty five and i just want the website for courses"],
      {"need": I, "age": 35}, need="just the website", age="thirty five")
# corrections
phone("correction", ["i'm fourteen sorry forty and i want some careers advice"],
      {"need": A, "age": 40, "postcode": "PL4 8AA"}, need="advice", age="forty",
      postcode="pee el four eight ay ay")
phone("correction", ["i need advice about work"],
      {"need": A, "age": 52, "postcode": "E17 9NL"}, need="advice",
      age="twenty five no wait fifty two", postcode="ee seventeen nine en el")
phone("correction", ["i just want some information about courses"],
      {"need": I, "age": 17}, need="information",
      age="nineteen oh no hang on i'm seventeen")
phone("correction", ["i'd like careers advice please"],
      {"need": A, "age": 46, "postcode": "CB1 3EW"}, need="advice", age="forty six",
      postcode="see bee one three ee double you no sorry see bee one three ee double you")
phone("correction", ["i want information no actually i want proper advice from someone"],
      {"need": A, "age": 31, "postcode": "LE2 1FG"}, need="advice", age="thirty one",
      postcode="el ee two one eff gee")
# side questions
phone("side_question", ["i want to talk to someone about changing jobs"],
      {"need": A, "age": 36, "postcode": "TN23 4HA"}, need="advice", age="thirty six",
      postcode="tee en twenty three four aitch ay", side="does this cost anything")
phone("side_question", ["what qualifications do you need for accountancy"],
      {"need": I, "age": 24}, need="information", age="twenty four",
      side="how long is this gonna take i'm on my break")
phone("side_question", ["can i get advice on a career"],
      {"need": A, "age": 58, "postcode": "YO31 7EF"}, need="advice", age="fifty eight",
      postcode="why oh thirty one seven ee eff", side="am i talking to a real person")
phone("side_question", ["i need help finding a course"],
      {"need": I, "age": 43}, need="just information", age="forty three",
      side="why do you need to know that")
phone("side_question", ["i'd like to book an appointment to see an adviser"],
      {"need": F, "age": 39, "postcode": "RG1 8DN"}, need="face to face", age="thirty nine",
      postcode="ar gee one eight dee en", side="are you open on saturdays")
# don't know
phone("dont_know", ["i want some advice about my career"], {"need": A, "age": 47},
      expect="to_adviser", need="advice", age="forty seven",
      postcode="i don't know it off by heart sorry")
phone("dont_know", ["careers advice please"], {"need": A, "age": 60}, expect="to_adviser",
      need="advice", age="sixty", postcode="no idea i've just moved")
phone("dont_know", ["i'm not sure what i want to be honest i just need to talk it through"],
      {"need": A, "age": 34, "postcode": "SO15 2JS"}, need="i dunno advice maybe",
      age="thirty four", postcode="ess oh fifteen two jay ess")
# young people
phone("young_speech", ["um hi i'm in year ten and i don't know what to pick for options"],
      {"need": A, "age": 15}, need="advice", age="fifteen")
phone("young_speech", ["erm yeah i'm sixteen and i wanna do an apprenticeship in mechanics"],
      {"need": A, "age": 16}, need="advice", age="sixteen")
phone("young_speech", ["my mum told me to ring i've just done my gcses"],
      {"need": A, "age": 16}, need="advice", age="i'm sixteen")
phone("young_speech", ["i'm seventeen i dropped out of sixth form what can i do now"],
      {"need": A, "age": 17}, need="advice", age="seventeen")
phone("young_speech", ["hi so basically i'm thirteen and i want to be a vet"],
      {"need": I, "age": 13}, need="information", age="thirteen")
phone("young_speech", ["i'm eleven and i want to know about jobs"], {"need": I, "age": 11},
      need="information", age="eleven")
# where the customer lives, in words
phone("place_in_words", ["i need careers advice"], {"need": A, "age": 37, "nation": "wales"},
      need="advice", age="thirty seven", postcode="i'm in swansea")
phone("place_in_words", ["can i speak to an adviser about a new job"],
      {"need": A, "age": 45, "nation": "scotland"}, need="advice", age="forty five",
      postcode="i live up in glasgow")
phone("place_in_words", ["i'd like some advice about training"],
      {"need": A, "age": 29, "nation": "northern_ireland"}, need="advice", age="twenty nine",
      postcode="i'm in belfast so northern ireland")
phone("place_in_words", ["i want advice about going back to work"],
      {"need": A, "age": 51, "nation": "wales"}, need="advice", age="fifty one",
      postcode="we're in wrexham")
phone("place_in_words", ["i want to see an adviser in person"],
      {"need": F, "age": 40, "nation": "scotland"}, need="face to face", age="forty",
      postcode="edinburgh")
# Crown dependencies
phone("crown_dependency", ["careers advice please"], {"need": A, "age": 42,
      "nation": "isle_of_man"}, need="advice", age="forty two",
      postcode="i'm on the isle of man")
phone("crown_dependency", ["i want advice about a career change"],
      {"need": A, "age": 35, "nation": "jersey"}, need="advice", age="thirty five",
      postcode="jay ee two three queue eff")
phone("crown_dependency", ["i'd like help with my career"], {"need": A, "age": 48,
      "nation": "guernsey"}, need="advice", age="forty eight", postcode="i live in guernsey")
# languages
phone("language", ["do you have somebody who speaks polish"], {"language": "polish"})
phone("language", ["my english not so good i speak urdu"], {"language": "urdu"})
phone("language", ["hello is there anyone who speaks gujarati my mum wants to ask"],
      {"language": "gujarati"})
phone("language", ["can i have it in punjabi for my dad"], {"language": "punjabi"})
# closings after an answer
phone("closing", ["where can i find out about student loans for adults"],
      {"need": I, "age": 32}, need="information", age="thirty two",
      closing="no that's great thank you bye")
phone("closing", ["what's the number for the national careers website"],
      {"need": I, "age": 44}, need="information", age="forty four", closing="no ta that's it")
phone("closing", ["i'm looking for information on becoming a teacher"],
      {"need": I, "age": 28}, need="information", age="twenty eight",
      closing="nah you've been really helpful cheers")
phone("closing", ["how do i get my qualifications recognised from abroad"],
      {"need": I, "age": 39}, need="just information", age="thirty nine",
      closing="no that's all i needed bye bye")
phone("closing", ["what courses are there for digital skills"],
      {"need": I, "age": 57}, need="information", age="fifty seven",
      closing="no i'm fine thanks goodbye")
# everyday words that are not what they sound like
phone("everyday_words", ["i keep getting rejected from jobs and i want someone to look at my cv"],
      {"need": A, "age": 26, "postcode": "M14 5TQ"}, need="advice", age="twenty six",
      postcode="em fourteen five tee queue")
phone("everyday_words", ["i want to move up to manager where i work how do i go about it"],
      {"need": A, "age": 34, "postcode": "B23 6RT"}, need="advice", age="thirty four",
      postcode="bee twenty three six ar tee")
phone("everyday_words", ["i had an interview at the council and want help preparing for the next"],
      {"need": A, "age": 41, "postcode": "NE4 7YH"}, need="advice", age="forty one",
      postcode="en ee four seven why aitch")
phone("everyday_words", ["i can't find the skills health check on your website"],
      {"need": I, "age": 30}, need="information", age="thirty")
phone("everyday_words", ["my job is so boring i want something that actually means something"],
      {"need": A, "age": 37, "postcode": "WV3 0QP"}, need="advice", age="thirty seven",
      postcode="double you vee three zero queue pee")
# a past conviction
phone("ex_offender", ["i've got a criminal record and i want to know what jobs i can do"],
      {"need": A, "age": 33, "postcode": "LS6 2AB", "ex_offender": True}, need="advice",
      age="thirty three", postcode="el ess six two ay bee")
phone("ex_offender", ["i came out of prison last year and need help getting work"],
      {"need": A, "age": 28, "postcode": "B23 6RT", "ex_offender": True}, need="advice",
      age="twenty eight", postcode="bee twenty three six ar tee")
phone("ex_offender", ["i've got a conviction from years ago will that stop me being a carer"],
      {"need": A, "age": 45, "postcode": "NG7 2RD", "ex_offender": True}, need="advice",
      age="forty five", postcode="en gee seven two ar dee")
# complaints
phone("complaint", ["i want to make a complaint about the adviser i spoke to"], {"need": C})
phone("complaint", ["nobody called me back like they promised i'm not happy"], {"need": C})
phone("complaint", ["i'd like to complain about how i was treated"], {"need": C})
phone("complaint", ["the woman i spoke to last week was really rude"], {"need": C})
# 18 and on Jobcentre Plus
phone("jobcentre_18", ["i'm eighteen and on universal credit they said ring for advice"],
      {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "HU5 3DX"},
      need="advice", age="eighteen", postcode="aitch you five three dee ex", jcp="yeah i am")
phone("jobcentre_18", ["i need advice i'm eighteen"],
      {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "S10 2TN"},
      need="advice", age="eighteen", postcode="ess ten two tee en", jcp="yes i'm on jobseekers")
phone("jobcentre_18", ["my work coach sent me i'm eighteen"],
      {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "PL4 8AA"},
      need="advice", age="eighteen", postcode="pee el four eight ay ay", jcp="yeah")
# uncertain facts: low confidence, ranges, two ages, ambiguous places
phone("uncertain", ["i need some advice about what to do next", heard("i'm fifty", 0.38)],
      {"need": A, "age": 15}, need="advice", age="fifteen",
      confirm={"match": ["15", "fifteen"], "yes": "yes", "no": "no fifteen"})
phone("uncertain", ["i want careers advice", heard("i'm fifteen", 0.41)],
      {"need": A, "age": 50, "postcode": "LE2 1FG"}, need="advice", age="fifty",
      postcode="el ee two one eff gee",
      confirm={"match": ["50", "fifty"], "yes": "yes", "no": "no five oh fifty"})
phone("uncertain", ["i want to know about courses", heard("sixteen or seventeen", 0.6)],
      {"need": I, "age": 16}, need="information", age="sixteen",
      confirm={"match": ["16", "sixteen"], "yes": "yes", "no": "sixteen"})
phone("uncertain", ["can i get some advice please", heard("i'm nearly nineteen", 0.8)],
      {"need": A, "age": 18, "jobcentre_plus_claimant": False}, need="advice",
      age="eighteen", jcp="no", confirm={"match": ["18", "eighteen"], "yes": "yes",
                                         "no": "eighteen"})
phone("uncertain", [heard("i'm seventy and my grandson is fourteen he wants advice", 0.7)],
      {"need": A, "age": 14}, need="advice", age="he's fourteen",
      confirm={"match": ["14", "fourteen"], "yes": "yes", "no": "fourteen it's for him"})
phone("uncertain", ["i need careers advice"], {"need": A, "age": 40, "nation": "wales"},
      need="advice", age="forty", postcode="newport",
      confirm={"match": ["wales"], "yes": "yes", "no": "no newport in wales"})
phone("uncertain", ["i'd like careers advice"], {"need": A, "age": 53, "postcode": "M20 2RN"},
      need="advice", age="fifty three", postcode=heard("em twenty two ar en", 0.45),
      confirm={"match": ["m20", "m 20", "em twenty"], "yes": "yes", "no": "em twenty"})
phone("uncertain", ["i want information about adult courses", heard("i'm thirty", 0.35)],
      {"need": I, "age": 30}, need="information", age="thirty",
      confirm={"match": ["30", "thirty"], "yes": "yes that's right", "no": "thirty"})
# safeguarding, said outright
phone("safeguarding_explicit", ["i need advice", "honestly i just want to kill myself"], {},
      expect="safeguarding", safeguarding="explicit")
phone("safeguarding_explicit", ["my stepdad hits me and i don't want to go home"], {},
      expect="safeguarding", safeguarding="explicit")
phone("safeguarding_explicit", ["i want advice about jobs"], {"need": A},
      expect="safeguarding", safeguarding="explicit",
      age="i'm sixteen and i've been cutting myself")
phone("safeguarding_explicit", ["i'm going to end my life tonight"], {}, expect="safeguarding",
      safeguarding="explicit")
phone("safeguarding_explicit", ["someone at my work is abusing me"], {}, expect="safeguarding",
      safeguarding="explicit")
# safeguarding, said indirectly
phone("safeguarding_indirect", ["i need some advice",
                                "there's no point in anything any more i can't do this"], {},
      expect="safeguarding", safeguarding="indirect")
phone("safeguarding_indirect", ["i'm scared to go home my mum's boyfriend gets angry"], {},
      expect="safeguarding", safeguarding="indirect")
phone("safeguarding_indirect", ["i want information", "everyone would be better off without me"],
      {}, expect="safeguarding", safeguarding="indirect")
phone("safeguarding_indirect", ["i've not eaten in days and i've got nowhere to sleep tonight"],
      {}, expect="safeguarding", safeguarding="indirect")
phone("safeguarding_indirect", ["i don't want to be here any more"], {}, expect="safeguarding",
      safeguarding="indirect")
phone("safeguarding_indirect", ["an older man online keeps asking me to meet him and i'm fourteen"],
      {}, expect="safeguarding", safeguarding="indirect")
# look-alikes: not safeguarding
phone("lookalike", ["this job is killing me i need a change"],
      {"need": A, "age": 39, "postcode": "E17 9NL"}, need="advice", age="thirty nine",
      postcode="ee seventeen nine en el")
phone("lookalike", ["i'd die for a job in football any advice"],
      {"need": A, "age": 22, "postcode": "L8 0SY"}, need="advice", age="twenty two",
      postcode="el eight oh ess why")
phone("lookalike", ["my manager is doing my head in i want to leave"],
      {"need": A, "age": 48, "postcode": "SK10 4JD"}, need="advice", age="forty eight",
      postcode="ess kay ten four jay dee")
phone("lookalike", ["how do i become a nurse i'm dying to get started"],
      {"need": I, "age": 29}, need="information", age="twenty nine")

# ---------------------------------------------------------------- webchat
chat("plain", ["hi can u help me change career"],
     {"need": A, "age": 41, "postcode": "LS6 2AB"}, need="advice pls", age="41",
     postcode="LS6 2AB")
chat("plain", ["what do i need to be an electrician"], {"need": I, "age": 26},
     need="just info", age="26")
chat("plain", ["id like a face to face appointmnet"], {"need": F, "age": 47, "postcode": "NG7 2RD"},
     need="face to face", age="47", postcode="ng7 2rd")
chat("plain", ["Hello, I'd like some advice on going back into work after a career break."],
     {"need": A, "age": 44, "postcode": "BS3 1QA"}, need="Advice please.", age="I'm 44.",
     postcode="BS3 1QA")
chat("plain", ["are there any free courses i can do online"], {"need": I, "age": 53},
     need="information", age="53")
chat("plain", ["need help with my career"], {"need": A, "age": 35, "postcode": "SK10 4JD"},
     need="advice", age="35", postcode="sk104jd")
chat("several", ["im 45 live in leeds LS6 2AB want advice about retraining"],
     {"need": A, "age": 45, "postcode": "LS6 2AB"}, need="advice", age="45",
     postcode="LS6 2AB")
chat("several", ["Hi I'm 29 and want info on apprenticeships"], {"need": I, "age": 29},
     need="info", age="29")
chat("several", ["34, on UC, jobcentre told me to get careers advice. postcode HU5 3DX"],
     {"need": A, "age": 34, "postcode": "HU5 3DX", "jobcentre_plus_claimant": True},
     need="advice", age="34", postcode="HU5 3DX", jcp="yes")
chat("several", ["16 and want to know about t levels"], {"need": I, "age": 16},
     need="info", age="16")
chat("several", ["i'm 50 got made redundant want to see someone in person, s10 2tn"],
     {"need": F, "age": 50, "postcode": "S10 2TN", "facing_redundancy": True},
     need="in person", age="50", postcode="s10 2tn")
chat("several", ["am 61 and just want links to courses thx"], {"need": I, "age": 61},
     need="links", age="61")
chat("correction", ["im 13 sorry typo 31, need careers advice"],
     {"need": A, "age": 31, "postcode": "PL4 8AA"}, need="advice", age="31",
     postcode="PL4 8AA")
chat("correction", ["i want advice"], {"need": A, "age": 56, "postcode": "E17 9NL"},
     need="advice", age="65 no sorry 56", postcode="E17 9NL")
chat("correction", ["can i get info on courses"], {"need": I, "age": 17}, need="info",
     age="18 actually no im 17")
chat("correction", ["advice please"], {"need": A, "age": 38, "postcode": "CB1 3EW"},
     need="advice", age="38", postcode="cb1 3ew*")
chat("correction", ["just want information... actually no i'd rather talk to an adviser"],
     {"need": A, "age": 42, "postcode": "LE2 1FG"}, need="advice", age="42",
     postcode="LE2 1FG")
chat("side_question", ["i want advice about switching careers"],
     {"need": A, "age": 37, "postcode": "TN23 4HA"}, need="advice", age="37",
     postcode="TN23 4HA", side="is this service free?")
chat("side_question", ["what are the entry requirements for midwifery"], {"need": I, "age": 23},
     need="info", age="23", side="r u a bot")
chat("side_question", ["i need help with my cv"], {"need": A, "age": 58, "postcode": "YO31 7EF"},
     need="advice", age="58", postcode="YO31 7EF", side="how long will this take")
chat("side_question", ["looking for info on adult learning"], {"need": I, "age": 46},
     need="info", age="46", side="why do u need my age")
chat("side_question", ["can i book to see an adviser"], {"need": F, "age": 40,
     "postcode": "RG1 8DN"}, need="face to face", age="40", postcode="RG1 8DN",
     side="what times are you open")
chat("dont_know", ["i need careers advice"], {"need": A, "age": 49}, expect="to_adviser",
     need="advice", age="49", postcode="dont know it sorry")
chat("dont_know", ["advice on jobs"], {"need": A, "age": 33}, expect="to_adviser",
     need="advice", age="33", postcode="not sure, just moved house")
chat("dont_know", ["not sure what i need tbh"], {"need": A, "age": 27, "postcode": "SO15 2JS"},
     need="idk advice i guess", age="27", postcode="so15 2js")
chat("young_speech", ["hiii im 15 and dont know what gcses to pick"], {"need": A, "age": 15},
     need="advice", age="15")
chat("young_speech", ["im in yr 13 n want to know about uni vs apprenticeship"],
     {"need": A, "age": 17}, need="advice", age="17")
chat("young_speech", ["14 want to be a game designer wat do i study"], {"need": I, "age": 14},
     need="info", age="14")
chat("young_speech", ["just finished college im 17 what now"], {"need": A, "age": 17},
     need="advice", age="17")
chat("young_speech", ["hey im sixteen and want a part time job"], {"need": I, "age": 16},
     need="info", age="16")
chat("young_speech", ["im 12 can u help me pick a job"], {"need": A, "age": 12},
     need="advice", age="12")
chat("place_in_words", ["i want some careers advice"], {"need": A, "age": 36, "nation": "wales"},
     need="advice", age="36", postcode="i live in cardiff")
chat("place_in_words", ["careers advice pls"], {"need": A, "age": 44, "nation": "scotland"},
     need="advice", age="44", postcode="aberdeen, scotland")
chat("place_in_words", ["advice on changing jobs"], {"need": A, "age": 30,
     "nation": "northern_ireland"}, need="advice", age="30", postcode="derry")
chat("place_in_words", ["i'd like advice"], {"need": A, "age": 52, "nation": "wales"},
     need="advice", age="52", postcode="im in wales")
chat("place_in_words", ["want advice about uni as a mature student"],
     {"need": A, "age": 39, "nation": "scotland"}, need="advice", age="39",
     postcode="dundee")
chat("crown_dependency", ["can i get careers advice"], {"need": A, "age": 41,
     "nation": "jersey"}, need="advice", age="41", postcode="jersey")
chat("crown_dependency", ["i want advice on my career"], {"need": A, "age": 34,
     "nation": "isle_of_man"}, need="advice", age="34", postcode="IM2 4NR")
chat("crown_dependency", ["advice please"], {"need": A, "age": 50, "nation": "guernsey"},
     need="advice", age="50", postcode="GY1 1AB")
chat("language", ["do u have someone who speaks farsi"], {"language": "farsi"})
chat("language", ["czy ktoś mówi po polsku"], {"language": "polish"})
chat("language", ["sylheti speaker please for my dad"], {"language": "sylheti"})
chat("language", ["i need help in somali please"], {"language": "somali"})
chat("closing", ["where do i find info on access to HE courses"], {"need": I, "age": 31},
     need="info", age="31", closing="no thats everything thanks")
chat("closing", ["how do i apply for an adult learner loan"], {"need": I, "age": 45},
     need="info", age="45", closing="thats all cheers")
chat("closing", ["link to the job profiles page pls"], {"need": I, "age": 28},
     need="info", age="28", closing="no ta bye")
chat("closing", ["what is a level 3 qualification"], {"need": I, "age": 36},
     need="info", age="36", closing="nope im good thank u")
chat("closing", ["info on becoming a police officer"], {"need": I, "age": 24},
     need="info", age="24", closing="No, that's all. Thanks for your help!")
chat("everyday_words", ["keep getting knocked back at interviews, can someone help"],
     {"need": A, "age": 27, "postcode": "M14 5TQ"}, need="advice", age="27",
     postcode="M14 5TQ")
chat("everyday_words", ["how do i get a promotion at work"],
     {"need": A, "age": 33, "postcode": "B23 6RT"}, need="advice", age="33",
     postcode="B23 6RT")
chat("everyday_words", ["i have a jobcentre appointment tmrw what should i ask them"],
     {"need": A, "age": 40, "postcode": "NE4 7YH"}, need="advice", age="40",
     postcode="NE4 7YH")
chat("everyday_words", ["where is the course search on ur site"], {"need": I, "age": 31},
     need="info", age="31")
chat("everyday_words", ["my job is mind numbing i want something more interesting"],
     {"need": A, "age": 38, "postcode": "WV3 0QP"}, need="advice", age="38",
     postcode="WV3 0QP")
chat("ex_offender", ["i have a criminal record, can i still get a job in construction"],
     {"need": A, "age": 35, "postcode": "LS6 2AB", "ex_offender": True}, need="advice",
     age="35", postcode="LS6 2AB")
chat("ex_offender", ["just got out of jail need help with work"],
     {"need": A, "age": 26, "postcode": "B23 6RT", "ex_offender": True}, need="advice",
     age="26", postcode="B23 6RT")
chat("ex_offender", ["do i have to tell employers about my conviction"],
     {"need": A, "age": 44, "postcode": "NG7 2RD", "ex_offender": True}, need="advice",
     age="44", postcode="NG7 2RD")
chat("complaint", ["i want to complain"], {"need": C})
chat("complaint", ["ur adviser never rang me back, disgusting service"], {"need": C})
chat("complaint", ["how do i make a formal complaint"], {"need": C})
chat("complaint", ["Very unhappy with the advice I was given last week."], {"need": C})
chat("jobcentre_18", ["18 and on universal credit, jobcentre sent me for advice"],
     {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "HU5 3DX"},
     need="advice", age="18", postcode="HU5 3DX", jcp="yes")
chat("jobcentre_18", ["im 18 need advice"],
     {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "S10 2TN"},
     need="advice", age="18", postcode="S10 2TN", jcp="yeah im on jsa")
chat("jobcentre_18", ["work coach said contact u, im 18"],
     {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "PL4 8AA"},
     need="advice", age="18", postcode="PL4 8AA", jcp="yes")
chat("uncertain", ["need advice", "im 15 or 16"], {"need": A, "age": 15}, need="advice",
     age="15", confirm={"match": ["15"], "yes": "yes", "no": "15"})
chat("uncertain", ["need careers advice", "nearly 19"],
     {"need": A, "age": 18, "jobcentre_plus_claimant": True, "postcode": "LE2 1FG"},
     need="advice", age="18", postcode="LE2 1FG", jcp="yes im on UC",
     confirm={"match": ["18"], "yes": "yes", "no": "18"})
chat("uncertain", ["my son is 14 and im 45, he wants to know about apprenticeships"],
     {"need": I, "age": 14}, need="info", age="hes 14",
     confirm={"match": ["14"], "yes": "yes", "no": "14, its for him"})
chat("uncertain", ["advice please"], {"need": A, "age": 40, "nation": "wales"},
     need="advice", age="40", postcode="newport",
     confirm={"match": ["wales"], "yes": "yes", "no": "no newport in wales"})
chat("uncertain", ["advice please"], {"need": A, "age": 33, "postcode": "TF10 7AA"},
     need="advice", age="33", postcode="newport",
     confirm={"match": ["shropshire", "england"], "yes": "yes",
              "no": "no newport shropshire TF10 7AA"})
chat("uncertain", ["i want advice or info not sure", "well maybe just information"],
     {"need": I, "age": 37}, need="info", age="37",
     confirm={"match": ["information"], "yes": "yes", "no": "information"})
chat("uncertain", ["careers advice", "about 18 or 19"],
     {"need": A, "age": 19, "postcode": "BS3 1QA"}, need="advice", age="19",
     postcode="BS3 1QA", confirm={"match": ["19"], "yes": "yes", "no": "19"})
chat("uncertain", ["want info", "17 18 next month"], {"need": I, "age": 17}, need="info",
     age="17", confirm={"match": ["17"], "yes": "yes", "no": "17"})
chat("safeguarding_explicit", ["need advice", "i want to kill myself tbh"], {},
     expect="safeguarding", safeguarding="explicit")
chat("safeguarding_explicit", ["my dad beats me"], {}, expect="safeguarding",
     safeguarding="explicit")
chat("safeguarding_explicit", ["im thinking about suicide"], {}, expect="safeguarding",
     safeguarding="explicit")
chat("safeguarding_explicit", ["i want advice"], {"need": A}, expect="safeguarding",
     safeguarding="explicit", age="15 and i self harm")
chat("safeguarding_explicit", ["my boyfriend hits me and wont let me work"], {},
     expect="safeguarding", safeguarding="explicit")
chat("safeguarding_indirect", ["whats the point anymore, nothing will get better"], {},
     expect="safeguarding", safeguarding="indirect")
chat("safeguarding_indirect", ["info on jobs", "i wont be around much longer anyway"], {},
     expect="safeguarding", safeguarding="indirect")
chat("safeguarding_indirect", ["im sleeping on the streets and have nowhere to go"], {},
     expect="safeguarding", safeguarding="indirect")
chat("safeguarding_indirect", ["someone i met online wants me to send pics and im 13"], {},
     expect="safeguarding", safeguarding="indirect")
chat("safeguarding_indirect", ["i cant cope anymore i just want it all to stop"], {},
     expect="safeguarding", safeguarding="indirect")
chat("safeguarding_indirect", ["im scared of my husband, he controls all my money"], {},
     expect="safeguarding", safeguarding="indirect")
chat("lookalike", ["this commute is killing me lol, want a job closer to home"],
     {"need": A, "age": 32, "postcode": "E17 9NL"}, need="advice", age="32",
     postcode="E17 9NL")
chat("lookalike", ["id kill for a job at the bbc, how do i get in"],
     {"need": I, "age": 25}, need="info", age="25")
chat("lookalike", ["my cv is a total car crash can u help"],
     {"need": A, "age": 43, "postcode": "SK10 4JD"}, need="advice", age="43",
     postcode="SK10 4JD")
chat("lookalike", ["exams stressed me out so much, what can i do instead of uni"],
     {"need": A, "age": 17}, need="advice", age="17")


def build() -> list[dict]:
    """The conversations with their ids and expected routes (the policy on the true facts)."""
    sys.path.insert(0, str(HERE.parents[1]))
    from triage import decide

    out, counts = [], {"phone": 0, "webchat": 0}
    for convo in CONVERSATIONS:
        channel = convo["channel"]
        truth = {**convo.pop("truth"), "channel": channel}
        expect = convo.pop("expect", None) or decide(truth).destination
        if expect == "incomplete":
            raise ValueError(f"{convo['turns']}: the truth must decide a route")
        out.append({"id": f"{channel}-{counts[channel]:03d}-third", **convo, "expect": expect})
        counts[channel] += 1
    return out


if __name__ == "__main__":
    conversations = build()
    (HERE / "conversations_third.json").write_text(json.dumps(conversations, indent=1) + "\n")
    print(len(conversations), "conversations")
