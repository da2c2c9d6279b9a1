"""Areas from GeoJSON: read, repaired where they cross themselves, refused with a sentence, and the filter."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.cli import main
from dashboard.errors import AreaError
from dashboard.filters import EventFilter, filter_mask
from dashboard.geo.areas import read_area
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
