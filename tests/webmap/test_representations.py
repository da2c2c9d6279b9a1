"""The heatmap and choropleth event layers: one payload, unit figures, safe text, nothing remote."""

from __future__ import annotations

import json
import re

import folium
import pandas as pd
import pytest

from dashboard.summary.units import choropleth, unit_figures
from dashboard.webmap.assets import bundle_url, link_local_assets, remote_references
from dashboard.webmap.base_map import build_base_map, events_view
from dashboard.webmap.event_layers import MAX_PACKED, build_selection_layer
from dashboard.webmap.packing import encode_events


def rendered_layer(layer: folium.FeatureGroup) -> str:
    fmap = folium.Map()
    layer.add_to(fmap)
    return fmap.get_root().render()


def call_arguments(html: str, function: str) -> list[object]:
    """The JSON arguments of the first call of ``function`` in the page (after the group's name)."""
    match = re.search(re.escape(function) + r"\(\s*([\w]+),\s*(.*?)\);\n", html, re.S)
    assert match, f"{function} not called"
    return json.loads("[" + match.group(2) + "]")


def test_the_heatmap_reads_the_packed_payload_of_the_points_and_nothing_else(bundled):
    events = bundled.mapped
    layer, note = build_selection_layer(events, encode=lambda: encode_events(bundled.events), representation="heatmap")
    html = rendered_layer(layer)
    assert note is None
    call = re.search(r"L\.ccmPackedHeat\((\{.*\}), (\{\"blur\".*?\})\)\.addTo\(", html, re.S)
    assert call, "heat layer call not found"
    packed = json.loads(call.group(1))
    assert packed["n"] == len(events) and packed["version"] == 2
    assert "L.ccmPackedEvents(" not in html and "L.ccm.eventMarkers(" not in html  # no second payload
    assert "Heatmap of 58 shown events" in html


def test_above_the_packed_limit_the_heatmap_weighs_grid_cells(bundled, monkeypatch):
    monkeypatch.setattr("dashboard.webmap.event_layers.MAX_PACKED", 10)
    layer, note = build_selection_layer(bundled.mapped, representation="heatmap")
    html = rendered_layer(layer)
    points, _ = call_arguments(html, "L.ccm.cellHeat")  # type: ignore[misc]
    assert sum(n for _, _, n in points) == len(bundled.mapped)
    assert note is not None and "grid cells" in note
    assert MAX_PACKED == 250_000


@pytest.mark.parametrize("kind", ["provinces", "sectors"])
def test_a_choropleth_layer_sends_colours_and_hover_text_but_no_geometry(bundled, layers, kind):
    events = bundled.mapped
    layer, note = build_selection_layer(events, representation=kind, units=layers.units)
    html = rendered_layer(layer)
    units_key, id_property, units, _look = call_arguments(html, "L.ccm.choropleth")  # type: ignore[misc]
    assert units_key == kind and id_property == ("province_code" if kind == "provinces" else "border_sector")
    assert '"coordinates"' not in html  # the base map registered the shapes once
    expected = choropleth(unit_figures(events, layers.units[kind], kind), "events")
    assert {unit: u["c"] for unit, u in units.items()} == expected.colours  # type: ignore[union-attr]
    assert sum(int(u["t"][1].split()[0]) for u in units.values() if len(u["t"]) > 2) + sum(  # type: ignore[union-attr,index]
        expected.figures.outside.values()
    ) == len(events)
    assert (note is None) == (not sum(expected.figures.outside.values()))


def test_the_choropleths_legend_lists_its_classes_and_no_events(bundled, layers):
    layer, _ = build_selection_layer(bundled.mapped, representation="provinces", units=layers.units)
    html = rendered_layer(layer)
    (legend,) = call_arguments(html, "L.ccm.layerLegend")
    drawn = choropleth(unit_figures(bundled.mapped, layers.units["provinces"], "provinces"), "events")
    assert drawn.classes is not None
    for colour, label in zip(drawn.classes.colours, drawn.classes.labels, strict=True):
        assert f'background:{colour}"></span>{label}</div>' in legend  # type: ignore[operator]
    assert "No events" in legend  # type: ignore[operator]


def test_unit_names_reach_the_hover_as_text_only(bundled, layers):
    hostile = layers.units["provinces"].copy()
    hostile.loc["AM-SU", "name"] = "<img src=x onerror=alert(1)> `${x}` {{ y }}"
    layer, _ = build_selection_layer(
        bundled.mapped, representation="provinces", units={**layers.units, "provinces": hostile}
    )
    html = rendered_layer(layer)
    assert "<img src=x" not in html  # escaped inside the JSON (tojson), set with textContent
    _, _, units, _ = call_arguments(html, "L.ccm.choropleth")  # type: ignore[misc]
    assert units["AM-SU"]["t"][0] == "<img src=x onerror=alert(1)> `${x}` {{ y }}"  # type: ignore[index]


def test_the_base_map_registers_both_unit_layers_once(layers, bundled):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events))
    link_local_assets(fmap)
    html = fmap.get_root().render()
    for key in ("provinces", "sectors"):
        assert len(re.findall(r"map_\w+, \"" + key + r"\"\s*\);", html)) == 1
    assert bundle_url("js") in html  # leaflet.heat is part of it
    assert remote_references(html) == []


def test_an_unknown_representation_is_refused(bundled):
    with pytest.raises(ValueError, match="Unknown representation 'dots'"):
        build_selection_layer(pd.DataFrame(bundled.mapped), representation="dots")
