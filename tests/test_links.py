"""Checking a link's parameters: any query string gives usable values or a sentence saying what was left out."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.geo.areas import FROM_LINK, area_from_polygons
from dashboard.links import AREA_MAX_VERTICES, Field, Period, area_rings, area_values, check_link, view_params

SEPT_2022 = (dt.date(2022, 9, 12), dt.date(2022, 9, 14))
PERIOD = Period(
    preset="preset",
    dates="dates",
    presets={"Sept 2022": SEPT_2022},
    whole="All dates",
    custom="Custom range",
    span=(dt.date(2020, 9, 27), dt.date(2024, 2, 13)),
)
FIELDS = [
    Field("preset", "period", "one", {p: p for p in ("All dates", "Sept 2022", "Custom range")}),
    Field("dates", "date range", "dates", earliest=dt.date(2018, 1, 1), latest=dt.date(2026, 1, 1), from_data=True),
    Field("types", "event type", "many", {"Battle": "Battle", "Drone strike": "Drone strike"}),
    Field(
        "provinces",
        "province",
        "many",
        {"Syunik (AM-SU)": "AM-SU"},
        aliases={"AM-SU": "Syunik (AM-SU)"},
        from_data=True,
    ),
    Field("text", "search text", "text"),
    Field("place", "place", "text", known=lambda name: name == "Jermuk"),
    Field("radius", "radius", "number", low=1, high=300),
    Field("min", "minimum fatalities", "number", low=0, high=2**53 - 1, integer=True),
    Field("flag", "location uncertainty", "flag"),
    Field("tab", "tab", "one", {"Timeline": "Timeline", "Events table": "Events table"}),
    Field("center", "map centre", "point"),
    Field("zoom", "zoom", "number", low=5, high=16, integer=True),
    Field("area", "area", "area"),
]
BY_NAME = {f.name: f for f in FIELDS}


def check(query: str, **kwargs):
    return check_link(parse_qs(query, keep_blank_values=True), FIELDS, PERIOD, **kwargs)


def test_a_good_link_is_kept_as_it_is():
    query = "dates=2022-09-12&dates=2022-09-14&preset=Sept+2022&types=Battle&tab=Events+table&center=39.5,46.2&zoom=9"
    result = check(query)
    assert result.params == dict(parse_qs(query).items())
    assert result.sentence() is None


def test_the_issues_malformed_values_are_named_in_one_sentence():
    result = check("types=Riot&types=Battle&dates=2022-13-45&zoom=abc&provinces=XX-YY&tab=Nowhere&radius=9999")
    assert result.params == {"types": ["Battle"]}
    sentence = result.sentence()
    assert sentence is not None and sentence.count(".") == 1 and sentence.endswith(".")
    for words in ("event type “Riot”", "date range “2022-13-45”", "zoom “abc”", "province “XX-YY”", "tab “Nowhere”"):
        assert words in sentence
    assert "radius “9999”" in sentence


def test_a_province_code_is_taken_for_its_label():
    assert check("provinces=AM-SU").params == {"provinces": ["Syunik (AM-SU)"]}


def test_the_period_names_the_dates_and_a_preset_alone_brings_its_dates():
    assert check("dates=2022-09-12&dates=2022-09-14").params["preset"] == ["Sept 2022"]
    assert check("preset=Sept+2022").params == {"preset": ["Sept 2022"], "dates": ["2022-09-12", "2022-09-14"]}
    result = check("preset=Sept+2022&dates=2021-01-01&dates=2021-02-01")
    assert result.params["preset"] == ["Custom range"] and "period “Sept 2022”" in (result.sentence() or "")
    assert "preset" not in check("dates=2020-09-27&dates=2024-02-13").params  # the whole period is the default


def test_reversed_or_out_of_range_dates_are_ignored():
    assert check("dates=2022-09-14&dates=2022-09-12").params == {}
    assert check("dates=1999-01-01&dates=2022-09-12").params == {}


def test_an_unknown_place_and_unknown_settings_are_named():
    result = check("place=Atlantis&colour=red")
    assert result.params == {}
    assert "place “Atlantis”" in (result.sentence() or "") and "setting “colour”" in (result.sentence() or "")
    assert check("place=Jermuk").params == {"place": ["Jermuk"]}


def test_values_of_uploaded_files_wait_when_the_link_had_uploads():
    result = check("provinces=XX-YY&uploads=1", passthrough=frozenset({"uploads"}), expects_uploads=True)
    assert result.params == {"uploads": ["1"]}
    assert result.waiting == {"provinces": ["XX-YY"]}
    assert result.sentence() == "Its province “XX-YY” will apply once the same files are uploaded again."


def test_a_map_view_is_written_to_four_decimals():
    assert view_params((39.500001, 46.2), 9, "center", "zoom") == {"center": "39.5,46.2", "zoom": "9"}


names = st.sampled_from([f.name for f in FIELDS] + ["junk", "uploads"])
values = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["Battle", "AM-SU", "2022-09-12", "2022-13-45", "abc", "9", "true", "39.5,46.2", "nan", "1e400"]),
    st.sampled_from(["45.8,40.05;45.95,40.05;45.95,40.25", "45.8,40.05;45.95,40.05", "1,2;3,4;5,nan", "0,0;1,0;0,1|"]),
)


@given(st.dictionaries(names, st.lists(values, min_size=1, max_size=3), max_size=8), st.booleans())
def test_any_query_gives_usable_values_or_says_what_it_left_out(params, uploads):
    result = check_link(params, FIELDS, PERIOD, frozenset({"uploads"}), uploads)
    for name, kept in result.params.items():
        if name == "uploads":
            continue
        spec = BY_NAME[name]
        assert spec.clean(kept) == (kept, []), name  # what passed, passes again unchanged
        spec.value_of(kept)  # and reads as a widget value
    again = check_link(result.params, FIELDS, PERIOD, frozenset({"uploads"}))
    assert again.params == result.params and again.sentence() is None
    sentence = result.sentence()
    if sentence is None:  # nothing was dropped but the Period box's default (spellings may be normalised)
        assert set(params) - {"preset"} <= set(result.params)
    else:
        assert "\n" not in sentence and sentence.endswith(".")


# Around Sotk, Kut and Verin Shorzha (Gegharkunik's eastern border): the area of tests/geo/test_areas.py.
SOTK_BOX = [(45.80, 40.05), (45.95, 40.05), (45.95, 40.25), (45.80, 40.25), (45.80, 40.05)]


def test_an_area_is_written_as_open_rings_to_five_decimals():
    assert area_values([[SOTK_BOX]]) == ["45.8,40.05;45.95,40.05;45.95,40.25;45.8,40.25"]
    hole = [(45.85, 40.1), (45.9, 40.1), (45.9, 40.2)]
    two = area_values([[SOTK_BOX, hole], [[(44.123456789, 40.0), (44.2, -0.000001), (44.2, 40.1)]]])
    assert two == [
        "45.8,40.05;45.95,40.05;45.95,40.25;45.8,40.25|45.85,40.1;45.9,40.1;45.9,40.2",
        "44.12346,40;44.2,0;44.2,40.1",  # rounded to ~1 m; no "-0"
    ]
    assert area_rings(two[0]) == [SOTK_BOX[:-1], hole]


@pytest.mark.parametrize(
    "value",
    [
        "",
        "45.8,40.05;45.95,40.05",  # two corners
        "45.8,40.05;45.8,40.05;45.8,40.05;45.8,40.05",  # one corner, repeated
        "45.8,40.05;45.95;45.95,40.25",  # a corner without its latitude
        "40.05,45.8;40.05,95.95;40.25,45.95",  # latitude first: 95.95 is no latitude
        "45.8,40.05;nan,40.05;45.95,40.25",
        "45.8,40.05;45.95,40.05;45.95,40.25|",  # an empty hole
        "a,b;c,d;e,f",
        ";".join(f"{i / 1000},0" for i in range(AREA_MAX_VERTICES)) + ";0,1",  # one vertex too many
    ],
)
def test_what_is_not_a_polygon_reads_as_none(value):
    assert area_rings(value) is None


def test_a_malformed_area_is_dropped_and_named_and_the_good_polygons_kept():
    good = "45.8,40.05;45.95,40.05;45.95,40.25;45.8,40.25"
    result = check(f"area={good}&area=45.8,40.05;45.95&types=Battle")
    assert result.params == {"area": [good], "types": ["Battle"]}
    assert result.sentence() == "This link's area “45.8,40.05;45.95” is not known here and replaced by the default."
    assert BY_NAME["area"].value_of(result.params["area"]) == [[SOTK_BOX[:-1]]]


def test_an_area_that_encloses_nothing_is_named_when_the_field_checks_it():
    def encloses_something(value: str) -> bool:
        try:
            area_from_polygons([area_rings(value) or []], FROM_LINK)
        except ValueError:
            return False
        return True

    field = Field("area", "area", "area", known=encloses_something)
    kept, rejected = field.clean(["45,40;46,40;47,40", "45.8,40.05;45.95,40.05;45.95,40.25"])
    assert kept == ["45.8,40.05;45.95,40.05;45.95,40.25"] and rejected == ["45,40;46,40;47,40"]


coordinate = st.tuples(st.floats(-180, 180, allow_nan=False, allow_infinity=False), st.floats(-90, 90, allow_nan=False))


@given(st.lists(st.lists(st.lists(coordinate, min_size=3, max_size=8), min_size=1, max_size=3), min_size=1, max_size=3))
def test_an_area_reads_back_as_written_to_five_decimals(polygons):
    for value, rings in zip(area_values(polygons), polygons, strict=True):
        read = area_rings(value)
        written = [[(round(lon, 5), round(lat, 5)) for lon, lat in ring] for ring in rings]
        if read is None:  # only a ring that rounds to fewer than three corners is refused
            assert any(len(set(ring)) < 3 for ring in written)
            continue
        assert len(read) == len(written)
        for got, want in zip(read, written, strict=True):
            while len(want) > 1 and want[0] == want[-1]:
                want = want[:-1]  # a closing corner is implied, however often it was repeated
            assert len(got) == len(want)
            assert all(
                abs(a - b) <= 1e-5 for (x, y), (u, v) in zip(got, want, strict=True) for a, b in ((x, u), (y, v))
            )
        assert area_values([read]) == [value]  # and is written again the same


@given(st.text(alphabet="0123456789.,;|-e ", max_size=80))
def test_any_area_text_reads_as_rings_within_range_or_none(value):
    rings = area_rings(value)
    if rings is not None:
        assert all(len(set(ring)) >= 3 for ring in rings)
        assert all(-180 <= lon <= 180 and -90 <= lat <= 90 for ring in rings for lon, lat in ring)
