"""The packed event layer's encoding decodes to the events it was made from."""

from __future__ import annotations

import base64
import json
import re
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import event_frame
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.load.events import load_events
from dashboard.style import marker_radius
from dashboard.text import actors_text, fatalities_line, location_precision_text, place_text, source_label
from dashboard.vocab import EVENT_TYPES
from dashboard.webmap import popups
from dashboard.webmap.assets import STATIC_DIR
from dashboard.webmap.packing import (
    COORD_SCALE,
    PACKED_VERSION,
    EventColumns,
    LocationColumns,
    Packed,
    encode_column,
    encode_events,
    pack_selection,
)
from tests.helpers import FIXTURES

DTYPES = {"u8": "<u1", "u16": "<u2", "u32": "<u4"}


def pack_events(events: pd.DataFrame) -> dict:
    """All located events packed on their own, encoded and packed in one go."""
    return pack_selection(encode_events(events), events.index)


def column(encoded: dict[str, str]) -> np.ndarray:
    return np.frombuffer(zlib.decompress(base64.b64decode(encoded["z"])), dtype=DTYPES[encoded["t"]])


def decode(packed: dict) -> pd.DataFrame:
    """What packed-events.js reconstructs, one row per event, in the order sent."""
    packed = json.loads(json.dumps(packed))  # exactly what reaches the browser
    loc = {name: column(value) for name, value in packed["loc"].items()}
    ev = {name: column(value) for name, value in packed["ev"].items()}
    where = ev["loc"]
    day0 = np.datetime64(packed["day0"], "D")
    return pd.DataFrame(
        {
            "latitude": (packed["y0"] + loc["y"][where].astype(np.int64)) / packed["scale"],
            "longitude": (packed["x0"] + loc["x"][where].astype(np.int64)) / packed["scale"],
            "event_date": pd.to_datetime(day0 + ev["day"].astype("timedelta64[D]")),
            "event_type": [packed["types"][i][0] for i in ev["type"]],
            "place": [packed["places"][i] for i in loc["place"][where]],
            "region": [packed["regions"][i] for i in loc["region"][where]],
            "precision": [packed["precisions"][i][0] for i in loc["precision"][where]],
            "uncertainty_m": [packed["precisions"][i][1] for i in loc["precision"][where]],
            "actors": [packed["actors"][i] for i in ev["actors"]],
            "fatalities": [packed["fatalities"][i][0] for i in ev["fatal"]],
            "radius": [packed["fatalities"][i][1] for i in ev["fatal"]],
            "source": [packed["sources"][i][0] for i in ev["source"]],
            "url": [packed["sources"][i][1] for i in ev["source"]],
        }
    )


def expected(events: pd.DataFrame) -> pd.DataFrame:
    """The same, straight from the rows, with the popup's own text functions."""
    located = events[events["latitude"].notna()].sort_values("event_date", kind="stable")
    rows = located.to_dict("records")
    return pd.DataFrame(
        {
            "latitude": located["latitude"].to_numpy(),
            "longitude": located["longitude"].to_numpy(),
            "event_date": located["event_date"].dt.normalize().to_numpy(),
            "event_type": located["event_type"].to_numpy(),
            "place": [place_text(r) for r in rows],
            "actors": [actors_text(r) for r in rows],
            "fatalities": [fatalities_line(r) for r in rows],
            "radius": [marker_radius(r["fatalities"]) for r in rows],
            "source": [source_label(r) for r in rows],
            "precision": [location_precision_text(r) for r in rows],
            "uncertainty_m": [
                0 if pd.isna(r.get("precision_km", np.nan)) else round(r["precision_km"] * 1000) for r in rows
            ],
        }
    )


def assert_same_events(packed: dict, events: pd.DataFrame) -> None:
    got, want = decode(packed), expected(events)
    assert packed["n"] == len(want) == len(got)
    np.testing.assert_allclose(got["latitude"], want["latitude"], atol=0.5 / COORD_SCALE)
    np.testing.assert_allclose(got["longitude"], want["longitude"], atol=0.5 / COORD_SCALE)
    for name in ("event_date", "event_type", "place", "actors", "fatalities", "radius", "source", "precision"):
        assert got[name].tolist() == want[name].tolist(), name
    for name in ("uncertainty_m",):
        assert got[name].tolist() == want[name].tolist(), name


def test_bundled_events_decode_to_the_same_points_dates_and_texts(bundled):
    packed = pack_events(bundled.events)
    assert_same_events(packed, bundled.events)
    got = decode(packed)
    assert {"Armenia", "Azerbaijan"} <= {r.split(" · ")[0] for r in got["region"]}
    assert any(r.startswith("on the Armenia–Azerbaijan border") for r in got["region"])
    assert all(pd.isna(url) or url.startswith(("http://", "https://")) for url in got["url"])


def test_a_selection_packed_from_table_codes_equals_packing_it_alone(bundled):
    events = bundled.events
    codes = encode_events(events)
    chosen = events[(events["event_date"] >= "2022-09-12") & (events["event_date"] <= "2022-09-14")]
    from_codes = pack_selection(codes, chosen.index)
    assert_same_events(from_codes, chosen)
    assert decode(from_codes).equals(decode(pack_events(chosen)))
    # Only what the selection uses is sent.
    assert len(from_codes["places"]) == decode(from_codes)["place"].nunique()


