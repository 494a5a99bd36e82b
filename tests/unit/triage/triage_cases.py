"""The decision table the triage tests check: one row per rule, named by its citation.

Plain data and a plain checker (no pytest), so the same table also runs under Python 3.10,
the interpreter of the Rasa actions process: see triage_case_check.py.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from triage import decide


class Row(NamedTuple):
    """Facts in, the parts of the decision that the cited rule fixes out."""

    cite: str
    label: str
    facts: dict[str, Any]
    expect: dict[str, Any]
    reasons: tuple[str, ...] = ()


def _row(cite: str, label: str, facts: dict[str, Any], destination: str, **expect: Any) -> Row:
    reasons = expect.pop("reasons", (cite,))
    return Row(cite, label, facts, {"destination": destination, **expect}, tuple(reasons))


ADVICE_30 = {"age": 30, "need": "advice"}

# fmt: off
ROWS: tuple[Row, ...] = (
    # Safeguarding comes before every other rule (003:L211, 000:L127).
    _row("003:L211", "safeguarding beats complaint, Wales, under 13 and language",
         {"safeguarding_concern": True, "need": "complaint", "nation": "wales", "age": 10,
          "language": "Polish"}, "safeguarding", signposts=[]),
    _row("003:L211", "safeguarding needs no other fact", {"safeguarding_concern": True},
         "safeguarding", reasons=("003:L211", "000:L127")),
    _row("003:L211", "no concern means ordinary routing",
         {"safeguarding_concern": False, **ADVICE_30, "channel": "email", "nation": "england"},
         "adult_digital_advice",
         reasons=("001:5.3",)),
    # Complaints and feedback: for all customers, no age needed (001:32.2, 001:1.1).
    _row("001:32.2", "complaint needs no age", {"need": "complaint"}, "complaints_and_feedback",
         signposts=["website"]),
    _row("001:32.2", "feedback by webform", {"need": "feedback", "channel": "webform"},
         "complaints_and_feedback"),
    _row("001:32.2", "complaint from a 10-year-old is still taken",
         {"need": "complaint", "age": 10}, "complaints_and_feedback"),
    _row("001:32.2", "complaint with a Welsh postcode is still taken",
         {"need": "feedback", "postcode": "CF10 1AA"}, "complaints_and_feedback"),
    # Outside England: handed to their nation's careers service (000:L68, 001:1.1).
    _row("000:L68", "Wales stated", {"nation": "wales", **ADVICE_30}, "outside_england",
         signposts=["careers_wales"]),
    _row("000:L68", "Scotland from the postcode", {"postcode": "EH1 1YZ", "need": "information"},
         "outside_england", signposts=["skills_development_scotland"], region=None),
    _row("000:L68", "Northern Ireland from the postcode", {"postcode": "bt71nn"},
         "outside_england", signposts=["ni_careers_service"]),
    _row("000:L68", "Deeside CH5 is in Wales", {**ADVICE_30, "postcode": "CH5 1AB"},
         "outside_england", signposts=["careers_wales"]),
    _row("000:L68", "Isle of Man from the postcode", {**ADVICE_30, "postcode": "IM1 1AA"},
         "outside_england", signposts=["isle_of_man_careers"]),
    _row("000:L68", "Jersey from the postcode", {"need": "information", "postcode": "je2 3ab"},
         "outside_england", signposts=["skills_jersey"]),
    _row("000:L68", "Guernsey stated", {**ADVICE_30, "nation": "guernsey"},
         "outside_england", signposts=["careers_guernsey"]),
    _row("000:L68", "Powys SY21 is in Wales", {**ADVICE_30, "postcode": "SY21 7AA"},
         "outside_england", signposts=["careers_wales"]),
    _row("000:L68", "Scottish Borders TD9 is in Scotland", {**ADVICE_30, "postcode": "TD9"},
         "outside_england", signposts=["skills_development_scotland"]),
    _row("000:L68", "under 13 outside England: outside England first",
         {"age": 9, "nation": "scotland"}, "outside_england"),
    # Ages (001 glossary; 000:L104): under 13 outside the service.
    _row("001:1.1", "age 12 is not eligible", {"age": 12, "need": "information"}, "not_eligible",
         signposts=["school_or_college"], reasons=("001:glossary", "001:1.1")),
    _row("001:1.1", "age 0 is not eligible, even with a language line",
         {"age": 0, "language": "Urdu"}, "not_eligible"),
    # Language lines (000:L129, 000:L47).
    _row("000:L129", "Polish adult asking for advice", {**ADVICE_30, "language": "Polish"},
         "language_line", reasons=("000:L47", "000:L129")),
    _row("000:L129", "language names match without case", {"language": " punjabi "},
         "language_line", missing=[]),
    _row("000:L129", "a language line needs no further question", {"language": "Somali"},
         "language_line"),
    _row("000:L129", "Spanish has no language line", {"age": 40, "need": "information",
         "language": "Spanish"}, "adult_information", reasons=("001:5.5",)),
    _row("000:L129", "English is the default", {"age": 40, "need": "information",
         "language": "English"}, "adult_information", reasons=("001:5.5",)),
    # Incomplete: what to ask next, most useful first, and only what the route needs.
    _row("001:6.2", "nothing known: need, then age", {}, "incomplete", missing=["need", "age"]),
    _row("001:6.2", "age known, need not", {"age": 30}, "incomplete", missing=["need"]),
    _row("001:6.2", "18 with need unknown", {"age": 18}, "incomplete",
         missing=["need", "jobcentre_plus_claimant"]),
    _row("001:5.2", "need known, age not", {"need": "advice"}, "incomplete", missing=["age"]),
    _row("001:5.2", "18: is the customer a Jobcentre Plus claimant?",
         {"age": 18, "need": "information"}, "incomplete", missing=["jobcentre_plus_claimant"]),
    _row("001:5.2", "18, not a claimant, custody not volunteered: a young person",
         {"age": 18, "need": "advice", "jobcentre_plus_claimant": False}, "young_people_service"),
    _row("001:5.1", "phone advice needs the postcode", ADVICE_30, "incomplete",
         missing=["postcode"], reasons=("001:5.3", "001:5.1")),
    _row("001:5.1", "an unrecognised postcode is asked again", {**ADVICE_30, "postcode": "XY"},
         "incomplete", missing=["postcode"]),
    _row("001:5.1", "stated England with a Welsh postcode: ask for one in England",
         {**ADVICE_30, "nation": "england", "postcode": "CH5 1AB"}, "incomplete",
         missing=["postcode"]),
    _row("001:5.1", "face to face needs the postcode", {"age": 30, "need": "face_to_face"},
         "incomplete", missing=["postcode"]),
    # Young people: any need but a complaint or feedback, any channel (001:5.2, 001:5.4).
    _row("001:5.2", "13 wanting information", {"age": 13, "need": "information"},
         "young_people_service", signposts=["school_or_college", "website"],
         reasons=("001:glossary", "001:5.2", "001:5.4")),
    _row("001:5.2", "17 wanting advice by phone: no postcode needed",
         {"age": 17, "need": "advice"}, "young_people_service"),
    _row("001:5.2", "17 wanting face to face by webchat",
         {"age": 17, "need": "face_to_face", "channel": "webchat"}, "young_people_service"),
    _row("001:5.2", "16 with no need said: never asked information or advice",
         {"age": 16}, "young_people_service"),
    _row("001:5.2", "18, neither claimant nor in custody",
         {"age": 18, "need": "advice", "jobcentre_plus_claimant": False, "in_custody": False},
         "young_people_service"),
    _row("001:5.4", "young person information by email",
         {"age": 15, "need": "information", "channel": "email"}, "young_people_service"),
    _row("000:L68", "anonymous young person: information only",
         {"age": 15, "need": "advice", "anonymous": True}, "young_people_service"),
    # Adults (001:5.3, 5.5, 5.6), including 18-year-old claimants and those in custody.
    _row("001:5.5", "adult information needs no postcode", {"age": 19, "need": "information"},
         "adult_information", signposts=["website"], reasons=("001:glossary", "001:5.5")),
    _row("001:5.3", "adult advice by phone", {**ADVICE_30, "postcode": "LS1 4AP"},
         "prime_contractor_advice", region="yorkshire-humber"),
    _row("001:5.3", "adult advice by webchat asks where the customer lives",
         {**ADVICE_30, "channel": "webchat"}, "incomplete", missing=["postcode"]),
    _row("001:5.3", "adult advice by webchat in England needs no region",
         {**ADVICE_30, "channel": "webchat", "nation": "england"}, "adult_digital_advice",
         region=None),
    _row("001:5.3", "adult advice by webchat from Scotland is signposted",
         {**ADVICE_30, "channel": "webchat", "postcode": "G1 1AA"}, "outside_england",
         reasons=("000:L68",)),
    _row("001:5.3", "adult advice by webform", {**ADVICE_30, "channel": "webform",
         "postcode": "M1 1AE"},
         "adult_digital_advice"),
    _row("001:5.3", "adult advice by email", {**ADVICE_30, "channel": "email",
         "nation": "england"},
         "adult_digital_advice"),
    _row("001:5.3", "18-year-old claimant by phone (the done example)",
         {"age": 18, "jobcentre_plus_claimant": True, "need": "advice", "postcode": "M1 1AE"},
         "prime_contractor_advice", priority_groups=["jobcentre_plus"], offer_face_to_face=True,
         region="north-west", reasons=("001:5.2", "001:5.3", "000:L104", "001:3.4", "001:3.3")),
    _row("001:5.3", "18-year-old claimant by webchat", {"age": 18, "jobcentre_plus_claimant": True,
         "need": "advice", "channel": "webchat", "postcode": "LS1 4AP"}, "adult_digital_advice"),
    _row("001:5.2", "18 in custody wanting information", {"age": 18, "in_custody": True,
         "need": "information"}, "adult_information",
         priority_groups=["non_community"], offer_face_to_face=True),
    _row("001:5.6", "face to face by phone", {"age": 50, "need": "face_to_face",
         "postcode": "SW1A 1AA"}, "prime_contractor_face_to_face", region="london"),
    _row("001:5.6", "face to face by webchat", {"age": 50, "need": "face_to_face",
         "channel": "webchat", "postcode": "KT10 9AA"}, "prime_contractor_face_to_face",
         region="south-east"),
    _row("001:5.6", "outward code alone is enough", {"age": 50, "need": "face_to_face",
         "postcode": "TD15"}, "prime_contractor_face_to_face", region="north-east"),
    _row("000:L68", "anonymous adult asking for advice gets information",
         {**ADVICE_30, "anonymous": True}, "adult_information", signposts=["website"]),
    _row("000:L68", "anonymous adult asking for face to face gets information",
         {"age": 30, "need": "face_to_face", "anonymous": True}, "adult_information"),
    _row("000:L68", "anonymous customer of unknown age gets information, nothing asked",
         {"need": "advice", "anonymous": True}, "adult_information", signposts=["website"],
         missing=[], reasons=("000:L68", "001:6.2")),
    _row("000:L68", "anonymous customer who gave no need gets information, nothing asked",
         {"age": 40, "anonymous": True, "channel": "webchat"}, "adult_information",
         missing=[], reasons=("000:L68", "001:6.2")),
    _row("000:L68", "anonymous 18-year-old unsure of benefits gets information",
         {"age": 18, "need": "advice", "anonymous": True}, "adult_information", missing=[]),
    _row("001:5.2", "anonymous young person of known age still goes to young people's service",
         {"age": 16, "anonymous": True}, "young_people_service", missing=[]),
    # Priority groups (001:3.4) and the face-to-face offer (001:3.3).
    _row("001:3.4", "no level 3: low skilled", {"age": 40, "need": "information",
         "qualification_level": 2}, "adult_information", priority_groups=["low_skilled"],
         offer_face_to_face=True, reasons=("001:3.4", "001:3.3")),
    _row("001:3.4", "level 3 is not low skilled", {"age": 40, "need": "information",
         "qualification_level": 3}, "adult_information", priority_groups=[],
         offer_face_to_face=False, reasons=()),
    _row("001:3.4", "24, not in work or education", {"age": 24, "need": "information",
         "in_work": False, "in_education_or_training": False}, "adult_information",
         priority_groups=["young_neet"]),
    _row("001:3.4", "25 is not a young adult", {"age": 25, "need": "information",
         "in_work": False, "in_education_or_training": False}, "adult_information",
         priority_groups=[], reasons=()),
    _row("001:3.4", "facing redundancy", {"age": 50, "need": "information",
         "facing_redundancy": True}, "adult_information",
         priority_groups=["facing_redundancy_or_long_term_unemployed"]),
    _row("001:3.4", "out of work two years", {"age": 50, "need": "information",
         "in_work": False, "months_out_of_work": 24}, "adult_information",
         priority_groups=["facing_redundancy_or_long_term_unemployed"]),
    _row("001:3.4", "out of work 23 months", {"age": 50, "need": "information",
         "in_work": False, "months_out_of_work": 23}, "adult_information", priority_groups=[],
         reasons=()),
    _row("001:3.4", "in work now", {"age": 50, "need": "information", "in_work": True,
         "months_out_of_work": 30}, "adult_information", priority_groups=[], reasons=()),
    _row("001:3.4", "learning difficulty or disability", {"age": 30, "need": "information",
         "learning_difficulty_or_disability": True}, "adult_information",
         priority_groups=["learning_difficulty_or_disability"], offer_face_to_face=True),
    _row("001:3.4", "several groups keep the paragraph's order", {"age": 20, "need": "advice",
         "channel": "webchat", "nation": "england", "learning_difficulty_or_disability": True,
         "in_custody": True,
         "jobcentre_plus_claimant": True, "qualification_level": 0}, "adult_digital_advice",
         priority_groups=["low_skilled", "jobcentre_plus", "non_community",
                          "learning_difficulty_or_disability"], offer_face_to_face=True),
    _row("001:3.4", "a volunteered past conviction: the neutral group, face to face offered",
         {"age": 35, "need": "information", "ex_offender": True}, "adult_information",
         priority_groups=["non_community"], offer_face_to_face=True),
    _row("000:L129", "a language line by another name: Panjabi", {"language": "Panjabi"},
         "language_line"),
    _row("000:L129", "a language line by its endonym: Polski", {"language": "polski"},
         "language_line"),
    _row("000:L129", "Persian is the Farsi line", {"language": "Persian", "age": 40},
         "language_line"),
    _row("001:3.4", "young people are not in adult priority groups", {"age": 16,
         "need": "information", "qualification_level": 0}, "young_people_service",
         priority_groups=[], offer_face_to_face=False, reasons=()),
    _row("001:3.3", "an adult outside England is not offered face to face",
         {"age": 30, "jobcentre_plus_claimant": True, "nation": "scotland"}, "outside_england",
         priority_groups=["jobcentre_plus"], offer_face_to_face=False,
         reasons=("000:L68", "001:3.4")),
)
# fmt: on


def check(row: Row) -> list[str]:
    """What differs between the row's expectation and the decision (empty when it passes)."""
    got = decide(row.facts).to_dict()
    problems = [
        f"{key}: expected {value!r}, got {got.get(key)!r}"
        for key, value in row.expect.items()
        if got.get(key, []) != value
    ]
    problems += [f"reasons lack {cite}" for cite in row.reasons if cite not in got["reasons"]]
    return problems
