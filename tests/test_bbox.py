"""BBox: named sides, validity by construction, and the conversions at each library's edge."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.bbox import BBox
from tests.helpers import is_sentence

SYUNIK = BBox(west=45.9, south=39.0, east=46.7, north=39.7)


def test_conversions_put_each_side_where_each_library_expects_it():
    assert SYUNIK.bounds() == (45.9, 39.0, 46.7, 39.7)  # shapely / GeoPandas
    assert SYUNIK.leaflet() == [[39.0, 45.9], [39.7, 46.7]]  # Leaflet fitBounds
    reply = {"_southWest": {"lat": 39.0, "lng": 45.9}, "_northEast": {"lat": 39.7, "lng": 46.7}}
    assert BBox.from_leaflet(reply) == SYUNIK  # streamlit-folium
    assert BBox.parse("45.9,39.0,46.7,39.7") == SYUNIK  # the CLI's --bbox
    assert SYUNIK.describe() == "lon 45.900–46.700, lat 39.000–39.700"


def test_contains_includes_the_edges():
    lon = pd.Series([45.9, 46.0, 46.8])
    lat = pd.Series([39.0, 39.5, 39.5])
    assert SYUNIK.contains(lon, lat).tolist() == [True, True, False]


def test_an_impossible_box_cannot_be_made():
    with pytest.raises(ValueError, match="minlon < maxlon"):
        BBox(west=47, south=40, east=46, north=41)
    assert BBox.from_leaflet({"_southWest": {"lat": 40, "lng": 47}, "_northEast": {"lat": 41, "lng": 46}}) is None
    assert BBox.from_leaflet(None) is None


def parse_outcome(text: str) -> tuple[BBox | None, str | None]:
    try:
        return BBox.parse(text), None
    except ValueError as exc:
        return None, str(exc)


@given(st.text(max_size=60))
def test_any_text_parses_to_a_valid_box_or_a_sentence(text):
    box, refusal = parse_outcome(text)
    if box is None:
        assert refusal is not None and is_sentence(refusal), refusal
    else:
        assert box.west < box.east and box.south < box.north


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=4, max_size=4))
def test_four_numbers_give_a_valid_box_or_a_sentence(values):
    text = ",".join(repr(v) for v in values)
    box, refusal = parse_outcome(text)
    if box is None:
        assert refusal is not None and is_sentence(refusal), refusal
    else:
        assert -180 <= box.west < box.east <= 180 and -90 <= box.south < box.north <= 90
