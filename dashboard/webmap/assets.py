"""Point folium's front-end assets at local copies in dashboard/webmap/static.

folium and its plugins reference Leaflet, jQuery, Bootstrap and Font Awesome on
public CDNs; without internet the map would stay blank. The map only needs
Leaflet and Leaflet.markercluster (vendored in static/vendor) and the
project's own scripts and styles (static/js, static/css), so those are served locally
and the rest is dropped. An element that asks for an asset we do not have
raises, so a new plugin cannot silently bring a CDN back.

The dashboard's pages get them as one script and one stylesheet named by their content
(``bundle_files``, served by app/server.py), plus scripts made at run time the same way
(``serve_script``: the boundary layers); a saved map carries everything inline.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass
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
# The drawing toolbar's (webmap/area_draw.py), on the dashboard's own map.
DRAW_SCRIPTS = ("leaflet_draw_js", "ccm_draw_area")
DRAW_STYLESHEETS = ("leaflet_draw_css",)
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


# The dashboard's maps load these as one script and one stylesheet (``bundle_files``), in this order:
# Leaflet first, the plugins before the project's scripts that extend them.
BUNDLED_SCRIPTS = ("leaflet", *MAP_SCRIPTS, *DRAW_SCRIPTS)
BUNDLED_STYLESHEETS = ("leaflet_css", *MAP_STYLESHEETS, *DRAW_STYLESHEETS)
# URL path of the bundle (app/server.py serves it): outside Streamlit's reserved /_stcore, /static, /media, /component.
BUNDLE_URL = "/ccm/bundle"
# The file names carry the content's digest, so a browser may keep a bundle for good.
BUNDLE_CACHE_CONTROL = "public, max-age=31536000, immutable"


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


# Whether this process's server sends BUNDLE_URL: app/server.py says so as it loads. Started as
# ``streamlit run dashboard/app/main.py`` there is no such route, and the maps link each file in
# Streamlit's static folder and carry their boundary layers inline, as before the bundle.
_bundle_route = False


def bundle_route_served() -> None:
    """Called by the dashboard's server: this process answers BUNDLE_URL."""
    global _bundle_route
    _bundle_route = True


def bundles_served() -> bool:
    """Whether the maps of this process may refer to the bundle and to generated scripts."""
    return _bundle_route


@dataclass(frozen=True)
class BundleFile:
    """One of the bundled files as the server sends it."""

    name: str  # e.g. "map.1f0c2d9e4a7b5c3d.js": new content, new name
    media_type: str
    body: bytes
    gzipped: bytes  # for browsers that accept gzip; compressed once per process


@functools.cache
def bundle_files() -> dict[str, BundleFile]:
    """The bundled script and stylesheet by file name.

    streamlit-folium loads a map page's scripts one after another, each waiting for the one before, so
    nine files cost nine round trips on every visit. Leaflet's CSS refers to its control images by
    relative URL; those become data URIs, as in a saved map.
    """
    files = []
    for names, suffix, media_type in (
        (BUNDLED_SCRIPTS, "js", "application/javascript; charset=utf-8"),
        (BUNDLED_STYLESHEETS, "css", "text/css; charset=utf-8"),
    ):
        parts = []
        for name in names:
            path = STATIC_DIR / LOCAL_ASSETS[name]
            text = path.read_text(encoding="utf-8")
            # A script that ends without a semicolon must not run into the next one.
            text = text + "\n;" if suffix == "js" else _inline_css_urls(text, path.parent)
            parts.append(f"/* {LOCAL_ASSETS[name]} */\n{text}")
        body = "\n".join(parts).encode("utf-8")
        name = f"map.{hashlib.sha256(body).hexdigest()[:16]}.{suffix}"
        files.append(BundleFile(name, media_type, body, gzip.compress(body, compresslevel=9, mtime=0)))
    return {file.name: file for file in files}


# Scripts built at run time (the boundary layers' data: base_map.layer_data_url), by file name.
_GENERATED: dict[str, BundleFile] = {}


