"""Build tests/heldout/conversations.json from bank.py (fixed seed): python tests/heldout/build.py.

Each conversation: the customer's opening turns (said first, whatever is asked), the answers
they give to the assistant's questions, an optional side question and closing, and the route
they should get. The expected destination is the triage policy's decision on the customer's
true facts: the evaluation measures understanding, and the policy is the specification.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import bank  # noqa: E402

from triage import decide  # noqa: E402

# Conversations per kind and channel (twice this in all): 184 per channel, 368 in all.
PER_KIND = {"plain": 16, "several": 16, "correction": 12, "side_question": 14, "dont_know": 8,
            "young_speech": 12, "place_in_words": 12, "crown_dependency": 8, "language": 10,
            "closing": 12, "everyday_words": 14, "ex_offender": 8, "complaint": 8,
            "jobcentre_18": 6, "safeguarding_explicit": 12, "safeguarding_indirect": 16}
SEEDS = {"": 19}


def _phone(channel: str) -> bool:
    return channel == "phone"


class Maker:
    """Turns bank entries into conversations for one channel."""

    def __init__(self, channel: str, rng: random.Random) -> None:
        self.channel, self.rng = channel, rng

    def pick(self, items):
        return self.rng.choice(items)

    def age_text(self, age):
        digits, words = age
        bank_ = bank.ASK_AGE_ANSWERS_PHONE if _phone(self.channel) else bank.ASK_AGE_ANSWERS_CHAT
        return self.pick(bank_).format(w=words, d=digits)

    def postcode_text(self, postcode):
        typed, spoken = postcode
        if _phone(self.channel):
            return self.pick(bank.ASK_POSTCODE_PHONE).format(s=spoken)
        return self.pick(bank.ASK_POSTCODE_CHAT).format(t=typed, T=typed.upper())

    def need_text(self, need):
        table = bank.ASK_NEED_PHONE if _phone(self.channel) else bank.ASK_NEED_CHAT
        return self.pick(table.get(need, table["advice"]))

    def yes(self):
        return self.pick(bank.YES_PHONE if _phone(self.channel) else bank.YES_CHAT)

    def fill(self, text, age, postcode, wrong=None):
        return text.format(w=age[1], d=age[0], s=postcode[1], t=postcode[0],
                           x=(wrong or age)[1], xd=(wrong or age)[0])

    def convo(self, kind, opening, *, need, age, postcode=None, facts=None, answers=None,
              expect=None, **extra):
        truth = {"need": need, "age": age[0] if age else None, "channel": self.channel}
        if postcode:
            truth["postcode"] = postcode[0]
        truth.update(facts or {})
        truth = {k: v for k, v in truth.items() if v is not None}
        all_answers = {"need": self.need_text(need) if need else None,
                       "age": self.age_text(age) if age else None,
                       "postcode": self.postcode_text(postcode) if postcode else None,
                       "jobcentre_plus_claimant": self.yes() if truth.get(
                           "jobcentre_plus_claimant") else self.pick(
                           bank.NO_PHONE if _phone(self.channel) else bank.NO_CHAT)}
        all_answers.update(answers or {})
        destination = expect or decide(truth).destination
        return {"channel": self.channel, "kind": kind, "turns": opening,
                "answers": {k: v for k, v in all_answers.items() if v}, "expect": destination,
                **extra}


def build(channel: str, rng: random.Random) -> list[dict]:
    m = Maker(channel, rng)
    phone = _phone(channel)
    col = 1 if phone else 2
    out = []
    adult = lambda: m.pick(bank.AGES_ADULT)  # noqa: E731
    young = lambda: m.pick(bank.AGES_YOUNG)  # noqa: E731
    pc = lambda: m.pick(bank.POSTCODES)  # noqa: E731
    for _ in range(PER_KIND["plain"]):
        entry = m.pick(bank.PLAIN)
        out.append(m.convo("plain", [entry[col]], need=entry[0], age=adult(), postcode=pc()))
    for _ in range(PER_KIND["several"]):
        entry, age, code = m.pick(bank.SEVERAL), adult(), pc()
        facts = {"jobcentre_plus_claimant": True} if "universal credit" in entry[1] else {}
        if "redundant" in entry[1]:
            facts["facing_redundancy"] = True
        out.append(m.convo("several", [m.fill(entry[col], age, code)], need=entry[0], age=age,
                           postcode=code, facts=facts))
    for _ in range(PER_KIND["correction"]):
        entry, age, code = m.pick(bank.CORRECTIONS), adult(), pc()
        wrong = (int(str(age[0])[::-1]) if age[0] % 10 else 15, None)
        wrong = (wrong[0], _words(wrong[0]))
        if not 13 <= wrong[0] <= 18:
            wrong = (16, "sixteen")
        out.append(m.convo("correction", [m.fill(entry[col], age, code, wrong)], need=entry[0],
                           age=age, postcode=code))
    for _ in range(PER_KIND["side_question"]):
        entry = m.pick(bank.PLAIN)
        side = m.pick(bank.SIDE_QUESTIONS_PHONE if phone else bank.SIDE_QUESTIONS_CHAT)
        out.append(m.convo("side_question", [entry[col]], need=entry[0], age=adult(),
                           postcode=pc(), side_question=side))
    for _ in range(PER_KIND["dont_know"]):
        text = m.pick(bank.DONT_KNOW_POSTCODE_PHONE if phone else bank.DONT_KNOW_POSTCODE_CHAT)
        opening = "i need careers advice" if phone else "i need some careers advice"
        out.append(m.convo("dont_know", [opening], need="advice", age=adult(),
                           answers={"postcode": text}, expect="to_adviser"))
    for _ in range(PER_KIND["young_speech"]):
        age = young()
        text = m.pick(bank.SPEECH_YOUNG if phone else bank.CHAT_YOUNG)
        out.append(m.convo("young_speech", [m.fill(text, age, pc())], need=None, age=age))
    for _ in range(PER_KIND["place_in_words"]):
        place = m.pick([p for p in bank.PLACES if p[2] in ("wales", "scotland",
                                                           "northern_ireland")])
        out.append(m.convo("place_in_words", ["i need careers advice" if phone else
                                              "i want some careers advice"], need="advice",
                           age=adult(), facts={"nation": place[2]},
                           answers={"postcode": place[col - 1]}))
    for _ in range(PER_KIND["crown_dependency"]):
        if rng.random() < 0.5:
            place = m.pick([p for p in bank.PLACES if p[2] in ("jersey", "isle_of_man",
                                                               "guernsey")])
            answer, nation = place[col - 1], place[2]
        else:
            code = m.pick(bank.CROWN_POSTCODES)
            answer = m.postcode_text(code)
            nation = {"je": "jersey", "im": "isle_of_man", "gy": "guernsey"}[code[0][:2]]
        out.append(m.convo("crown_dependency", ["can i get some careers advice" if phone else
                                                "can i get careers advice"], need="advice",
                           age=adult(), facts={"nation": nation}, answers={"postcode": answer}))
    for _ in range(PER_KIND["language"]):
        entry = m.pick(bank.LANGUAGES)
        out.append(m.convo("language", [entry[col - 1]], need=None, age=None,
                           expect="language_line"))
    for _ in range(PER_KIND["closing"]):
        entry = m.pick([e for e in bank.PLAIN if e[0] == "information"])
        closing = m.pick(bank.CLOSINGS_PHONE if phone else bank.CLOSINGS_CHAT)
        out.append(m.convo("closing", [entry[col]], need="information", age=adult(),
                           closing=closing))
    for _ in range(PER_KIND["everyday_words"]):
        entry = m.pick(bank.EVERYDAY)
        out.append(m.convo("everyday_words", [entry[col]], need=entry[0], age=adult(),
                           postcode=pc()))
    for _ in range(PER_KIND["ex_offender"]):
        entry = m.pick(bank.EX_OFFENDER)
        out.append(m.convo("ex_offender", [entry[col]], need=entry[0], age=adult(),
                           postcode=pc(), facts={"ex_offender": True}))
    for _ in range(PER_KIND["complaint"]):
        entry = m.pick(bank.COMPLAINTS)
        out.append(m.convo("complaint", [entry[col]], need=entry[0], age=None))
    for _ in range(PER_KIND["jobcentre_18"]):
        entry = m.pick(bank.JOBCENTRE_18)
        out.append(m.convo("jobcentre_18", [entry[col]], need=entry[0], age=(18, "eighteen"),
                           postcode=pc(), facts={"jobcentre_plus_claimant": True}))
    for kind, table in (("safeguarding_explicit", bank.SAFEGUARDING_EXPLICIT),
                        ("safeguarding_indirect", bank.SAFEGUARDING_INDIRECT)):
        for _ in range(PER_KIND[kind]):
            opening = m.pick(bank.PLAIN)[col]
            disclosure = m.pick(table)[col - 1]
            out.append(m.convo(kind, [opening, disclosure], need=None, age=None,
                               expect="safeguarding",
                               safeguarding=kind.removeprefix("safeguarding_")))
    return out


_UNITS = ["", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen"]


def _words(n: int) -> str:
    return _UNITS[n] if n < 20 else "sixteen"


def main() -> int:
    conversations = []
    for suffix, seed in SEEDS.items():
        for channel in ("phone", "webchat"):
            rng = random.Random(f"{seed}-{channel}")
            for index, convo in enumerate(build(channel, rng)):
                conversations.append({"id": f"{channel}-{index:03d}{suffix}", **convo})
    (HERE / "conversations.json").write_text(json.dumps(conversations, indent=1) + "\n")
    print(len(conversations), "conversations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
