"""Areas from GeoJSON and from drawings: read, repaired where they cross themselves, refused with a sentence, and
the filter."""

from __future__ import annotations

import io
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.describe import filter_lines
from dashboard.errors import AreaError
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter, filter_mask
from dashboard.geo.areas import FROM_LINK, Area, area_from_drawings, area_from_polygons, read_area
from dashboard.pipeline import select_events
from tests.helpers import is_sentence

# Around Sotk, Kut and Verin Shorzha (Gegharkunik's eastern border), not Vardenis town.
SOTK_BOX = [[45.80, 40.05], [45.95, 40.05], [45.95, 40.25], [45.80, 40.25], [45.80, 40.05]]


def polygon(ring: list[list[float]]) -> str:
    return json.dumps({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}})


def test_the_area_keeps_exactly_the_events_inside_it(bundled):
    area = read_area(polygon(SOTK_BOX), "sotk.geojson")
    events = bundled.events
    kept = set(events.loc[filter_mask(events, EventFilter(area=area)), "event_id"])
    by_hand = set(
        events.loc[events["longitude"].between(45.80, 45.95) & events["latitude"].between(40.05, 40.25), "event_id"]
    )
    assert kept == by_hand and {"AA-045", "AA-050", "AA-051"} <= kept  # Sotk, Verin Shorzha, Kut
    assert "AA-046" not in kept  # Vardenis town is west of the box
    assert area.describe().startswith("inside the area of sotk.geojson (")


def test_a_self_crossing_outline_is_repaired_and_says_so():
    bow_tie = [[45.0, 40.0], [46.0, 41.0], [46.0, 40.0], [45.0, 41.0], [45.0, 40.0]]
    area = read_area(polygon(bow_tie), "bow.geojson")
    assert area.repaired and area.geometry.is_valid
    assert "repaired" in area.describe()
    inside = area.contains(np.array([45.2, 45.5, 45.8]), np.array([40.5, 40.9, 40.5]))
    assert inside.tolist() == [True, False, True]  # the two triangles of the bow tie, not its crossing's top


def test_several_polygons_are_one_area_and_a_collection_is_read():
    second = [[[44.4, 40.1], [44.6, 40.1], [44.6, 40.3], [44.4, 40.1]]]
    collection = {
        "type": "FeatureCollection",
        "features": [
            json.loads(polygon(SOTK_BOX)),
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": second}},
        ],
    }
    area = read_area(json.dumps(collection), "two.geojson")
    assert area.contains(np.array([45.9, 44.55, 45.0]), np.array([40.1, 40.15, 40.1])).tolist() == [True, True, False]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "is not JSON"),
        ('{"a": 1}', "not GeoJSON"),
        ('{"type": "Point", "coordinates": [45, 40]}', "holds no polygon"),
        (polygon([[400, 40], [401, 40], [401, 41], [400, 40]]), "longitude first"),
        (polygon([[45, 40], [46, 40]]), "cannot be read"),
        (polygon([[45, 40], [46, 40], [47, 40], [45, 40]]), "encloses nothing"),
    ],
)
def test_what_cannot_be_an_area_gets_a_sentence(text, says):
    with pytest.raises(AreaError, match=says) as refused:
        read_area(text, "area.geojson")
    assert is_sentence(str(refused.value))


GEOJSON_KEYS = st.sampled_from(["type", "coordinates", "features", "geometry"])
JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(GEOJSON_KEYS, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.text(max_size=200), st.binary(max_size=200), JSONISH.map(json.dumps)))
def test_any_input_gives_an_area_or_a_sentence(data):
    outcome: object
    try:
        outcome = read_area(data, "area.geojson")
    except AreaError as exc:
        outcome = exc
    if isinstance(outcome, AreaError):
        assert is_sentence(str(outcome))
    else:
        assert outcome.geometry.is_valid and outcome.area_km2 > 0  # type: ignore[attr-defined]


