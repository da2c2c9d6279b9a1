from __future__ import annotations

import json
import re

import folium
import folium.plugins
import pytest

from benchmarks.generate_events import generate
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.load.events import load_events
from dashboard.pipeline import load_joined_events
from dashboard.style import EVENT_TYPE_COLOURS, LOCATION_UNCERTAINTY, MARKER_EDGE, UNCERTAINTY_MIN_RADIUS_PX
from dashboard.vocab import UNCERTAINTY_LEGEND
from dashboard.webmap.assets import (
    UnvendoredAssetError,
    bundle_url,
    link_local_assets,
    remote_references,
    require_offline,
)
from dashboard.webmap.base_map import build_base_map, build_event_map, events_view, legend_html, view_for_bounds
from dashboard.webmap.event_layers import (
    DASHBOARD_HINTS,
    STANDALONE_HINTS,
    build_cell_layer,
    build_event_layer,
    build_packed_layer,
    event_records,
)
from dashboard.webmap.grid import aggregate_grid
from dashboard.webmap.live import build_live_map
from dashboard.webmap.packing import encode_events, pack_selection
from dashboard.webmap.standalone import standalone_html
from tests.helpers import FIXTURES

XSS = "`);alert(1);//${alert(2)}<script>alert(3)</script>"


@pytest.fixture(scope="module")
def rendered(bundled, layers) -> str:
    fmap, note = build_event_map(bundled.events, layers, "nkao_1991")
    assert note is None  # few enough for markers
    link_local_assets(fmap)
    return fmap.get_root().render()


def embedded_events(html: str) -> list[dict]:
    # The style object holds one level of nested objects (the circle of uncertainty's path options).
    match = re.search(r"L\.ccm\.eventMarkers\(\w+, (\[.*?\]), \{(?:[^{}]|\{[^{}]*\})*\}\);\n", html, re.S)
    assert match, "event data not found in the map script"
    return json.loads(match.group(1))


def test_map_draws_every_mapped_event_in_its_type_colour(rendered, bundled):
    events = embedded_events(rendered)
    assert len(events) == len(bundled.mapped) == 58
    assert {e["c"] for e in events} <= set(EVENT_TYPE_COLOURS.values())
    assert "L.markerClusterGroup" in rendered


def test_map_has_boundaries_legend_attribution_and_basemaps(rendered):
    assert "Nagorno-Karabakh: Soviet-era autonomous oblast" in rendered
    for name in EVENT_TYPE_COLOURS:
        assert name in rendered
    assert "OpenStreetMap contributors" in rendered
    assert "imply no judgement" in rendered
    for basemap in (
        "OpenStreetMap",
        "Esri World Gray Canvas",
        "Esri World Imagery",
        "OpenTopoMap",
        "None (boundaries only",
    ):
        assert basemap in rendered


def test_only_basemaps_that_load_without_a_key_are_offered(rendered):
    assert "CartoDB" not in rendered and "apikey" not in rendered
    assert all(not basemap.url.count("{apikey}") for basemap in BASEMAPS.values())
    assert BASEMAPS["Esri World Gray Canvas"].max_zoom == 16  # limits come from xyzservices


def test_map_loads_no_asset_from_a_cdn(rendered):
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', rendered)
    assert sources, "no asset references found"
    assert sources == [bundle_url("js"), bundle_url("css")], "the dashboard's own server sends both"
    assert "jquery" not in rendered.lower()


def test_event_text_cannot_escape_the_script(bundled):
    events = bundled.events.head(1).assign(notes=XSS, location=XSS)
    fmap = folium.Map()
    build_event_layer(events).add_to(fmap)
    html = fmap.get_root().render()
    script = html[html.index("L.ccm.eventMarkers(") :]
    data = embedded_events(html)
    assert XSS not in script  # no raw backtick or <script> in the JavaScript source
    assert "&lt;script&gt;" in data[0]["p"] and "`);alert(1)" in data[0]["p"]


@pytest.mark.parametrize("text", ["{{ 7*7 }}", "{% if %}", "{# note"])
def test_template_syntax_in_the_data_reaches_the_page_literally(bundled, text):
    events = bundled.events.head(1).assign(notes=f"before {text} after")
    fmap = folium.Map()
    build_event_layer(events).add_to(fmap)
    html = fmap.get_root().render()
    assert f"before {text} after" in embedded_events(html)[0]["p"]


