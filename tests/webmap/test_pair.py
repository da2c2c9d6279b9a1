"""The comparison's maps: the live change map and the synchronised pair."""

from __future__ import annotations

import datetime as dt
import json
import re

from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.style import CHANGE_BAND_COLOURS
from dashboard.summary.compare import BY_SECTOR, Period, compare_periods
from dashboard.webmap.base_map import MapView
from dashboard.webmap.pair import build_change_map, build_pair_map

A = Period(dt.date(2022, 9, 12), dt.date(2022, 9, 14))
B = Period(dt.date(2021, 5, 12), dt.date(2021, 11, 16))
VIEW = MapView(center=(40.0, 45.8), zoom=8)


def test_the_change_map_fills_each_compared_unit_by_its_band(bundled, layers):
    events = select_events(bundled, "nkao_1991", EventFilter()).events
    comparison = compare_periods(events, A, B, BY_SECTOR, min_events=2)
    page = build_change_map(layers, "nkao_1991", VIEW, comparison, comparison.caption()).get_root().render()
    found = re.search(r'L\.ccm\.choropleth\(\s*[^,]+, "sectors", "border_sector",\s*(\{.*?\}\}),', page, re.S)
    assert found is not None
    units = json.loads(found.group(1))
    gegharkunik = units["Gegharkunik – Kəlbəcər"]
    assert gegharkunik["c"] == CHANGE_BAND_COLOURS["large increase"]
    assert gegharkunik["t"] == ["Gegharkunik – Kəlbəcər", "A: 6 · B: 4 events", "change +2 (+50.0 %): large increase"]
    assert units["Syunik – Laçın"]["c"] == CHANGE_BAND_COLOURS["limited change"]
    for band in CHANGE_BAND_COLOURS:
        assert band in page  # the legend names every band


def test_the_pair_keeps_both_maps_on_one_view(bundled, layers):
    events = bundled.events
    pair = build_pair_map(layers, "nkao_1991", VIEW, (("A: left", events.head(3)), ("B: right", events.head(2))))
    page = pair.get_root().render()
    assert f"L.ccm.syncMaps({pair.m1.get_name()}, {pair.m2.get_name()});" in page
    assert "A: left" in page and "B: right" in page
