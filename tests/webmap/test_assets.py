"""The maps' front end as the dashboard sends it: one script and one stylesheet, named by their content."""

from __future__ import annotations

import gzip
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
    link_local_assets,
)
from dashboard.webmap.base_map import build_base_map, events_view
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
    assert scripts == [bundle_url("js")] and styles == [bundle_url("css")]
    assert all(url.startswith(BUNDLE_URL + "/") for url in scripts + styles)
    # The data file a layer reads is still Streamlit's static file, fetched in ranges.
    assert "/app/static/basemap/places.pmtiles" in html


def test_assets_outside_the_bundle_keep_their_own_link(layers, bundled):
    fmap = build_base_map(layers, "nkao_1991", events_view(bundled.events))
    fmap.default_js = [("leaflet", "cdn"), ("ccm_map_css", "cdn")]  # a vendored file the bundle leaves out
    fmap.default_css = []
    link_local_assets(fmap)
    assert fmap.default_js == [("ccm_bundle_js", bundle_url("js")), ("ccm_map_css", "/app/static/css/map.css")]