def test_packed_layer_is_one_call_on_compact_data_and_its_script_is_served_locally(bundled, layers):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events))
    build_packed_layer(pack_selection(encode_events(bundled.events), bundled.events.index)).add_to(fmap)
    link_local_assets(fmap)
    html = fmap.get_root().render()
    assert f'<script src="{bundle_url("js")}"></script>' in html
    call = re.search(r"L\.ccmPackedEvents\((\{.*\}), (\{\"edge\".*?\})\)\.addTo\(", html, re.S)
    assert call, "packed layer call not found"
    packed = json.loads(call.group(1))
    assert json.loads(call.group(2)) == {
        "moreHint": DASHBOARD_HINTS.more_events,
        "edge": MARKER_EDGE,
        "uncertainty": LOCATION_UNCERTAINTY.leaflet(),
        "uncertaintyMinPx": UNCERTAINTY_MIN_RADIUS_PX,
    }
    assert packed["n"] == len(bundled.mapped)
    assert "<" not in call.group(1)  # markup in the data is escaped inside the script


def test_unvendored_plugin_is_refused(layers, bundled):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events))
    folium.plugins.Fullscreen().add_to(fmap)
    with pytest.raises(UnvendoredAssetError, match="Fullscreen"):
        link_local_assets(fmap)


def test_nk_boundary_choice_is_drawn(layers, bundled):
    html = build_base_map(layers, "nk_1994_2020", events_view(bundled.events)).get_root().render()
    assert "Area held by Armenian forces 1994" in html


def test_view_fits_bounds_like_leaflet():
    whole_region = view_for_bounds(BBox(west=43.4, south=38.4, east=50.9, north=41.9))
    one_town = view_for_bounds(BBox(west=46.74, south=39.80, east=46.76, north=39.83))
    assert 5 <= whole_region.zoom <= 7
    assert one_town.zoom == 12  # capped
    assert whole_region.center == pytest.approx((40.15, 47.15))


def test_records_skip_unmapped_events(bundled):
    assert len(event_records(bundled.events)) == 58


def test_display_layers_are_light(layers, boundaries):
    import json as _json

    assert len(layers.provinces["features"]) == 89
    assert len(_json.dumps(layers.provinces)) < 250_000
    assert set(layers.nagorno_karabakh) == {"nkao_1991", "nk_1994_2020", "peacekeeping_2020_2023"}
    names = {f["properties"]["province"] for f in layers.provinces["features"]}
    assert "Şuşa (city)" in names


def test_offline_basemap_is_labelled(layers, rendered):
    names = {label.text: label for label in layers.labels}
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey", "Russia", "Lake Sevan", "Caspian Sea"} <= set(names)
    sevan = names["Lake Sevan"]
    assert 40.1 < sevan.lat < 40.6 and 45.0 < sevan.lon < 45.6
    assert '"text": "Lake Sevan"' in rendered


def test_the_live_map_as_the_app_builds_it_loads_nothing_from_the_internet(bundled, layers):
    live = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.events)
    live.events.add_to(live.base)
    live.control.add_to(live.base)
    page = live.base.get_root().render()
    assert remote_references(page) == []
    assert "https://tile.openstreetmap.org" in page  # the online basemaps stay on offer, as tile templates


@pytest.mark.parametrize(
    "reference",
    [
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/d3/3.5.5/d3.min.js"></script>',
        "<link rel='stylesheet' href='//cdn.example.org/x.css'/>",
        "<style>@import url(https://fonts.googleapis.com/css?family=Roboto);</style>",
        "<style>@font-face { src: url('https://fonts.example.org/f.woff2'); }</style>",
    ],
)
def test_an_element_that_adds_a_remote_reference_fails_loudly(bundled, layers, reference):
    # What folium.Choropleth does: its legend adds d3 from a CDN to the page header.
    fmap, _ = build_event_map(bundled.events, layers, "nkao_1991")
    link_local_assets(fmap)
    fmap.get_root().header.add_child(folium.Element(reference))
    page = fmap.get_root().render()
    assert remote_references(page)
    with pytest.raises(UnvendoredAssetError, match="would load 1 file"):
        require_offline(page, "The map")


def test_links_a_reader_clicks_are_not_remote_loads():
    assert remote_references('<a href="https://www.openstreetmap.org/copyright">ODbL</a>') == []


def test_the_html_export_points_its_reader_only_to_what_it_has(boundaries, layers, tmp_path):
    frame = generate(3_600, seed=5)
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    table = load_joined_events(path, boundaries)
    page = standalone_html(table.events, layers, "nkao_1991", "Many", ["All dates"])
    assert "compact encoding" in page
    assert "Events table" not in page and "events table" not in page and "CSV export" not in page
    assert STANDALONE_HINTS.details in page and json.dumps(STANDALONE_HINTS.more_events) in page


def test_the_dashboard_refuses_a_map_that_would_load_from_the_internet(bundled, layers, monkeypatch):
    from dashboard.webmap import live

    def with_cdn(*args, **kwargs):
        fmap = build_base_map(*args, **kwargs)
        fmap.get_root().header.add_child(folium.Element('<script src="https://cdn.example.org/d3.js"></script>'))
        return fmap

    monkeypatch.setattr(live, "_checked_offline", False)
    monkeypatch.setattr(live, "build_base_map", with_cdn)
    with pytest.raises(UnvendoredAssetError, match="The dashboard's map would load 1 file"):
        build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.events)


