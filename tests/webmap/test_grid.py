from __future__ import annotations

import json
import re

import folium
import pandas as pd

from benchmarks.generate_events import generate
from dashboard.load.events import validate_events
from dashboard.webmap import event_layers
from dashboard.webmap.event_layers import MAX_MARKERS, build_selection_layer
from dashboard.webmap.grid import aggregate_grid, cell_records, cell_size


def synthetic(n: int) -> pd.DataFrame:
    raw = generate(n, seed=7)
    raw.insert(0, "line", range(2, n + 2))
    return validate_events(raw).events


def test_grid_counts_sum_to_the_located_events():
    events = synthetic(5000)
    grid = aggregate_grid(events)
    located = events["latitude"].notna().sum()
    assert grid.cells["events"].sum() == located
    assert grid.cells["fatalities"].sum() == events.loc[events["latitude"].notna(), "fatalities"].sum()
    assert 10 < len(grid.cells) < located


def test_cell_size_adapts_to_the_extent():
    wide = pd.DataFrame({"latitude": [38.5, 41.5], "longitude": [44.0, 49.0]})
    narrow = pd.DataFrame({"latitude": [39.50, 39.55], "longitude": [46.30, 46.36]})
    assert cell_size(wide) == 0.2
    assert cell_size(narrow) == 0.01


def test_the_layer_follows_the_number_of_events(monkeypatch):
    _small, note = build_selection_layer(synthetic(200))
    assert note is None
    events = synthetic(MAX_MARKERS + 500)
    located = int(events["latitude"].notna().sum())
    _, note = build_selection_layer(events)
    assert note is not None and "compact encoding" in note and f"{located:,} events" in note

    monkeypatch.setattr(event_layers, "MAX_PACKED", MAX_MARKERS + 100)
    layer, note = build_selection_layer(events)
    assert note is not None and "grid cells" in note and f"{MAX_MARKERS + 100:,}" in note
    fmap = folium.Map()
    layer.add_to(fmap)
    html = fmap.get_root().render()
    cells = json.loads(re.search(r"L\.ccm\.cellMarkers\(\w+, (\[\{.*?\}\]), \{[^}]*\}\);", html, re.S).group(1))
    assert sum(cell["n"] for cell in cells) == located
    assert len(html) < 200 * len(cells) + 20_000  # a few hundred bytes per cell, not per event


def test_cell_tooltips_name_counts_dates_and_types():
    record = cell_records(aggregate_grid(synthetic(300)))[0]
    assert "events ·" in record["t"] and "reported fatalities" in record["t"]
    assert re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4} – ", record["t"])
