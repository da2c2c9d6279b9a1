"""The data writers: a GeoJSON feature says exactly what the event's row says, whatever the text."""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.export.datafiles import geojson_bytes
from dashboard.summary.table import export_table

# Slashes, backslashes, quotes, line and paragraph separators, NUL-adjacent controls, astral characters.
AWKWARD = st.text(alphabet=st.sampled_from(list("ab/\\\"'\n\r\t\u2028\u2029\x85\x1c\x01 é😀<>&")), max_size=12)


def reference_properties(events: pd.DataFrame) -> list[dict]:
    """What each feature's properties must be: the exported row, missing values as null (via json), and
    the claims (none given to the writer here)."""
    table = export_table(events[events["latitude"].notna()])
    rows = table.astype(object).where(table.notna(), None).to_dict("records")
    return [{**row, "claims": []} for row in json.loads(json.dumps(rows, default=lambda value: value.item()))]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(AWKWARD, min_size=1, max_size=4))
def test_every_text_survives_the_geojson_writer(bundled, texts):
    events = bundled.events[bundled.events["latitude"].notna()].head(len(texts)).copy()
    events["notes"] = texts
    events["location"] = [t[::-1] for t in texts]
    collection = json.loads(geojson_bytes(events, ["Title / with \\ slashes"], "2026-12-01T00:00:00+00:00"))
    features = collection["features"]
    assert [f["properties"]["notes"] for f in features] == texts
    assert [f["properties"]["location"] for f in features] == [t[::-1] for t in texts]
    assert [f["properties"] for f in features] == reference_properties(events)
    assert collection["filters"] == ["Title / with \\ slashes"]


def test_urls_are_written_readably_and_one_feature_per_line(bundled):
    events = bundled.events[bundled.events["latitude"].notna()].head(3)
    text = geojson_bytes(events, [], "2026-12-01T00:00:00+00:00").decode("utf-8")
    assert "https://" in text and "\\/" not in text
    feature_lines = [line for line in text.split("\n") if line.startswith('{"type":"Feature"')]
    assert len(feature_lines) == 3


def test_a_selection_without_points_is_an_empty_collection(bundled):
    unmapped = bundled.events[bundled.events["latitude"].isna()]
    assert json.loads(geojson_bytes(unmapped, [], "g"))["features"] == []