def test_unlocated_events_are_left_out_and_an_empty_selection_packs_to_nothing(bundled):
    packed = pack_events(bundled.events)
    assert packed["n"] == bundled.events["latitude"].notna().sum() < len(bundled.events)
    empty = pack_selection(encode_events(bundled.events), bundled.events.index[:0])
    assert empty["n"] == 0 and decode(empty).empty


@pytest.mark.parametrize("name", ["precision_project.csv", "precision_acled.csv", "precision_ucdp.csv"])
def test_the_packed_layer_carries_each_places_circle_of_uncertainty(name):
    events = load_events(FIXTURES / name).events
    packed = pack_events(events)
    assert_same_events(packed, events)
    got = decode(packed)
    want_m = [0 if pd.isna(km) else round(km * 1000) for km in events.sort_values("event_date")["precision_km"]]
    assert got["uncertainty_m"].tolist() == want_m
    assert any(want_m) and 0 in want_m  # an exact event carries no circle
    # The radius rides on the location's precision code: no column of its own, a few entries at most.
    assert set(packed["loc"]) == {"x", "y", "place", "region", "precision"}
    assert len(packed["precisions"]) <= len(events)


def test_the_place_is_in_the_precision_text_only_where_the_text_names_it(bundled):
    packed = pack_events(bundled.events)
    texts = [text for text, _ in packed["precisions"]]
    assert "location approximate (precision 2: near Villages of Vardenis region)" in texts
    assert texts.count("1 · the named place") == 1  # exact places share one entry
    assert texts.count("location approximate (precision 3: an area, point only indicative)") == 1


def test_columns_use_the_narrowest_unsigned_type():
    assert encode_column(np.array([0, 255]))["t"] == "u8"
    assert encode_column(np.array([0, 256]))["t"] == "u16"
    assert encode_column(np.array([70_000]))["t"] == "u32"
    assert column(encode_column(np.array([3, 70_000, 0]))).tolist() == [3, 70_000, 0]
    with pytest.raises(ValueError, match="non-negative integers"):
        encode_column(np.array([-1]))


def test_many_events_cost_a_few_bytes_each():
    from benchmarks.generate_events import generate
    from dashboard.load.events import validate_events

    raw = generate(20_000, seed=5)
    raw.insert(0, "line", range(2, len(raw) + 2))
    events = validate_events(raw).events
    packed = pack_events(events)
    assert len(json.dumps(packed)) / packed["n"] < 15


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "latitude": st.floats(38.0, 42.0),
                "longitude": st.floats(43.5, 51.0),
                "event_date": st.dates(
                    min_value=pd.Timestamp("1989-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
                ),
                "event_type": st.sampled_from(EVENT_TYPES),
                "location": texts,
                "actor1": texts,
                "actor2": texts,
                "source": texts,
                "source_title": texts,
                "fatalities_reported": texts,
                "fatalities": st.one_of(st.none(), st.integers(0, 5000)),
                "source_url": st.one_of(texts, st.just("https://example.org/a?b=<c>"), st.just("javascript:alert(1)")),
            }
        ),
        min_size=1,
        max_size=40,
    )
)
def test_any_events_round_trip(rows):
    frame = event_frame(
        [
            {
                **row,
                "event_date": pd.Timestamp(row["event_date"]),
                "fatalities": pd.NA if row["fatalities"] is None else row["fatalities"],
            }
            for row in rows
        ]
    )
    frame["source_url"] = [row["source_url"] for row in rows]
    packed = pack_events(frame)
    assert_same_events(packed, frame)
    assert all(pd.isna(url) or url.startswith("https://") for url in decode(packed)["url"])


PACKED_JS = (STATIC_DIR / "js" / "packed-events.js").read_text(encoding="utf-8")


def test_the_payload_matches_its_written_contract_on_both_sides(bundled):
    packed = pack_selection(encode_events(bundled.events), bundled.events.index)
    assert set(packed) == set(Packed.__annotations__)
    assert set(packed["loc"]) == set(LocationColumns.__annotations__)
    assert set(packed["ev"]) == set(EventColumns.__annotations__)
    # The JSDoc typedef in packed-events.js names the same members, and the script reads this version.
    documented = set(re.findall(r"@property \{.*\} (\w+)", PACKED_JS))
    assert documented == set(Packed.__annotations__)
    assert packed["version"] == PACKED_VERSION
    assert f"var PACKED_VERSION = {PACKED_VERSION};" in PACKED_JS


def test_both_popup_renderers_show_the_same_fields():
    python_fields = set(re.findall(r'_field\("([^"]+)"', Path(popups.__file__).read_text()))
    js_fields = set(re.findall(r'_field\("([^"]+)"', PACKED_JS))
    js_fields |= set(re.findall(r'\["\w+", "([^"]+)", [\w.]+\]', PACKED_JS))  # the shared-or-per-event fields
    assert python_fields == js_fields == {"Place", "Region", "Location precision", "Actors", "Fatalities"}
    # Both end with the source, a link only for http(s); notes and disputes are the markers' only extra,
    # and the packed layer's note says where to read them.
    assert '"Source: "' in PACKED_JS and "Source:</span>" in Path(popups.__file__).read_text()
