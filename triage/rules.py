"""The routing rules of 001 sections 3, 5 and 6 as one ordered table: the first fitting row wins."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .case import UNDER_13, YOUNG, Case
from .decision import Decision
from .facts import Facts
from .tables import (
    ADULT_DIGITAL_ADVICE,
    ADULT_INFORMATION,
    COMPLAINTS_AND_FEEDBACK,
    INCOMPLETE,
    LANGUAGE_LINE,
    NOT_ELIGIBLE,
    OUTSIDE_ENGLAND,
    PRIME_CONTRACTOR_ADVICE,
    PRIME_CONTRACTOR_FACE_TO_FACE,
    SAFEGUARDING,
    YOUNG_PEOPLE_SERVICE,
)

_COMPLAINT_OR_FEEDBACK = frozenset({"complaint", "feedback"})
_AREA_REASON = "001:5.1"
_PRIORITY_REASONS = ("001:3.4",)
_FACE_TO_FACE_OFFER = ("001:3.3",)
_FACE_TO_FACE_NOTE = "priority group: offer local face-to-face support"


@dataclass(frozen=True, slots=True)
class Rule:
    """One row: when it applies, where the customer goes, and the paragraphs that say so."""

    cites: tuple[str, ...]
    when: Callable[[Case], bool]
    destination: str
    note: str
    signposts: tuple[str, ...] = ()
    ask: Callable[[Case], tuple[str, ...]] | None = None  # facts to ask for, when incomplete
    needs_area: bool = False  # the prime contractor is chosen by the postcode (001:5.1)
    cites_age: bool = False  # the customer's age group decided it


# fmt: off
# Read top to bottom; the first row that fits decides. Rows above "need unknown" decide without
# a need or an age; rows below "young person" see only adults, as every other case is decided above.
RULES: tuple[Rule, ...] = (
    # anyone with a safeguarding concern -> a person, now
    Rule(("003:L211", "000:L127"), lambda c: c.safeguarding, SAFEGUARDING,
         "safeguarding concern: hand to a person now, before anything else"),
    # anyone with a complaint or feedback -> the contact centre (no age needed)
    Rule(("001:32.2", "001:1.1"), lambda c: c.need in _COMPLAINT_OR_FEEDBACK,
         COMPLAINTS_AND_FEEDBACK, "complaints and feedback are taken by the contact centre",
         signposts=("website",)),
    # anyone outside England -> the careers service of their nation
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "wales", OUTSIDE_ENGLAND,
         "the service is for England: Careers Wales serves Wales", signposts=("careers_wales",)),
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "scotland", OUTSIDE_ENGLAND,
         "the service is for England: Skills Development Scotland serves Scotland",
         signposts=("skills_development_scotland",)),
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "northern_ireland", OUTSIDE_ENGLAND,
         "the service is for England: the Northern Ireland Careers Service serves Northern Ireland",
         signposts=("ni_careers_service",)),
    # the Crown dependencies are not England either: their own careers services (000:L68)
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "isle_of_man", OUTSIDE_ENGLAND,
         "the service is for England: the Isle of Man has its own careers service",
         signposts=("isle_of_man_careers",)),
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "jersey", OUTSIDE_ENGLAND,
         "the service is for England: Skills Jersey serves Jersey", signposts=("skills_jersey",)),
    Rule(("000:L68", "001:1.1"), lambda c: c.nation == "guernsey", OUTSIDE_ENGLAND,
         "the service is for England: Careers Guernsey serves the Bailiwick of Guernsey",
         signposts=("careers_guernsey",)),
    # under 13 -> not eligible
    Rule(("001:1.1",), lambda c: c.age_group == UNDER_13, NOT_ELIGIBLE,
         "the service starts at 13: their school can help", signposts=("school_or_college",),
         cites_age=True),
    # a language with a language line -> that language line
    Rule(("000:L47", "000:L129"), lambda c: c.language_line, LANGUAGE_LINE,
         "the customer's language has a language line; advice is a three-way call"),
    # young person (13 to 18), any need, any channel -> young people's service. Above "need
    # unknown": every need of a young person but a complaint goes there, so it is never asked.
    Rule(("001:5.2", "001:5.4", "000:L68"), lambda c: c.age_group == YOUNG and c.anonymous,
         YOUNG_PEOPLE_SERVICE, "anonymous young person: information only",
         signposts=("school_or_college", "website"), cites_age=True),
    Rule(("001:5.2", "001:5.4"), lambda c: c.age_group == YOUNG, YOUNG_PEOPLE_SERVICE,
         "young person: the young people's contact centre, their school or college, the website",
         signposts=("school_or_college", "website"), cites_age=True),
    # anonymous, need or age not given -> information only (000:L68: a customer may stay
    # anonymous, which restricts the service). Said outright or by refusing a question, anonymity
    # means no more personal questions: the contact centre gives information to anyone (001:6.2),
    # so an anonymous customer whose age or need is unknown is not asked again but informed.
    Rule(("000:L68", "001:6.2"), lambda c: c.anonymous and (c.need is None or c.age_group is None),
         ADULT_INFORMATION, "anonymous customer: information only, no more details asked",
         signposts=("website",)),
    # need unknown -> ask it (and the age, which every remaining route needs)
    Rule(("001:6.2",), lambda c: c.need is None, INCOMPLETE,
         "ask what the customer needs", ask=lambda c: ("need", *c.age_questions)),
    # young person or adult unknown -> ask the age (or, at 18, Jobcentre Plus, then custody)
    Rule(("001:5.2", "001:5.3"), lambda c: c.age_group is None, INCOMPLETE,
         "ask what decides young person or adult", ask=lambda c: c.age_questions),
    # adult (19+, or 18 and a claimant or in custody) wanting information -> answer now
    Rule(("001:5.5",), lambda c: c.need == "information", ADULT_INFORMATION,
         "adult information: give it now, at the first point of contact",
         signposts=("website",), cites_age=True),
    # anonymous adult wanting advice or face to face -> information only
    Rule(("000:L68",), lambda c: c.anonymous, ADULT_INFORMATION,
         "advice needs the customer's details: an anonymous customer gets information only",
         signposts=("website",), cites_age=True),
    # adult wanting advice by webchat, webform or email, living somewhere not yet known -> ask:
    # the adult contact centre advises England only, so a customer in Scotland must be told.
    Rule(("001:5.3", "000:L68"), lambda c: c.need == "advice" and c.digital and c.nation is None,
         INCOMPLETE, "adult advice online: where the customer lives decides if the service can"
         " advise them", ask=lambda c: ("postcode",), cites_age=True),
    # adult wanting advice by webchat, webform or email -> the adult contact centre
    Rule(("001:5.3",), lambda c: c.need == "advice" and c.digital, ADULT_DIGITAL_ADVICE,
         "adult advice asked for online: the adult contact centre gives it", cites_age=True),
    # adult wanting advice by phone -> their local prime contractor (needs the postcode)
    Rule(("001:5.3",), lambda c: c.need == "advice", PRIME_CONTRACTOR_ADVICE,
         "adult advice by phone: transfer to the local prime contractor",
         needs_area=True, cites_age=True),
    # adult wanting a face-to-face appointment, any channel -> local prime contractor
    Rule(("001:5.6",), lambda c: c.need == "face_to_face", PRIME_CONTRACTOR_FACE_TO_FACE,
         "adult face-to-face appointment: the local prime contractor books it",
         needs_area=True, cites_age=True),
)
# fmt: on


def decide(facts: Facts | Mapping[str, Any]) -> Decision:
    """Decide where a customer goes; a mapping is validated first (FactsError if it is bad)."""
    if not isinstance(facts, Facts):
        facts = Facts.from_dict(facts)
    case = Case(facts)
    for rule in RULES:
        if rule.when(case):
            return _apply(rule, case)
    raise AssertionError("the rules table must decide every valid set of facts")


def _apply(rule: Rule, case: Case) -> Decision:
    """Turn the first matching row into a Decision for this case."""
    destination, missing = rule.destination, ()
    reasons = (*case.age_reasons, *rule.cites) if rule.cites_age else rule.cites
    notes = (rule.note,)
    if rule.ask is not None:
        missing = rule.ask(case)
    elif rule.needs_area:
        reasons = (*reasons, _AREA_REASON)
        if case.region is None:
            destination, missing = INCOMPLETE, ("postcode",)
            notes = (*notes, case.postcode_note)
    offer = bool(case.priority_groups) and destination != OUTSIDE_ENGLAND
    if case.priority_groups:
        reasons = (*reasons, *_PRIORITY_REASONS)
    if offer:
        reasons, notes = (*reasons, *_FACE_TO_FACE_OFFER), (*notes, _FACE_TO_FACE_NOTE)
    return Decision(
        destination=destination,
        missing=missing,
        priority_groups=case.priority_groups,
        offer_face_to_face=offer,
        reasons=tuple(dict.fromkeys(reasons)),
        signposts=rule.signposts if destination != INCOMPLETE else (),
        region=case.region,
        notes=notes,
    )
