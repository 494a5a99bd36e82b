"""The names triage speaks in: destinations, signposts, priority groups and language lines."""

from __future__ import annotations

# Destinations of the Triage contract (ARCHITECTURE.md), one per decision.
SAFEGUARDING = "safeguarding"
COMPLAINTS_AND_FEEDBACK = "complaints_and_feedback"
OUTSIDE_ENGLAND = "outside_england"
NOT_ELIGIBLE = "not_eligible"
LANGUAGE_LINE = "language_line"
INCOMPLETE = "incomplete"
YOUNG_PEOPLE_SERVICE = "young_people_service"
ADULT_INFORMATION = "adult_information"
ADULT_DIGITAL_ADVICE = "adult_digital_advice"
PRIME_CONTRACTOR_ADVICE = "prime_contractor_advice"
PRIME_CONTRACTOR_FACE_TO_FACE = "prime_contractor_face_to_face"

DESTINATIONS: tuple[str, ...] = (
    YOUNG_PEOPLE_SERVICE,
    ADULT_INFORMATION,
    PRIME_CONTRACTOR_ADVICE,
    PRIME_CONTRACTOR_FACE_TO_FACE,
    ADULT_DIGITAL_ADVICE,
    COMPLAINTS_AND_FEEDBACK,
    LANGUAGE_LINE,
    SAFEGUARDING,
    OUTSIDE_ENGLAND,
    NOT_ELIGIBLE,
    INCOMPLETE,
)

# Where a customer can be pointed besides (or instead of) an adviser.
SIGNPOSTS: dict[str, str] = {
    "website": "the National Careers Service website, with its webchat and tools",
    "school_or_college": "the customer's school or college",
    "careers_wales": "Careers Wales",
    "skills_development_scotland": "Skills Development Scotland (My World of Work)",
    "ni_careers_service": "the Northern Ireland Careers Service",
    "isle_of_man_careers": "the Isle of Man Government's careers service",
    "skills_jersey": "Skills Jersey",
    "careers_guernsey": "Careers Guernsey",
}

# The careers service of each nation outside England (000:L68).
NATION_SIGNPOSTS: dict[str, str] = {
    "wales": "careers_wales",
    "scotland": "skills_development_scotland",
    "northern_ireland": "ni_careers_service",
    "isle_of_man": "isle_of_man_careers",
    "jersey": "skills_jersey",
    "guernsey": "careers_guernsey",
}

# Priority groups of 001:3.4, in the paragraph's order.
PRIORITY_GROUPS: dict[str, str] = {
    "low_skilled": "low-skilled adult without a level 3 qualification",
    "young_neet": "young adult aged 18 to 24 not in education, employment or training",
    "facing_redundancy_or_long_term_unemployed": (
        "adult facing redundancy, or not in any work for two years or more"
    ),
    "jobcentre_plus": "Jobcentre Plus customer aged 18 or over",
    # 001:3.4 "adults in custody and ex-offenders". Offending is never recorded (001:20.2-20.4):
    # the facts in_custody and ex_offender are read, never stored, and the group goes by the
    # neutral name of 001:20.3 so that no stored summary or figure can identify an offender.
    "non_community": "priority group of 001:3.4 (neutral indicator, 001:20.3)",
    "learning_difficulty_or_disability": "adult with learning difficulties or disabilities",
}

# The eight language lines (000:L129, 000:L47), matched without regard to case.
LANGUAGE_LINES: tuple[str, ...] = (
    "Gujarati",
    "Punjabi",
    "Sylheti",
    "Urdu",
    "Farsi",
    "Polish",
    "French",
    "Somali",
)

# Ages from the 001 glossary: young people 13 to 18, adults 19 and over.
YOUNGEST_CUSTOMER = 13
ADULT_AGE = 19
# 18-year-old Jobcentre Plus claimants and those in custody are served as adults (001:5.2, 5.3).
EARLY_ADULT_AGE = 18
YOUNG_ADULT_MAX_AGE = 24  # "young adults aged 18 to 24" (001:3.4)
LOW_SKILL_BELOW_LEVEL = 3  # "without a Level 3 qualification" (001:3.4)
LONG_TERM_UNEMPLOYED_MONTHS = 24  # "not in any type of work for two years or more" (001:3.4)
