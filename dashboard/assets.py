"""Point folium's front-end assets at the copies vendored in dashboard/static/vendor.

folium and its plugins reference Leaflet, jQuery, Bootstrap and Font Awesome on
public CDNs; without internet the map would stay blank. The map only needs
Leaflet and Leaflet.markercluster, so those are served locally and the rest is
dropped. An element that asks for an asset we have not vendored raises, so a
new plugin cannot silently bring a CDN back.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Iterator
from pathlib import Path

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


def inline_vendored_assets(root: Element) -> None:
    """Embed the vendored files in the page itself, so a saved map opens offline, years later.

    Leaflet's CSS refers to its control images by relative URL; those become data URIs.
    """
    needed: dict[str, None] = {}
    for element in _walk(root):
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                needed.update((name, None) for name, _ in assets if _keep(name, element))
                setattr(element, attr, [])
    header = root.get_root().header
    for name in needed:
        path = VENDOR_DIR / VENDORED[name]
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".js":
            html = "<script>" + text.replace("</script", "<\\/script") + "</script>"
        else:
            html = "<style>" + _inline_css_urls(text, path.parent) + "</style>"
        header.add_child(_RawHTML(html), name=name)


class _RawHTML(Element):
    """Text placed in the page as is (a vendored file is not a Jinja template)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.html = html

    def render(self, **kwargs: object) -> str:
        return self.html


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
    if name not in VENDORED:
        raise UnvendoredAssetError(
            f"{type(element).__name__} needs the front-end asset '{name}', which is not vendored; "
            "add it to tools/vendor_assets.py and dashboard/assets.py."
        )
    return True