def test_the_cli_exports_only_the_area(tmp_path, capsys):
    area_file = tmp_path / "sotk.geojson"
    area_file.write_text(polygon(SOTK_BOX), encoding="utf-8")
    out = tmp_path / "sotk.csv"
    assert main(["export", "--area", str(area_file), "--out", str(out)]) == 0
    package = tmp_path / "sotk.zip"
    assert main(["export", "--area", str(area_file), "--out", str(package)]) == 0
    with zipfile.ZipFile(package) as archive:
        assert "Area: inside the area of sotk.geojson" in archive.read("README.txt").decode("utf-8")
    rows = pd.read_csv(out)
    assert {"AA-045", "AA-050", "AA-051"} <= set(rows["event_id"]) and "AA-046" not in set(rows["event_id"])
    bad = tmp_path / "bad.geojson"
    bad.write_text('{"type": "Point", "coordinates": [45, 40]}', encoding="utf-8")
    assert main(["export", "--area", str(bad), "--out", str(out)]) == 1
    assert "holds no polygon" in capsys.readouterr().err


# The lower-left half of SOTK_BOX: inside when (lon − 45.80) / 0.15 + (lat − 40.05) / 0.20 ≤ 1. By hand, from
# data/events.csv: Verin Shorzha (45.83250, 40.08722): 0.22 + 0.19 = 0.41, inside (AA-035, AA-037, AA-050, AA-062);
# Norabak (45.86670, 40.15000): 0.44 + 0.50 = 0.94, inside (AA-052); Kut (45.90167, 40.18083): 0.68 + 0.65 = 1.33
# and Sotk (45.86472, 40.20306): 0.43 + 0.77 = 1.20, outside; Vardenis (45.72) is west of the triangle.
TRIANGLE = [[(45.80, 40.05), (45.95, 40.05), (45.80, 40.25)]]
IN_TRIANGLE = {"AA-035", "AA-037", "AA-050", "AA-052", "AA-062"}


def test_a_drawn_triangle_keeps_the_hand_computed_events(bundled):
    area = area_from_polygons([TRIANGLE])
    events = bundled.events
    assert set(events.loc[filter_mask(events, EventFilter(area=area)), "event_id"]) == IN_TRIANGLE
    assert area.kind == "polygon" and area.vertices == 3 and not area.from_file
    assert area.describe() == (
        "inside the area drawn on the map (polygon, 142 km², 3 vertices, lon 45.800–45.950, lat 40.050–40.250)"
    )


def test_a_rectangle_as_streamlit_folium_reports_it_is_named_and_measured():
    # Leaflet.draw's rectangle: a closed GeoJSON ring, longitude first, six decimals; a marker is not an area.
    ring = [[45.8, 40.05], [45.8, 40.25], [45.95, 40.25], [45.95, 40.05], [45.8, 40.05]]
    drawings = [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [45.0, 40.0]}},
    ]
    area = area_from_drawings(drawings)
    # 0.15° of longitude at 40.15° N is 12.77 km, 0.2° of latitude 22.21 km: 284 km².
    assert (area.kind, area.vertices, round(area.area_km2)) == ("rectangle", 4, 284)
    assert area.describe().startswith("inside the area drawn on the map (rectangle, 284 km², 4 vertices, lon 45.800–")
    assert area.polygons() == [(tuple((x, y) for x, y in ring),)]


def test_a_drawn_area_keeps_five_decimals_and_its_shapes_as_drawn():
    first = [[(45.123456789, 40.0), (45.2, 40.0), (45.2, 40.1), (45.1, 40.1)]]
    overlapping = [[(45.15, 40.05), (45.3, 40.05), (45.3, 40.2), (45.15, 40.2)]]
    area = area_from_polygons([first, overlapping])
    assert area.parts[0][0][0] == (45.12346, 40.0) and len(area.parts) == 2  # the shapes, not their union
    assert area.kind == "polygon" and area.geometry.geom_type == "Polygon"  # they overlap: one outline
    apart = area_from_polygons([first, [[(46.0, 41.0), (46.1, 41.0), (46.1, 41.1)]]], FROM_LINK)
    assert apart.kind == "2 polygons" and apart.describe().startswith("inside the area given in the link (2 polygons")


def test_a_drawn_outline_that_crosses_itself_is_repaired_shown_as_repaired_and_said():
    bow_tie = [[(45.0, 40.0), (46.0, 41.0), (46.0, 40.0), (45.0, 41.0)]]
    area = area_from_polygons([bow_tie], FROM_LINK)
    assert area.repaired and area.geometry.is_valid and area.kind == "2 polygons"
    assert len(area.parts) == 2  # the two triangles it filters with, not the crossing outline
    assert area.describe().endswith(", repaired: its outline crossed itself)")


