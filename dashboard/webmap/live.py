"""The map as the dashboard shows it: base map, event layer and layer control, ready for st_folium.

streamlit-folium mounts the base map once and swaps only the event layer on a filter
change, so the three parts are built apart; each points at the local Leaflet files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import folium
import pandas as pd

from dashboard import style
from dashboard.geo.areas import Area
from dashboard.geo.display import BaseLayers
from dashboard.vocab import DEFAULT_MEASURE, DEFAULT_REPRESENTATION
from dashboard.webmap.area_draw import AreaShapes, DrawControl
from dashboard.webmap.assets import bundles_served, link_local_assets, require_offline
from dashboard.webmap.base_map import MapView, build_base_map
from dashboard.webmap.event_layers import DateSpan, build_selection_layer
from dashboard.webmap.packing import EventCodes

_checked_offline = False


@dataclass(frozen=True)
class PlaceMark:
    """The place chosen in the place box, drawn with the events; with the radius when it filters."""

    name: str
    latitude: float
    longitude: float
    radius_km: float | None = None


def add_place_mark(layer: folium.FeatureGroup, mark: PlaceMark) -> None:
    """A ring at the place and, when filtering, the circle of the radius; the sidebar names the place.

    No tooltip: folium writes a tooltip's text into a JavaScript template literal unescaped, and
    place names come from uploaded files. Neither shape is interactive, so the events under them
    stay clickable.
    """
    line = style.CHOSEN_PLACE
    shapes: list[folium.CircleMarker | folium.Circle] = [
        folium.CircleMarker((mark.latitude, mark.longitude), radius=7, color=line.edge, weight=2, fill=False)
    ]
    if mark.radius_km is not None:
        dashes = " ".join(f"{d:g}" for d in line.dash_px or ())
        shapes.append(
            folium.Circle(
                (mark.latitude, mark.longitude),
                radius=mark.radius_km * 1000,
                color=line.edge,
                weight=line.width_px,
                dash_array=dashes,
                fill=False,
            )
        )
    for shape in shapes:
        shape.options["interactive"] = False  # folium's path options do not pass it through
        shape.add_to(layer)


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
    place: PlaceMark | None = None,
    uncertainty: bool = True,
    representation: str = DEFAULT_REPRESENTATION,
    measure: str = DEFAULT_MEASURE,
    period: DateSpan | None = None,
    area: Area | None = None,
    area_revision: int = 0,
) -> LiveMap:
    """The dashboard's map for ``events`` opening on ``view``; ``encode`` supplies cached packing codes;
    ``place`` is the place box's choice, drawn with the events (it changes with them); ``uncertainty``
    draws circles of uncertainty around approximate locations (part of the event layer, so the
    sidebar's toggle keeps the view); ``representation`` (vocab.REPRESENTATIONS) and, for a choropleth,
    ``measure`` (vocab.CHOROPLETH_MEASURES) choose the event layer, so switching keeps the view too;
    ``period`` (the filter's first and last day; by default the events' own) is what the map's
    playback control steps through; ``area`` is the area filter in force, which the map's drawing
    toolbar shows and edits, and ``area_revision`` counts its changes (webmap/area_draw.py).

    Raises UnvendoredAssetError if the page would load anything from another host (checked on
    the first map a process builds: the page's make-up is the same for every later one).
    """
    global _checked_offline
    if not _checked_offline:
        probe = build_base_map(layers, nk_boundary, view, by_reference=bundles_served())
        DrawControl().add_to(probe)
        folium.LayerControl(collapsed=True).add_to(probe)
        link_local_assets(probe)
        require_offline(probe.get_root().render(), "The dashboard's map")
        _checked_offline = True
    base = build_base_map(layers, nk_boundary, view, by_reference=bundles_served())
    DrawControl().add_to(base)
    layer, note = build_selection_layer(
        events,
        encode=encode,
        uncertainty=uncertainty,
        representation=representation,
        units=layers.units,
        measure=measure,
        period=period,
    )
    if place is not None:
        add_place_mark(layer, place)
    AreaShapes(area, area_revision).add_to(layer)  # also without an area: a cleared one leaves the drawn shapes
    control = folium.LayerControl(collapsed=True)
    for element in (base, layer, control):
        link_local_assets(element)
    return LiveMap(base=base, events=layer, control=control, note=note)
