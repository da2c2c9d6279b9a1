"""The map as the dashboard shows it: base map, event layer and layer control, ready for st_folium.

streamlit-folium mounts the base map once and swaps only the event layer on a filter
change, so the three parts are built apart; each points at the local Leaflet files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
import pandas as pd

from dashboard.geo.display import BaseLayers
from dashboard.webmap.assets import link_local_assets, require_offline
from dashboard.webmap.base_map import MapView, build_base_map
from dashboard.webmap.event_layers import build_selection_layer
from dashboard.webmap.packing import EventCodes

_checked_offline = False


@dataclass(frozen=True)
class LiveMap:
    """The parts of the dashboard's map, built apart so that only the event layer changes."""

    base: folium.Map  # identical across filter changes, so the browser keeps it (and the view)
    events: folium.FeatureGroup  # the part that changes with the filters
    control: folium.LayerControl
    note: str | None  # which representation the event layer uses and why, when not plain markers


def build_live_map(
    layers: BaseLayers,
    nk_boundary: str,
    view: MapView,
    events: pd.DataFrame,
    encode: Callable[[], EventCodes] | None = None,
) -> LiveMap:
    """The dashboard's map for ``events`` opening on ``view``; ``encode`` supplies cached packing codes.

    Raises UnvendoredAssetError if the page would load anything from another host (checked on
    the first map a process builds: the page's make-up is the same for every later one).
    """
    global _checked_offline
    if not _checked_offline:
        probe = build_base_map(layers, nk_boundary, view)
        folium.LayerControl(collapsed=True).add_to(probe)
        link_local_assets(probe)
        require_offline(probe.get_root().render(), "The dashboard's map")
        _checked_offline = True
    base = build_base_map(layers, nk_boundary, view)
    layer, note = build_selection_layer(events, encode=encode)
    control = folium.LayerControl(collapsed=True)
    for element in (base, layer, control):
        link_local_assets(element)
    return LiveMap(base=base, events=layer, control=control, note=note)
