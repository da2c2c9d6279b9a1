"""The online tile basemaps offered beside the offline one, from xyzservices' provider registry.

xyzservices (installed with folium) keeps each provider's URL, attribution and zoom limits
current, so they are not copied here by hand. Only providers that load without an API key
are offered: a layer that needs a key cannot load for anyone who has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import xyzservices.providers as providers

# Name shown to the analyst -> xyzservices provider.
PROVIDERS: Final[dict[str, str]] = {
    "OpenStreetMap": "OpenStreetMap.Mapnik",
    "Esri World Gray Canvas": "Esri.WorldGrayCanvas",  # the calm grey layer
    "Esri World Imagery": "Esri.WorldImagery",
    "OpenTopoMap": "OpenTopoMap",
}
DEFAULT_MAX_ZOOM: Final = 18


@dataclass(frozen=True)
class Basemap:
    """An online tile basemap: where its tiles are and how it must be credited."""

    name: str
    url: str  # XYZ template for Leaflet: {s} {z} {x} {y}, optionally {r}
    subdomains: str  # what {s} may stand for ("" when the URL has none)
    html_attribution: str  # for the live map's attribution control
    text_attribution: str  # for snapshots
    max_zoom: int

    def tile_url(self, z: int, x: int, y: int) -> str:
        """The URL of one tile, {s} chosen from the subdomains so that requests spread."""
        sub = self.subdomains[(x + y) % len(self.subdomains)] if self.subdomains else ""
        return (
            self.url.replace("{s}", sub)
            .replace("{z}", str(z))
            .replace("{x}", str(x))
            .replace("{y}", str(y))
            .replace("{r}", "")
        )


def _from_provider(name: str, key: str) -> Basemap | None:
    provider = providers.query_name(key)
    if provider.requires_token():
        return None
    return Basemap(
        name=name,
        url=provider.build_url(fill_subdomain=False),
        subdomains=str(provider.get("subdomains", "abc")) if "{s}" in provider.url else "",
        html_attribution=provider.html_attribution,
        text_attribution=provider.attribution,
        max_zoom=int(provider.get("max_zoom", DEFAULT_MAX_ZOOM)),
    )


def available_basemaps() -> dict[str, Basemap]:
    """Every offered basemap that needs no key, by the name shown to the analyst."""
    found = (_from_provider(name, key) for name, key in PROVIDERS.items())
    return {basemap.name: basemap for basemap in found if basemap is not None}


BASEMAPS: Final[dict[str, Basemap]] = available_basemaps()
