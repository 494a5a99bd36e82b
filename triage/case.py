"""What the rules read: the facts, with age group, nation, area and priority groups worked out."""

from __future__ import annotations

from .facts import Facts
from .languages import canonical
from .postcodes import lookup
from .tables import (
    ADULT_AGE,
    EARLY_ADULT_AGE,
    LANGUAGE_LINES,
    LONG_TERM_UNEMPLOYED_MONTHS,
    LOW_SKILL_BELOW_LEVEL,
    YOUNG_ADULT_MAX_AGE,
    YOUNGEST_CUSTOMER,
)

UNDER_13 = "under_13"
YOUNG = "young"
ADULT = "adult"

_LANGUAGE_LINE_KEYS = frozenset(name.casefold() for name in LANGUAGE_LINES)
_GLOSSARY = ("001:glossary",)
# Why three citations: the 18-year-old exception is stated in 001:5.2, 001:5.3 and 000:L104.
_EARLY_ADULT = ("001:5.2", "001:5.3", "000:L104")


class Case:
    """The facts as the rules see them; built once per decision."""

    __slots__ = (
        "facts",
        "need",
        "digital",
        "anonymous",
        "safeguarding",
        "nation",
        "region",
        "postcode_note",
        "age_group",
        "age_questions",
        "age_reasons",
        "language_line",
        "priority_groups",
    )

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.need = facts.need
        self.digital = facts.channel != "phone"
        # Why absent = False: anonymity and a safeguarding concern are raised by the customer or
        # noticed in the conversation; triage never asks about them.
        self.anonymous = facts.anonymous is True
        self.safeguarding = facts.safeguarding_concern is True
        # Any common name counts: "Panjabi", "Persian", "Polski", "Français" (000:L129).
        self.language_line = facts.language is not None and (
            facts.language.strip().casefold() in _LANGUAGE_LINE_KEYS
            or canonical(facts.language) is not None
        )
        self._place(facts)
        self._age(facts)
        self.priority_groups = _priority_groups(facts) if self.age_group == ADULT else ()

    def _place(self, facts: Facts) -> None:
        """Nation (stated, else from the postcode) and prime contractor area (from the postcode)."""
        area = lookup(facts.postcode) if facts.postcode is not None else None
        self.nation = facts.nation or (area.nation if area else None)
        self.region = area.region if area else None
        if facts.postcode is None:
            self.postcode_note = "the customer's postcode decides their prime contractor"
        elif area is None:
            self.postcode_note = "the postcode given is not a UK postcode: ask again"
        else:
            self.postcode_note = "the postcode given is outside England: ask for one in England"

    def _age(self, facts: Facts) -> None:
        """Young person, adult or under 13, or which question settles it (001 glossary)."""
        age = facts.age
        self.age_questions: tuple[str, ...] = ()
        self.age_reasons = _GLOSSARY
        if age is None:
            self.age_group, self.age_questions = None, ("age",)
        elif age < YOUNGEST_CUSTOMER:
            self.age_group = UNDER_13
        elif age >= ADULT_AGE:
            self.age_group = ADULT
        elif age < EARLY_ADULT_AGE:
            self.age_group = YOUNG
        else:
            self._eighteen(facts)

    def _eighteen(self, facts: Facts) -> None:
        """An 18-year-old is an adult if a Jobcentre Plus claimant or in custody (001:5.2, 5.3).

        Only the claimant question is ever asked: custody counts when the customer volunteers it,
        never as a question put to every 18-year-old (it is sensitive, and the contact centre's
        customers are almost never calling from custody).
        """
        claimant, custody = facts.jobcentre_plus_claimant, facts.in_custody
        self.age_reasons = _EARLY_ADULT
        if claimant or custody:
            self.age_group = ADULT
        elif claimant is False:
            self.age_group = YOUNG
        else:
            self.age_group, self.age_questions = None, ("jobcentre_plus_claimant",)


def _priority_groups(facts: Facts) -> tuple[str, ...]:
    """The 001:3.4 priority groups an adult's facts place them in, in the paragraph's order."""
    groups = []
    if facts.qualification_level is not None and facts.qualification_level < LOW_SKILL_BELOW_LEVEL:
        groups.append("low_skilled")
    if (
        facts.age is not None
        and facts.age <= YOUNG_ADULT_MAX_AGE
        and facts.in_education_or_training is False
        and facts.in_work is False
    ):
        groups.append("young_neet")
    long_out_of_work = (
        facts.in_work is not True
        and facts.months_out_of_work is not None
        and facts.months_out_of_work >= LONG_TERM_UNEMPLOYED_MONTHS
    )
    if facts.facing_redundancy or long_out_of_work:
        groups.append("facing_redundancy_or_long_term_unemployed")
    if facts.jobcentre_plus_claimant:
        groups.append("jobcentre_plus")
    if facts.in_custody or facts.ex_offender:
        # 001:3.4 "adults in custody and ex-offenders", under the neutral name of 001:20.3.
        groups.append("non_community")
    if facts.learning_difficulty_or_disability:
        groups.append("learning_difficulty_or_disability")
    return tuple(groups)