def serve_script(stem: str, text: str) -> str:
    """Make ``text`` a script the server sends like the bundle, named by its content; its URL."""
    body = text.encode("utf-8")
    name = f"{stem}.{hashlib.sha256(body).hexdigest()[:16]}.js"
    if name not in _GENERATED:
        media_type = "application/javascript; charset=utf-8"
        _GENERATED[name] = BundleFile(name, media_type, body, gzip.compress(body, compresslevel=6, mtime=0))
    return f"{BUNDLE_URL}/{name}"


def served_file(name: str) -> BundleFile | None:
    """The bundled or generated file the server sends under ``name``, or None."""
    return bundle_files().get(name) or _GENERATED.get(name)


def _served(url: str) -> BundleFile | None:
    prefix = f"{BUNDLE_URL}/"
    return served_file(url[len(prefix) :]) if url.startswith(prefix) else None


def bundle_url(suffix: str) -> str:
    """Where the server sends the bundled script (``suffix`` "js") or stylesheet ("css")."""
    name = next(name for name in bundle_files() if name.endswith("." + suffix))
    return f"{BUNDLE_URL}/{name}"


def link_local_assets(root: Element, base_url: str = STREAMLIT_STATIC_URL) -> None:
    """Point the assets (default_js/default_css) of every element under ``root`` at the bundle (or, where
    the server sends no bundle, at each file under ``base_url``) and the data files at ``base_url``, where
    Streamlit serves the static folder."""
    served = bundles_served()
    for element in _walk(root):
        data_file = getattr(element, "local_data", None)
        if data_file:
            element.source = f"{base_url}/{data_file}"  # type: ignore[attr-defined]
        for attr, bundled, suffix in (
            ("default_js", BUNDLED_SCRIPTS if served else (), "js"),
            ("default_css", BUNDLED_STYLESHEETS if served else (), "css"),
        ):
            assets = getattr(element, attr, None)
            if not assets:
                continue
            kept = [(name, url) for name, url in assets if _keep(name, url, element)]
            links = [
                (name, url if name not in LOCAL_ASSETS else f"{base_url}/{LOCAL_ASSETS[name]}")
                for name, url in kept
                if name not in bundled
            ]
            if len(links) < len(kept):
                links.insert(0, (f"ccm_bundle_{suffix}", bundle_url(suffix)))
            setattr(element, attr, links)


def inline_local_assets(root: Element) -> None:
    """Embed the local files in the page itself, so a saved map opens offline, years later.

    Leaflet's CSS refers to its control images by relative URL; those become data URIs.
    """
    needed: dict[str, str] = {}
    for element in _walk(root):
        data_file = getattr(element, "local_data", None)
        if data_file:
            element.source = inlined_tiles(STATIC_DIR / data_file)  # type: ignore[attr-defined]
        for attr in ("default_js", "default_css"):
            assets = getattr(element, attr, None)
            if assets:
                needed.update((name, url) for name, url in assets if _keep(name, url, element))
                setattr(element, attr, [])
    header = cast(Figure, root.get_root()).header
    for name, url in needed.items():
        generated = _served(url) if name not in LOCAL_ASSETS else None
        if generated is not None:
            script = generated.body.decode("utf-8").replace("</script", "<\\/script")
            header.add_child(Verbatim(f"<script>{script}</script>"), name=name)
            continue
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

    return re.sub(r"url\(\s*['\"]?([^)\s'\"]+?\.(?:png|svg|gif))['\"]?\s*\)", data_uri, css)


def _keep(name: str, url: str, element: Element) -> bool:
    if name in UNUSED:
        return False
    if name not in LOCAL_ASSETS and _served(url) is None:
        raise UnvendoredAssetError(
            f"{type(element).__name__} needs the front-end asset '{name}', which is not vendored; "
            "add it to tools/vendor_assets.py and dashboard/webmap/assets.py."
        )
    return True