def test_the_chosen_place_is_ringed_with_its_radius_and_its_name_is_text(bundled, layers):
    from dashboard.webmap.live import PlaceMark

    mark = PlaceMark(name=XSS, latitude=39.8395, longitude=45.6711, radius_km=12.5)
    live = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.events, place=mark)
    live.events.add_to(live.base)
    page = live.base.get_root().render()
    assert '"radius": 12500.0' in page and page.count('"interactive": false') == 2
    assert "alert(" not in page, "the place's name is not written into the page (the sidebar shows it)"
    without_radius = build_live_map(
        layers, "nkao_1991", events_view(bundled.events), bundled.events, place=PlaceMark("Jermuk", 39.8, 45.7)
    )
    without_radius.events.add_to(without_radius.base)
    assert "L.circle(" not in without_radius.base.get_root().render()


def test_crisis_groups_layers_are_credited_on_the_map_when_drawn(layers):
    from dashboard.vocab import CRISIS_GROUP_ATTRIBUTION, LACHIN_CORRIDOR_LABEL
    from dashboard.webmap.base_map import MapView

    view = MapView(center=(40.0, 46.5), zoom=7)
    zone_page = build_base_map(layers, "peacekeeping_2020_2023", view).get_root().render()
    as_json = lambda text: json.dumps(text)[1:-1]  # noqa: E731 - how the page writes it
    assert as_json("Russian peacekeeping zone, Nov 2020 – Sept 2023") in zone_page
    assert zone_page.count(CRISIS_GROUP_ATTRIBUTION) == 2  # the zone and the corridor layer
    assert as_json(LACHIN_CORRIDOR_LABEL) in zone_page
    nkao_page = build_base_map(layers, "nkao_1991", view).get_root().render()
    assert nkao_page.count(CRISIS_GROUP_ATTRIBUTION) == 1  # only the corridor layer, shown when switched on


def test_approximate_events_carry_their_circle_of_uncertainty_and_exact_ones_none():
    events = load_events(FIXTURES / "precision_project.csv").events
    radius_m = {r["p"]: r["u"] for r in event_records(events)}
    field = "Location precision:</span> "
    by_wording = {p.split(field)[1].split("<")[0]: u for p, u in radius_m.items() if field in p}
    assert by_wording == {
        "1 · the named place": 0,
        "location approximate (precision 2: near Sotk)": 5_000,
        "location approximate (precision 3: an area, point only indicative)": 25_000,
    }
    assert sorted(radius_m.values()) == [0, 0, 5_000, 25_000]  # the row without a precision gets none either


def marker_style(html: str) -> dict:
    match = re.search(r"L\.ccm\.eventMarkers\(\w+, \[.*?\], (\{(?:[^{}]|\{[^{}]*\})*\})\);\n", html, re.S)
    assert match
    return json.loads(match.group(1))


def test_the_toggle_leaves_the_circles_and_their_legend_entry_out():
    events = load_events(FIXTURES / "precision_ucdp.csv").events
    for shown in (True, False):
        fmap = folium.Map()
        build_event_layer(events, uncertainty=shown).add_to(fmap)
        html = fmap.get_root().render()
        assert marker_style(html)["uncertainty"] == (LOCATION_UNCERTAINTY.leaflet() if shown else None)
        assert re.search(rf"L\.ccm\.uncertaintyLegend\(\w+, {str(shown).lower()}\);", html)


def test_the_legend_names_the_circle_and_the_grid_never_shows_it(bundled, layers):
    assert UNCERTAINTY_LEGEND in legend_html("nkao_1991") and "ccm-legend-uncertainty" in legend_html("nkao_1991")
    exact = bundled.events[bundled.events["precision_km"].isna()]
    fmap = folium.Map()
    build_event_layer(exact).add_to(fmap)  # nothing approximate: the entry stays hidden
    assert re.search(r"L\.ccm\.uncertaintyLegend\(\w+, false\);", fmap.get_root().render())
    fmap = folium.Map()
    build_cell_layer(aggregate_grid(bundled.events)).add_to(fmap)
    assert re.search(r"L\.ccm\.uncertaintyLegend\(\w+, false\);", fmap.get_root().render())


def test_the_html_export_draws_the_circles_unless_asked_not_to(bundled, layers):
    page = standalone_html(bundled.events, layers, "nkao_1991", "T", [])
    assert marker_style(page)["uncertainty"] == LOCATION_UNCERTAINTY.leaflet()
    page = standalone_html(bundled.events, layers, "nkao_1991", "T", [], uncertainty=False)
    assert marker_style(page)["uncertainty"] is None
