"""How things are drawn, shared by the interactive map, the packed layer and the snapshots.

One home for each colour and size: the live map (Leaflet style options, pixels) and the
print snapshots (matplotlib, points) read the same values, the snapshots scaling line
widths by ``PRINT_POINTS_PER_PX`` so that a printed page is not heavier than the screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import pandas as pd

from dashboard.vocab import EVENT_TYPES

# Project event types -> marker colour (Okabe-Ito, colour-blind safe, plus grey).
EVENT_TYPE_COLOURS: Final[dict[str, str]] = dict(
    zip(
        EVENT_TYPES,
        ("#D55E00", "#E69F00", "#CC79A7", "#000000", "#0072B2", "#56B4E9", "#009E73", "#F0E442", "#999999"),
        strict=True,
    )
)
UNKNOWN_TYPE_COLOUR: Final = "#666666"
INK: Final = "#222222"  # text, scale bar and north arrow of the snapshots; count labels
MARKER_EDGE: Final = INK
TEXT_MUTED: Final = "#555555"

# Marker radius in pixels: area grows with reported fatalities.
SMALLEST_RADIUS_PX: Final = 4.0
LARGEST_RADIUS_PX: Final = 18.0
# Grid cells (selections too large for single points) are sized by count, a little larger.
LARGEST_CELL_RADIUS_PX: Final = 22.0

PRINT_POINTS_PER_PX: Final = 0.65

# Above this many events a points snapshot (and an animation's frame) draws their density as hexagons
# instead of one marker each: a million markers take minutes and gigabytes to draw and read as one blot.
SNAPSHOT_MAX_POINTS: Final = 20_000


@dataclass(frozen=True)
class ShapeStyle:
    """Outline and fill of a boundary layer, in screen pixels."""

    edge: str | None  # None: no outline
    width_px: float = 1.0
    fill: str | None = None  # None: not filled
    dash_px: tuple[float, float] | None = None
    fill_opacity: float = 1.0  # below 1 for areas drawn over the map rather than under it

    def leaflet(self) -> dict[str, object]:
        """Leaflet path options."""
        options: dict[str, object] = {
            "color": self.edge or "#000000",
            "weight": self.width_px if self.edge else 0,
            "fill": self.fill is not None,
        }
        if self.fill:
            options.update(fillColor=self.fill, fillOpacity=self.fill_opacity)
        if self.dash_px:
            options["dashArray"] = f"{self.dash_px[0]:g} {self.dash_px[1]:g}"
        return options

    def css_fill(self) -> str:
        """The fill as a CSS colour with its opacity (for legend swatches drawn in HTML)."""
        if not self.fill:
            return "transparent"
        red, green, blue = (int(self.fill[i : i + 2], 16) for i in (1, 3, 5))
        return f"rgba({red}, {green}, {blue}, {self.fill_opacity:g})"

    @property
    def width_pt(self) -> float:
        return round(self.width_px * PRINT_POINTS_PER_PX, 2)

    def matplotlib_line(self) -> dict[str, Any]:
        """matplotlib keywords for the outline (dashes are in multiples of the line width there)."""
        line: dict[str, Any] = {"color": self.edge, "linewidth": self.width_pt}
        if self.dash_px:
            line["linestyle"] = (0, tuple(d / self.width_px for d in self.dash_px))
        return line


COUNTRY: Final = ShapeStyle(edge="#333333", width_px=1.6)
NAGORNO_KARABAKH: Final = ShapeStyle(edge="#6a3d9a", width_px=2.2, dash_px=(6, 4))
PROVINCE: Final = ShapeStyle(edge="#777777", width_px=0.6)
BORDER_SECTOR: Final = ShapeStyle(edge="#8c6d31", width_px=0.8, dash_px=(3, 2))  # the sectors' toggle layer
NEIGHBOUR_LAND: Final = ShapeStyle(edge="#b8b8b8", width_px=0.6, fill="#ececec")
HOME_LAND: Final = ShapeStyle(edge=None, fill="#fafafa")
WATER: Final = ShapeStyle(edge="#9cc3dd", width_px=0.5, fill="#d6e8f5")
PLACE_LABEL: Final = "#8a8a8a"
TOWN_LABEL: Final = "#333333"  # GeoNames towns named in snapshots, over a white halo
TOWN_DOT: Final = "#555555"
# The live map names towns of at least this many people from this zoom on: cities from 5, villages from 11.
TOWNS_FROM_ZOOM: Final = ((5, 300_000), (7, 50_000), (8, 15_000), (9, 5_000), (10, 1_000), (11, 0))
LACHIN_CORRIDOR: Final = ShapeStyle(edge="#007367", width_px=1.4, fill="#007367", dash_px=(2, 3), fill_opacity=0.15)
CHOSEN_PLACE: Final = ShapeStyle(edge="#c2185b", width_px=1.5, dash_px=(4, 3))  # the place box's place and radius
# The area filter on the live map (drawn, from a link, or an uploaded file's outline): Leaflet's own selection
# blue, which reads as a selection and differs from the event types' darker blue; a faint fill keeps the events
# inside legible. An uploaded file's area, which is edited in its file rather than on the map, is dashed.
AREA_FILTER: Final = ShapeStyle(edge="#3388ff", width_px=2.5, fill="#3388ff", fill_opacity=0.06)
AREA_FILE_DASH_PX: Final = (6.0, 4.0)
WATER_LABEL: Final = "#4a7fa5"
# The circle of uncertainty around an approximately located event (vocab.PRECISION_LEVELS): a neutral
# slate, thin and nearly transparent, under the markers, so that it neither reads as an event type
# nor hides what lies beneath it.
LOCATION_UNCERTAINTY: Final = ShapeStyle(edge="#5b6b7a", width_px=0.8, fill="#5b6b7a", fill_opacity=0.08)
# Circles smaller than this on screen would sit under their marker: the map leaves them out.
UNCERTAINTY_MIN_RADIUS_PX: Final = 6.0


def marker_radius(fatalities: float | None) -> float:
    """Circle radius in pixels: area grows with reported fatalities; unknown figures get the smallest."""
    if fatalities is None or pd.isna(fatalities) or int(fatalities) <= 0:
        return SMALLEST_RADIUS_PX
    return round(min(SMALLEST_RADIUS_PX + 1.2 * math.sqrt(int(fatalities)), LARGEST_RADIUS_PX), 1)


def cell_radius(events: int, largest: int) -> float:
    """Grid-cell radius in pixels: area proportional to the cell's share of the largest count."""
    return round(SMALLEST_RADIUS_PX + (LARGEST_CELL_RADIUS_PX - SMALLEST_RADIUS_PX) * math.sqrt(events / largest), 1)


