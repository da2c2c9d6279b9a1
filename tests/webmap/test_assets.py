"""The maps' front end as the dashboard sends it: one script, one stylesheet and the boundary layers' script,
named by their content."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from dashboard.webmap.assets import (
    BUNDLE_URL,
    BUNDLED_SCRIPTS,
    BUNDLED_STYLESHEETS,
    LOCAL_ASSETS,
    STATIC_DIR,
    bundle_files,
    bundle_url,
    inline_local_assets,
    link_local_assets,
    served_file,
)
from dashboard.webmap.base_map import build_base_map, events_view, layer_data, layer_data_url
from dashboard.webmap.live import build_live_map


def bundle_text(suffix: str) -> str:
    return bundle_files()[bundle_url(suffix).rsplit("/", 1)[1]].body.decode("utf-8")


@pytest.mark.parametrize(("suffix", "names"), [("js", BUNDLED_SCRIPTS), ("css", BUNDLED_STYLESHEETS)])
def test_the_bundle_holds_every_file_in_load_order(suffix, names):
    text = bundle_text(suffix)
    starts = [text.index(f"/* {LOCAL_ASSETS[name]} */") for name in names]
    assert starts == sorted(starts), "Leaflet must come before the plugins, the plugins before our scripts"
    if suffix == "js":
        for name in names:
            assert (STATIC_DIR / LOCAL_ASSETS[name]).read_text(encoding="utf-8") in text


def test_the_stylesheets_images_are_inside_it_not_relative_links():
    # Served from /ccm/bundle/, a relative url(images/…) would point nowhere.
    css = bundle_text("css")
    assert re.findall(r"url\(\s*['\"]?(?!data:|#)", css) == []
    assert css.count("url(data:image/png;base64,") >= 3 and "url(data:image/svg+xml;base64," in css


def test_a_new_content_is_a_new_name_and_the_compressed_copy_is_the_same_file():
    for name, file in bundle_files().items():
        assert re.fullmatch(r"map\.[0-9a-f]{16}\.(js|css)", name)
        assert gzip.decompress(file.gzipped) == file.body
        assert len(file.gzipped) < len(file.body) / 2


def test_the_dashboards_map_loads_the_bundle_and_nothing_else_from_the_static_folder(layers, bundled):
    live = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.mapped)
    html = live.base.get_root().render()
    scripts = re.findall(r'<script src="([^"]+)"', html)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert scripts == [bundle_url("js"), layer_data_url(layers)] and styles == [bundle_url("css")]
    assert all(url.startswith(BUNDLE_URL + "/") for url in scripts + styles)
    # The data file a layer reads is still Streamlit's static file, fetched in ranges.
    assert "/app/static/basemap/places.pmtiles" in html


def test_the_boundary_layers_are_one_script_the_map_refers_to_not_part_of_every_map(layers, bundled):
    view = events_view(bundled.events)
    by_reference = build_base_map(layers, "nk_1994_2020", view, by_reference=True).get_root().render()
    inline = build_base_map(layers, "nk_1994_2020", view).get_root().render()
    assert len(by_reference) < len(inline) / 5
    for key in ("countries", "provinces", "sectors", "land", "nagorno_karabakh/nk_1994_2020", "lachin_corridor"):
        assert f'ccmLayerData["{key}"]' in by_reference
    script = served_file(layer_data_url(layers).rsplit("/", 1)[1])
    assert script is not None and script.name.startswith("layers.")
    text = script.body.decode("utf-8")
    assert text.startswith("var ccmLayerData = {")
    data = json.loads(text[len("var ccmLayerData = ") :].rstrip().rstrip(";"))
    assert data == json.loads(json.dumps(layer_data(layers)))
    assert layer_data_url(layers) == layer_data_url(layers)  # built once


def test_a_saved_page_of_a_map_by_reference_carries_the_layers_inline(layers, bundled):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events), by_reference=True)
    inline_local_assets(fmap)
    page = fmap.get_root().render()
    assert "var ccmLayerData = {" in page and BUNDLE_URL not in page


def test_assets_outside_the_bundle_keep_their_own_link(layers, bundled):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events))
    fmap.default_js = [("leaflet", "cdn"), ("ccm_map_css", "cdn")]  # a vendored file the bundle leaves out
    fmap.default_css = []
    link_local_assets(fmap)
    assert fmap.default_js == [("ccm_bundle_js", bundle_url("js")), ("ccm_map_css", "/app/static/css/map.css")]


def test_started_without_the_dashboards_server_the_map_links_each_file_and_carries_its_layers(
    layers, bundled, monkeypatch
):
    # `streamlit run dashboard/app/main.py` has no bundle route: the map must not refer to one.
    monkeypatch.setattr("dashboard.webmap.assets._bundle_route", False)
    live = build_live_map(layers, "nkao_1991", events_view(bundled.events), bundled.mapped)
    html = live.base.get_root().render()
    assert BUNDLE_URL not in html and "ccmLayerData" not in html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts[0] == "/app/static/vendor/leaflet/leaflet.js"
    assert {f"/app/static/{LOCAL_ASSETS[name]}" for name in BUNDLED_SCRIPTS} == set(scripts)
