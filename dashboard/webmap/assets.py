"""Point folium's front-end assets at local copies in dashboard/webmap/static.

folium and its plugins reference Leaflet, jQuery, Bootstrap and Font Awesome on
public CDNs; without internet the map would stay blank. The map only needs
Leaflet and Leaflet.markercluster (vendored in static/vendor) and the
project's own scripts and styles (static/js, static/css), so those are served locally
and the rest is dropped. An element that asks for an asset we do not have
raises, so a new plugin cannot silently bring a CDN back.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from branca.element import Element, Figure

from dashboard.errors import UnvendoredAssetError
from dashboard.webmap.elements import Verbatim
from dashboard.webmap.pmtiles import COMPRESSION_GZIP, read_tiles

STATIC_DIR = Path(__file__).resolve().parent / "static"
# URL path at which Streamlit serves dashboard/app/static, a link to STATIC_DIR (server.enableStaticServing).
STREAMLIT_STATIC_URL = "/app/static"

# folium asset name -> file under STATIC_DIR
LOCAL_ASSETS: dict[str, str] = {
    "leaflet": "vendor/leaflet/leaflet.js",
    "leaflet_css": "vendor/leaflet/leaflet.css",
    "markerclusterjs": "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "vendor/leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "protomaps_leaflet": "vendor/protomaps-leaflet/protomaps-leaflet.js",
    "leaflet_heat": "vendor/leaflet.heat/leaflet-heat.js",
    "ccm_map_elements": "js/map-elements.js",
    "ccm_packed_events": "js/packed-events.js",
    "ccm_playback": "js/playback.js",
    "ccm_map_css": "css/map.css",
    # Draw to filter (webmap/area_draw.py); folium.plugins.Draw's names, so that it too would load these copies.
    "leaflet_draw_js": "vendor/leaflet-draw/leaflet.draw.js",
    "leaflet_draw_css": "vendor/leaflet-draw/leaflet.draw.css",
    "ccm_draw_area": "js/draw-area.js",
}
# What every map page loads besides Leaflet (event layers are swapped without a page reload).
# leaflet.heat comes before the project's scripts, which extend its layer.
MAP_SCRIPTS = (
    "markerclusterjs",
    "protomaps_leaflet",
    "leaflet_heat",
    "ccm_map_elements",
    "ccm_packed_events",
    "ccm_playback",
)
# Data files an element reads (attribute ``local_data``, a path under STATIC_DIR, and ``source``):
# the live map fetches them from the static server, the HTML export carries their tiles inline.
PLACES_BASEMAP = "basemap/places.pmtiles"
MAP_STYLESHEETS = ("markerclustercss", "markerclusterdefaultcss", "ccm_map_css")
# Assets folium adds by default that none of our layers uses.
UNUSED = frozenset(
    {
        "jquery",
        "bootstrap",
        "awesome_markers",
        "bootstrap_css",
        "glyphicons_css",
        "awesome_markers_font_css",
        "awesome_markers_css",
        "awesome_rotate_css",
    }
)


# What a browser fetches by itself while building a page: scripts, stylesheets, fonts,
# preloads and CSS imports or url()s. Links a reader clicks (attributions) and the
# tile URL templates of the optional online basemaps are not in this list.
_REMOTE_REFERENCES = (
    re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"<link\b[^>]*\bhref\s*=\s*[\"']?((?:https?:)?//[^\"'\s>]+)", re.IGNORECASE),
    re.compile(r"@import\s+(?:url\()?\s*[\"']?((?:https?:)?//[^\"')\s;]+)", re.IGNORECASE),
    re.compile(r"\burl\(\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE),
)


def remote_references(page: str) -> list[str]:
    """Every URL on another host that ``page`` makes the browser load (scripts, styles, fonts)."""
    found = (match.group(1) for pattern in _REMOTE_REFERENCES for match in pattern.finditer(page))
    return list(dict.fromkeys(found))


def require_offline(page: str, what: str) -> str:
    """``page`` unchanged, or UnvendoredAssetError naming what it would fetch from the internet."""
    found = remote_references(page)
    if found:
        raise UnvendoredAssetError(
            f"{what} would load {len(found)} file(s) from the internet ({', '.join(found[:3])}); "
            "vendor them with tools/vendor_assets.py so the map works offline."
        )
    return page


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def link_local_assets(root: Element, base_url: str = STREAMLIT_STATIC_URL) -> None:
    """Point the assets (default_js/default_css) and data files of every element under ``root`` at ``base_url``."""
    for element in _walk(root):
        data_file = getattr(element, "local_data", None)
        if data_file:
            element.source = f"{base_url}/{data_file}"  # type: ignore[attr-defined]
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                setattr(
                    element,
                    attr,
                    [(name, f"{base_url}/{LOCAL_ASSETS[name]}") for name, _ in assets if _keep(name, element)],
                )


def inline_local_assets(root: Element) -> None:
    """Embed the local files in the page itself, so a saved map opens offline, years later.

    Leaflet's CSS refers to its control images by relative URL; those become data URIs.
    """
    needed: dict[str, None] = {}
    for element in _walk(root):
        data_file = getattr(element, "local_data", None)
        if data_file:
            element.source = inlined_tiles(STATIC_DIR / data_file)  # type: ignore[attr-defined]
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                needed.update((name, None) for name, _ in assets if _keep(name, element))
                setattr(element, attr, [])
    header = cast(Figure, root.get_root()).header
    for name in needed:
        path = STATIC_DIR / LOCAL_ASSETS[name]
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":
            html = "<script>" + text.replace("</script", "<\\/script") + "</script>"
        else:
            html = "<style>" + _inline_css_urls(text, path.parent) + "</style>"
        header.add_child(Verbatim(html), name=name)


def inlined_tiles(path: Path) -> dict[str, object]:
    """A PMTiles archive's tiles as the page's inline source: {"tiles": {"z/x/y": base64}, "gzip": bool}."""
    tiles, compression = read_tiles(path)
    encoded = {key: base64.b64encode(body).decode("ascii") for key, body in tiles.items()}
    return {"tiles": encoded, "gzip": compression == COMPRESSION_GZIP}


def _inline_css_urls(css: str, folder: Path) -> str:
    def data_uri(match: re.Match[str]) -> str:
        target = folder / match.group(1)
        if not target.is_file():
            return match.group(0)
        mime = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return f"url(data:{mime};base64,{base64.b64encode(target.read_bytes()).decode('ascii')})"

    return re.sub(r"url\(([^)\s'\"]+?\.(?:png|svg|gif))\)", data_uri, css)


def _keep(name: str, element: Element) -> bool:
    if name in UNUSED:
        return False
    if name not in LOCAL_ASSETS:
        raise UnvendoredAssetError(
            f"{type(element).__name__} needs the front-end asset '{name}', which is not vendored; "
            "add it to tools/vendor_assets.py and dashboard/webmap/assets.py."
        )
    return True
