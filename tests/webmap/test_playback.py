"""Which event layers carry the playback control, and what it is told to step through."""

from __future__ import annotations

import datetime as dt
import json
import re

import folium
import pytest

from dashboard.timeframes import epoch_day, frames
from dashboard.webmap.event_layers import build_selection_layer
from dashboard.webmap.packing import encode_events


def playback_of(layer: folium.FeatureGroup) -> dict | None:
    """The config of the layer's playback control, or None when it has none."""
    fmap = folium.Map()
    layer.add_to(fmap)
    html = fmap.get_root().render()
    match = re.search(r"L\.ccm\.playback\(\w+, (\w+), (\{.*?\})\);\n", html, re.S)
    if match is None:
        return None
    assert f"var {match.group(1)} =" in html  # the layer it steps is defined in the page
    return json.loads(match.group(2))


WAR = (dt.date(2020, 9, 27), dt.date(2020, 11, 10))


@pytest.mark.parametrize("representation", ["points", "heatmap"])
def test_layers_that_draw_events_one_by_one_step_through_the_period(bundled, representation):
    layer, _ = build_selection_layer(
        bundled.mapped, encode=lambda: encode_events(bundled.events), representation=representation, period=WAR
    )
    config = playback_of(layer)
    assert config is not None
    days = config["frames"]["day"]
    assert len(days) == 45
    assert days[0] == [epoch_day(WAR[0]), epoch_day(WAR[0]), "27 Sep 2020", "27 Sep 2020"]
    assert days[-1][1] == epoch_day(WAR[1]) and days[-1][3] == "27 Sep – 10 Nov 2020"
    assert [f[2] for f in config["frames"]["week"]] == [f.label() for f in frames(*WAR, "week")]
    assert [unit for unit, _ in config["units"]] == ["day", "week", "month"]
    assert ("colours are scaled to each frame" in config["note"]) == (representation == "heatmap")


def test_the_packed_layer_plays_too(bundled, monkeypatch):
    monkeypatch.setattr("dashboard.webmap.event_layers.MAX_MARKERS", 10)
    layer, _ = build_selection_layer(bundled.mapped, encode=lambda: encode_events(bundled.events), period=WAR)
    config = playback_of(layer)
    assert config is not None and len(config["frames"]["day"]) == 45


def test_without_a_period_the_events_own_dates_are_played(bundled):
    events = bundled.mapped
    layer, _ = build_selection_layer(events)
    config = playback_of(layer)
    assert config is not None
    first, last = events["event_date"].min().date(), events["event_date"].max().date()
    assert config["frames"]["week"][0][0] == epoch_day(first)
    assert config["frames"]["week"][-1][1] == epoch_day(last)
    if (last - first).days >= 4000:
        assert "day" not in config["frames"]  # too many day frames to offer


@pytest.mark.parametrize("representation", ["provinces", "sectors"])
def test_choropleths_have_no_playback(bundled, layers, representation):
    layer, _ = build_selection_layer(bundled.mapped, representation=representation, units=layers.units, period=WAR)
    assert playback_of(layer) is None


def test_grid_cells_have_no_playback(bundled, monkeypatch):
    monkeypatch.setattr("dashboard.webmap.event_layers.MAX_MARKERS", 5)
    monkeypatch.setattr("dashboard.webmap.event_layers.MAX_PACKED", 10)
    layer, note = build_selection_layer(bundled.mapped, period=WAR)
    assert note and "grid cells" in note
    assert playback_of(layer) is None


def test_the_html_export_plays_the_filters_period_not_only_its_events_days(bundled, boundaries, layers):
    from dashboard.export.registry import ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.pipeline import select_events

    flt = EventFilter(start=dt.date(2022, 9, 1), end=dt.date(2022, 9, 30))
    selection = select_events(bundled, "nkao_1991", flt)
    assert selection.events["event_date"].min().date() > flt.start  # the events start later in the month
    page = export_bytes(ExportRequest(fmt="html", title="Sept 2022"), selection, flt, "nkao_1991", boundaries, layers)
    match = re.search(rb"L\.ccm\.playback\(\w+, \w+, (\{.*?\})\);\n", page, re.S)
    assert match
    days = json.loads(match.group(1))["frames"]["day"]
    assert len(days) == 30 and days[0][2] == "1 Sep 2022" and days[-1][2] == "30 Sep 2022"
