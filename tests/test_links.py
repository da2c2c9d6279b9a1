"""Checking a link's parameters: any query string gives usable values or a sentence saying what was left out."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

from hypothesis import given
from hypothesis import strategies as st

from dashboard.links import Field, Period, check_link, view_params

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