def test_a_self_crossing_polygon_beside_another_is_repaired_not_a_crash():
    bow_tie = {"type": "Polygon", "coordinates": [[[45, 40], [46, 41], [46, 40], [45, 41], [45, 40]]]}
    box = {"type": "Polygon", "coordinates": [[[44, 39], [44.5, 39], [44.5, 39.5], [44, 39]]]}
    area = read_area(json.dumps({"type": "GeometryCollection", "geometries": [bow_tie, box]}), "two.geojson")
    assert area.repaired and area.kind == "3 polygons"


@pytest.mark.parametrize(
    ("polygons", "says"),
    [
        ([], "The area drawn on the map holds no polygon"),
        ([[[(45, 40), (46, 40)]]], "fewer than three corners"),
        ([[[(45, 40), (45, 40), (45, 40), (45, 40)]]], "fewer than three corners"),
        ([[[(45, 40), (46, 40), (47, 40)]]], "The area drawn on the map encloses nothing"),
        ([[[(45, 40), (45.000001, 40), (45, 40.000001)]]], "fewer than three corners"),  # one point at 1 m
        ([[[(45, 95), (46, 95), (46, 96)]]], "longitude first"),
    ],
)
def test_a_drawing_that_cannot_be_an_area_gets_a_sentence(polygons, says):
    with pytest.raises(AreaError, match=says) as refused:
        area_from_polygons(polygons)
    assert is_sentence(str(refused.value))


def test_drawings_that_are_not_coordinates_get_a_sentence():
    odd = [{"geometry": {"type": "Polygon", "coordinates": [[["a", "b"], [1, 2], [3, 4]]]}}]
    with pytest.raises(AreaError, match="A shape of the area drawn on the map cannot be read") as refused:
        area_from_drawings(odd)
    assert is_sentence(str(refused.value))
    with pytest.raises(AreaError, match="holds no polygon"):
        area_from_drawings([{"geometry": {"type": "LineString", "coordinates": [[45, 40], [46, 41]]}}, "junk"])


LONLAT = st.tuples(st.floats(-180, 180), st.floats(-90, 90))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(st.lists(LONLAT, max_size=6), max_size=2), max_size=3))
def test_any_drawing_gives_an_area_or_a_sentence(polygons):
    outcome: Area | AreaError
    try:
        outcome = area_from_polygons(polygons)
    except AreaError as exc:
        outcome = exc
    if isinstance(outcome, AreaError):
        assert is_sentence(str(outcome))
        return
    area = outcome
    assert area.geometry.is_valid and area.area_km2 > 0 and area.vertices >= 3
    assert all(round(x, 5) == x for rings in area.parts for ring in rings for x, _ in ring)


def test_every_export_says_the_drawn_area_and_holds_only_its_events(bundled, boundaries):
    flt = EventFilter(area=area_from_polygons([TRIANGLE]))
    said = "Area: inside the area drawn on the map (polygon, 142 km², 3 vertices, lon 45.800–45.950, lat 40.050–40.250)"
    assert said in filter_lines(flt, "nkao_1991")
    selection = select_events(bundled, "nkao_1991", flt)
    csv = export_bytes(ExportRequest(fmt="csv", title="t"), selection, flt, "nkao_1991", boundaries, None)
    assert set(pd.read_csv(io.BytesIO(csv))["event_id"]) == IN_TRIANGLE
    package = export_bytes(ExportRequest(fmt="zip", title="t"), selection, flt, "nkao_1991", boundaries, None)
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert said in archive.read("README.txt").decode("utf-8")  # the plain CSV's description travels beside it
        assert set(pd.read_csv(io.BytesIO(archive.read("events.csv")))["event_id"]) == IN_TRIANGLE
    geojson = json.loads(
        export_bytes(ExportRequest(fmt="geojson", title="t"), selection, flt, "nkao_1991", boundaries, None)
    )
    assert {f["properties"]["event_id"] for f in geojson["features"]} == IN_TRIANGLE
    assert said in json.dumps(geojson, ensure_ascii=False)
