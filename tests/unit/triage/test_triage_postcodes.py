"""Postcodes: normalised, validated and placed in a nation and a prime contractor area."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triage.postcodes import REGIONS, _places, lookup, normalise


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("M1 1AE", "M1 1AE"),
        ("m11ae", "M1 1AE"),
        ("  sw1a   1aa ", "SW1A 1AA"),
        ("EC1A1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("B10 0AA", "B10 0AA"),
        ("n1c\t4aa", "N1C 4AA"),
        ("sw1a", "SW1A"),
        ("M1", "M1"),
        ("kt10", "KT10"),
    ],
)
def test_valid_postcodes_and_outward_codes_are_normalised(text, normal):
    assert normalise(text) == normal


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "M",
        "SW",
        "ZZ1 1AA",
        "QQ1",
        "M1 1CE",
        "M1 1AEX",
        "11AA",
        "M1 1A",
        "SW1AA",
        "M1 1ÀE",
        "Manchester",
        None,
        12,
    ],
)
def test_invalid_text_is_not_a_postcode(text):
    assert normalise(text) is None
    if isinstance(text, str):
        assert lookup(text) is None


@pytest.mark.parametrize(
    ("text", "nation", "region"),
    [
        ("M1 1AE", "england", "north-west"),
        ("NE1 4ST", "england", "north-east"),
        ("LS1 4AP", "england", "yorkshire-humber"),
        ("NG1 5FS", "england", "east-midlands"),
        ("B1 1BB", "england", "west-midlands"),
        ("CB2 1TN", "england", "east-of-england"),
        ("SW1A 1AA", "england", "london"),
        ("RG1 1AA", "england", "south-east"),
        ("BS1 4DJ", "england", "south-west"),
        ("CF10 1AA", "wales", None),
        ("EH1 1YZ", "scotland", None),
        ("BT7 1NN", "northern_ireland", None),
        # Districts on the Welsh and Scottish borders, where one area spans two nations.
        ("CH1 2HS", "england", "north-west"),
        ("CH5 1AB", "wales", None),
        ("CH7", "wales", None),
        ("SY1 1AA", "england", "west-midlands"),
        ("SY14 8AA", "england", "north-west"),
        ("SY16 1AA", "wales", None),
        ("SY23", "wales", None),
        ("LD1 5AA", "wales", None),
        ("NP16 5AA", "wales", None),
        ("HR1 2AA", "england", "west-midlands"),
        ("GL1 1AA", "england", "south-west"),
        ("TD15 1AA", "england", "north-east"),
        ("TD9 7AA", "scotland", None),
        ("DG16 5AA", "scotland", None),
        ("CA1 1AA", "england", "north-west"),
        # Districts whose region differs from their area's.
        ("KT1 1AA", "england", "london"),
        ("KT10 9AA", "england", "south-east"),
        ("S40 1AA", "england", "east-midlands"),
        ("S1 2HE", "england", "yorkshire-humber"),
        ("MK40 1AA", "england", "east-of-england"),
        ("DL10 4AA", "england", "yorkshire-humber"),
        ("DA5 1AA", "england", "london"),
    ],
)
def test_lookup_gives_nation_and_prime_contractor_area(text, nation, region):
    area = lookup(text)
    assert area is not None
    assert (area.nation, area.region) == (nation, region)
    assert area.outward == normalise(text).split(" ")[0]


def test_every_postcode_area_is_covered():
    areas = {prefix for prefix in _places() if prefix.isalpha()}
    # 120 in Great Britain, BT in Northern Ireland, IM, JE and GY in the Crown dependencies
    assert len(areas) == 124
    for area in areas:
        assert lookup(f"{area}1 1AA") is not None, area


def test_every_english_region_has_postcodes_and_only_england_has_regions():
    places = _places().values()
    assert {place.region for place in places if place.nation == "england"} == set(REGIONS)
    assert {place.region for place in places if place.nation != "england"} == {None}


def test_district_rows_override_an_area_that_exists():
    for prefix in _places():
        if not prefix.isalpha():
            assert prefix.rstrip("0123456789") in _places(), prefix


@given(st.text(max_size=12))
def test_normalise_is_idempotent_and_never_raises(text):
    normal = normalise(text)
    if normal is not None:
        assert normalise(normal) == normal
        assert lookup(text) == lookup(normal)
