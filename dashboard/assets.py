"""Point folium's front-end assets at the copies vendored in dashboard/static/vendor.

folium and its plugins reference Leaflet, jQuery, Bootstrap and Font Awesome on
public CDNs; without internet the map would stay blank. The map only needs
Leaflet and Leaflet.markercluster, so those are served locally and the rest is
dropped. An element that asks for an asset we have not vendored raises, so a
new plugin cannot silently bring a CDN back.
"""

from __future__ import annotations

from collections.abc import Iterator

from branca.element import Element

from dashboard.settings import PACKAGE_DIR

VENDOR_DIR = PACKAGE_DIR / "static" / "vendor"
# URL path at which Streamlit serves dashboard/static (server.enableStaticServing).
STREAMLIT_STATIC_URL = "/app/static/vendor"

# folium asset name -> file under VENDOR_DIR
VENDORED: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    "markerclusterjs": "leaflet.markercluster/leaflet.markercluster.js",
    "markerclustercss": "leaflet.markercluster/MarkerCluster.css",
    "markerclusterdefaultcss": "leaflet.markercluster/MarkerCluster.Default.css",
}
# Assets folium adds by default that none of our layers uses.
UNUSED = frozenset({
    "jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css",
    "awesome_markers_font_css", "awesome_markers_css", "awesome_rotate_css",
})


class UnvendoredAssetError(RuntimeError):
    pass


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def link_vendored_assets(root: Element, base_url: str = STREAMLIT_STATIC_URL) -> None:
    """Rewrite default_js/default_css of every element under ``root`` to ``base_url``."""
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                setattr(element, attr, [
                    (name, f"{base_url}/{VENDORED[name]}")
                    for name, _ in assets if _keep(name, element)
                ])


def _keep(name: str, element: Element) -> bool:
    if name in UNUSED:
        return False
    if name not in VENDORED:
        raise UnvendoredAssetError(
            f"{type(element).__name__} needs the front-end asset '{name}', which is not vendored; "
            "add it to tools/vendor_assets.py and dashboard/assets.py."
        )
    return True
