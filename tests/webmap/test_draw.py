"""Draw to filter on the live map: the toolbar loads from the dashboard's own files, streamlit-folium finds
the drawn shapes, and the area in force is sent with the event layer as the shapes to show."""

from __future__ import annotations

import json
import re

import shapely
import shapely.geometry
from streamlit_folium import _get_map_string

from dashboard import style
from dashboard.geo.areas import FROM_LINK, OUTLINE_MAX_VERTICES, area_from_polygons, read_area
from dashboard.webmap.area_draw import AreaShapes, area_shapes
from dashboard.webmap.assets import (
    BUNDLED_SCRIPTS,
    BUNDLED_STYLESHEETS,
    LOCAL_ASSETS,
    STATIC_DIR,
    bundle_url,
    remote_references,
)
from dashboard.webmap.base_map import events_view
from dashboard.webmap.live import build_live_map

SOTK_BOX = [(45.80, 40.05), (45.95, 40.05), (45.95, 40.25), (45.80, 40.25)]


def live_page(bundled, layers, area=None) -> tuple[str, object]:
    live = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.events, area=area)
    live.events.add_to(live.base)
    live.control.add_to(live.base)
    return live.base.get_root().render(), live


def test_the_toolbar_draws_rectangles_and_polygons_from_local_files(bundled, layers):
    page, _ = live_page(bundled, layers)
    assert remote_references(page) == []
    assert bundle_url("js") in page and bundle_url("css") in page
    for name in ("leaflet_draw_js", "ccm_draw_area"):
        assert name in BUNDLED_SCRIPTS and (STATIC_DIR / LOCAL_ASSETS[name]).is_file()
    assert "leaflet_draw_css" in BUNDLED_STYLESHEETS
    script = (STATIC_DIR / "js" / "draw-area.js").read_text(encoding="utf-8")
    assert "polyline: false, marker: false, circle: false, circlemarker: false" in script
    assert "remove: true" in script and "featureGroup: drawn" in script
    # The sprites the toolbar's stylesheet asks for are vendored beside it.
    css = (STATIC_DIR / "vendor" / "leaflet-draw" / "leaflet.draw.css").read_text(encoding="utf-8")
    for image in set(re.findall(r"url\('?([^')]+)'?\)", css)):
        assert (STATIC_DIR / "vendor" / "leaflet-draw" / image).is_file(), image


def test_streamlit_folium_finds_the_drawn_shapes_under_the_name_it_reads(bundled, layers):
    _, live = live_page(bundled, layers)
    script = _get_map_string(live.base)
    # Without a drawnItems of its own, streamlit-folium appends "var drawnItems = [];", which would replace ours.
    assert "var drawnItems = L.ccmArea.control(" in script and "var drawnItems = [];" not in script


def test_the_area_in_force_goes_with_the_event_layer_as_open_rings_of_lat_lon(bundled, layers):
    area = area_from_polygons([[SOTK_BOX]], FROM_LINK)
    assert area_shapes(area) == [[[[lat, lon] for lon, lat in SOTK_BOX]]]
    page, _ = live_page(bundled, layers, area)
    call = re.search(r"L\.ccmArea\.show\(\s*\w+, \w+,\s*(\[.*?\]), (true|false), (\{.*?\}), (\d+)\s*\);", page, re.S)
    assert call, "the area's shapes are not in the event layer's script"
    assert json.loads(call.group(1)) == area_shapes(area) and call.group(2) == "true"
    assert json.loads(call.group(3))["color"] == style.AREA_FILTER.edge
    cleared = AreaShapes(None)
    assert cleared.shapes == [] and cleared.editable  # a cleared area empties the drawn shapes


def test_each_change_of_the_area_makes_a_new_script_for_streamlit_folium_to_run(bundled, layers):
    # streamlit-folium re-runs an event layer's script only when its text changed: the same (empty) area sent
    # again after a drawing was cleared must still differ, or the cleared shape would stay on the map.
    before, _ = live_page(bundled, layers, None)
    again, _ = live_page(bundled, layers, None)
    revised = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.events, area_revision=3)
    revised.events.add_to(revised.base)
    pages = (before, again, revised.base.get_root().render())
    # The arguments after the map's and the layer's names (which streamlit-folium renames alike on each run).
    shows = [re.findall(r"L\.ccmArea\.show\(\s*\w+, \w+,([^;]*)\);", page) for page in pages]
    assert shows[0] == shows[1] != shows[2] and shows[2][0].rstrip().endswith("3")


def test_an_uploaded_files_area_is_a_dashed_outline_not_edited_on_the_map():
    ring = [[*p] for p in [*SOTK_BOX, SOTK_BOX[0]]]
    area = read_area(json.dumps({"type": "Polygon", "coordinates": [ring]}), "sotk.geojson")
    shapes = AreaShapes(area)
    assert not shapes.editable and shapes.look["interactive"] is False and shapes.look["dashArray"] == "6 4"
    assert shapes.shapes == [[[[lat, lon] for lon, lat in SOTK_BOX]]]


def test_every_vendored_package_has_its_files_and_its_licence_text():
    vendor = STATIC_DIR / "vendor"
    manifest = json.loads((vendor / "MANIFEST.json").read_text(encoding="utf-8"))
    assert "leaflet-draw" in {entry["name"] for entry in manifest}
    for entry in manifest:
        files = entry["files"]
        assert all((vendor / entry["name"] / f).is_file() for f in files), entry["name"]
        assert any(re.match(r"(MIT-)?LICEN[CS]E", f, re.I) for f in files), f"{entry['name']} ships no licence text"


def test_a_detailed_files_outline_is_drawn_simplified_and_filters_with_every_vertex():
    circle = shapely.Point(45.8, 40.1).buffer(0.3, quad_segs=5_000)  # 20,000 vertices
    area = read_area(json.dumps(shapely.geometry.mapping(circle)), "detailed.geojson")
    assert area.vertices == 20_000
    drawn = AreaShapes(area).shapes
    vertices = sum(len(ring) for polygon in drawn for ring in polygon)
    assert 100 < vertices <= OUTLINE_MAX_VERTICES
    outline = shapely.Polygon([(lon, lat) for lat, lon in drawn[0][0]])
    assert abs(outline.area - circle.area) / circle.area < 0.001  # the same shape to the eye