# Bands of a comparison of two periods (summary/compare.py): ColorBrewer RdBu's ends, colour-blind safe;
# increases red, decreases blue; limited change a pale sand, apart from the white of "no events";
# too few to compare grey.
CHANGE_BAND_COLOURS: Final[dict[str, str]] = {
    "large increase": "#b2182b",
    "increase": "#ef8a62",
    "limited change": "#efe3c4",
    "large decrease": "#2166ac",
    "too few to compare": "#d9d9d9",
}
CHANGE_NO_EVENTS: Final = "#ffffff"  # a unit with no event in either period

# Choropleth classes, lightest to darkest: ColorBrewer's YlOrRd (5 classes), colour-blind safe and
# legible in grey print. Fewer classes take the darkest colours' spread from the same ramp.
CHOROPLETH_PALETTE: Final = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
# A unit with no shown event: white, apart from the lowest class's yellow and the neighbours' grey.
NO_EVENTS: Final = ShapeStyle(edge="#9a9a9a", width_px=0.6, fill="#ffffff", fill_opacity=1.0)
# A unit with events but no figure to colour by (reported killed where no event has a single figure).
NO_FIGURE: Final = ShapeStyle(edge="#9a9a9a", width_px=0.6, fill="#bdbdbd", fill_opacity=1.0)
NO_FIGURE_LABEL: Final = "Events, no single killed figure"
# The outline of each choropleth unit, and the fill's opacity (the boundaries stay readable through it).
CHOROPLETH_UNIT: Final = ShapeStyle(edge="#6b6b6b", width_px=0.6, fill="#000000", fill_opacity=0.75)
# The heatmap's colour ramp (stop -> colour), low to high density: the "magma" ramp, perceptually
# uniform and colour-blind safe; the live map (leaflet.heat) and the snapshots read the same stops.
HEAT_GRADIENT: Final[tuple[tuple[float, str], ...]] = (
    (0.0, "#fcfdbf"),
    (0.25, "#fd9567"),
    (0.5, "#e3466e"),
    (0.75, "#8c2981"),
    (1.0, "#3b0f70"),
)
HEAT_RADIUS_PX: Final = 18  # each place's blur radius on the live map
HEAT_SATURATION_SHARE: Final = 0.05  # the densest 5 % of heat cells at a zoom take the darkest colour


def choropleth_palette(classes: int) -> tuple[str, ...]:
    """``classes`` colours of CHOROPLETH_PALETTE, spread over the whole ramp (1 to 5)."""
    if not 1 <= classes <= len(CHOROPLETH_PALETTE):
        raise ValueError(f"A choropleth has 1 to {len(CHOROPLETH_PALETTE)} classes, not {classes}.")
    if classes == 1:
        return (CHOROPLETH_PALETTE[2],)
    step = (len(CHOROPLETH_PALETTE) - 1) / (classes - 1)
    return tuple(CHOROPLETH_PALETTE[round(i * step)] for i in range(classes))
