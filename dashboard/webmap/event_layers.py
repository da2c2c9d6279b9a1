"""The event layer of a map, in the representation that suits the number of events.

Up to MAX_MARKERS events: a Leaflet marker per event with its full popup,
clustered where dense. Up to MAX_PACKED: every event in the compact encoding of
dashboard/webmap/packing.py, drawn and clustered by webmap/static/js/packed-events.js.
Above: grid counts (dashboard/webmap/grid.py). Each layer is a folium FeatureGroup
that streamlit-folium can swap without re-mounting the map.

The other representations (vocab.REPRESENTATIONS): a heatmap fed from the same packed payload
(grid cells as weighted heat points above MAX_PACKED), and choropleths by province or border
sector over the unit shapes the base map registered once (dashboard/summary/units.py figures).
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, cast

import folium
import folium.plugins
import numpy as np
import pandas as pd
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard import style
from dashboard.style import (
    EVENT_TYPE_COLOURS,
    LOCATION_UNCERTAINTY,
    MARKER_EDGE,
    UNCERTAINTY_MIN_RADIUS_PX,
    UNKNOWN_TYPE_COLOUR,
    marker_radius,
)
from dashboard.summary.units import Choropleth, Classes, choropleth, unit_figures
from dashboard.timeframes import (
    DEFAULT_FRAME_MODE,
    DEFAULT_FRAME_UNIT,
    DEFAULT_PLAYBACK_SPEED,
    FRAME_MODES,
    FRAME_UNITS,
    PLAYBACK_SPEEDS,
    frame_days,
    played_period,
)
from dashboard.vocab import DEFAULT_MEASURE, REPRESENTATIONS, UNIT_COLUMNS
from dashboard.webmap.assets import LOCAL_ASSETS, MAP_SCRIPTS, MAP_STYLESHEETS
from dashboard.webmap.elements import ScriptElement
from dashboard.webmap.grid import Grid, aggregate_grid, cell_records
from dashboard.webmap.packing import EventCodes, Packed, encode_events, pack_selection
from dashboard.webmap.popups import event_popup_html, event_tooltip

MAX_MARKERS = 3000
# Above this many events even the packed layer grows too heavy for a page (several MB, slow
# clustering); the map shows grid counts instead.
MAX_PACKED = 250_000
# A playback's period: first and last day, both included.
DateSpan = tuple[dt.date, dt.date]
# Neutral cluster badges (static/js/map-elements.js); markercluster takes a function source.
CLUSTER_ICON_JS = "function (cluster) { return L.ccm.clusterIcon(cluster); }"


class _EventMarkers(ScriptElement):
    """All events of a layer as one JSON array drawn by a short loop.

    Popup and tooltip HTML travel as JSON strings (``tojson`` escapes quotes,
    ``<``, ``>`` and ``&``), never spliced into JavaScript source, so text from
    the data cannot break out of the script. folium's own Popup and Tooltip
    put HTML inside JavaScript template literals, where a backtick or ``${``
    in a note would run as code, and its Popup needs jQuery.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} =
        L.ccm.eventMarkers({{ this._parent.get_name() }}, {{ this.events|tojson }}, {{ this.style|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, events: list[dict[str, object]], uncertainty: bool = True) -> None:
        super().__init__()
        self._name = "EventMarkers"
        self.events = events
        self.style = {"edge": MARKER_EDGE, "uncertainty": LOCATION_UNCERTAINTY.leaflet() if uncertainty else None}


class _UncertaintyLegend(ScriptElement):
    """Shows the legend's circle-of-uncertainty entry while its event layer draws such circles."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.uncertaintyLegend({{ this._parent.get_name() }}, {{ this.shown|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, shown: bool) -> None:
        super().__init__()
        self._name = "UncertaintyLegend"
        self.shown = shown


def uncertainty_m(events: pd.DataFrame) -> np.ndarray:
    """Each event's circle of uncertainty in whole metres, 0 for none (precision_km, set at load)."""
    if "precision_km" not in events.columns:
        return np.zeros(len(events), dtype=np.int64)
    km = events["precision_km"].to_numpy(dtype="float64", na_value=np.nan)
    return np.nan_to_num(np.rint(km * 1000), nan=0.0).astype(np.int64)


def has_uncertainty(events: pd.DataFrame) -> bool:
    """Whether any located event would get a circle of uncertainty."""
    return bool((uncertainty_m(events[events["latitude"].notna()]) > 0).any())


def event_records(events: pd.DataFrame) -> list[dict[str, object]]:
    """What the browser needs per event: position, radius, colour, popup and tooltip HTML, the
    radius of its circle of uncertainty in metres (0: exact, or no circle) and its day (playback)."""
    located = events[events["latitude"].notna()].sort_values("event_date", kind="stable")
    return [
        {
            "lat": round(float(row["latitude"]), 6),
            "lon": round(float(row["longitude"]), 6),
            "r": marker_radius(row["fatalities"]),
            "c": EVENT_TYPE_COLOURS.get(row["event_type"], UNKNOWN_TYPE_COLOUR),
            "p": event_popup_html(row),
            "t": event_tooltip(row),
            "u": int(radius),
            "d": int(day),
        }
        for (_, row), radius, day in zip(located.iterrows(), uncertainty_m(located), epoch_days(located), strict=True)
    ]


def epoch_days(events: pd.DataFrame) -> np.ndarray:
    """Each event's day as days since 1970-01-01 (timeframes.epoch_day), as the playback counts them."""
    return events["event_date"].to_numpy().astype("datetime64[D]").astype(np.int64)


def build_event_layer(
    events: pd.DataFrame, name: str = "Events", uncertainty: bool = True, period: DateSpan | None = None
) -> folium.FeatureGroup:
    """Events as circles coloured by type, sized by fatalities, clustered where dense; with
    ``uncertainty``, approximate locations get their circle while their marker stands alone; with
    ``period``, a playback control steps through it."""
    layer = folium.FeatureGroup(name=name)
    cluster = folium.plugins.MarkerCluster(
        options={"maxClusterRadius": 35, "spiderfyOnMaxZoom": True, "showCoverageOnHover": False},
        icon_create_function=CLUSTER_ICON_JS,
    )
    markers = _EventMarkers(event_records(events), uncertainty)
    markers.add_to(cluster)
    cluster.add_to(layer)
    _UncertaintyLegend(uncertainty and has_uncertainty(events)).add_to(layer)
    add_playback(layer, markers, period)
    return layer


class _CellMarkers(ScriptElement):
    """Grid cells as circles, larger ones labelled with their count; tooltips are plain text (textContent)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.cellMarkers({{ this._parent.get_name() }}, {{ this.cells|tojson }}, {{ this.style|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, cells: list[dict[str, object]]) -> None:
        super().__init__()
        self._name = "CellMarkers"
        self.cells = cells
        self.style = {"edge": MARKER_EDGE}


def build_cell_layer(grid: Grid, name: str = "Events (grid counts)") -> folium.FeatureGroup:
    """Grid cells as a folium layer: circles sized by count, coloured by their most frequent type
    (no circles of uncertainty: a cell stands for many places)."""
    layer = folium.FeatureGroup(name=name)
    _CellMarkers(cell_records(grid)).add_to(layer)
    _UncertaintyLegend(False).add_to(layer)
    return layer


class MapScripts(JSCSSMixin):
    """The scripts and styles of every map element: factories, marker clustering, the packed layer.

    Declared by the base map (dashboard/webmap/base_map.py), because the dashboard swaps event layers
    without reloading the page: a filter change can turn a packed layer into markers and back.
    """

    # folium's JSCSSMixin reads these class lists; the files are named once, in assets.LOCAL_ASSETS.
    default_js = [(name, LOCAL_ASSETS[name]) for name in MAP_SCRIPTS]  # noqa: RUF012
    default_css = [(name, LOCAL_ASSETS[name]) for name in MAP_STYLESHEETS]  # noqa: RUF012


@dataclass(frozen=True)
class ReaderHints:
    """Where the page sends a reader for what the map leaves out; each page says what it has."""

    details: str  # where notes and disputes are, when popups leave them out
    more_events: str  # after the events a place's popup lists
    single_events: str  # when events are drawn as grid cells


DASHBOARD_HINTS: Final = ReaderHints(
    details="see the Events table or the CSV export.",
    more_events="Narrow the filters, or read them all in the Events table.",
    single_events="Narrow the filters to see single events.",
)
STANDALONE_HINTS: Final = ReaderHints(
    details="this file does not include them.",
    more_events="This file lists the first of them only.",
    single_events="This file does not include single events.",
)


class _PackedEvents(ScriptElement):
    """Events in the compact encoding of dashboard.webmap.packing, drawn and clustered by the browser."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} =
        L.ccmPackedEvents({{ this.packed|tojson }}, {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, packed: Packed, more_events_hint: str, uncertainty: bool = True) -> None:
        super().__init__()
        self._name = "PackedEvents"
        self.packed = packed
        self.options = {
            "moreHint": more_events_hint,
            "edge": MARKER_EDGE,
            "uncertainty": LOCATION_UNCERTAINTY.leaflet() if uncertainty else None,
            "uncertaintyMinPx": UNCERTAINTY_MIN_RADIUS_PX,
        }


def build_packed_layer(
    packed: Packed,
    name: str = "Events",
    hints: ReaderHints = DASHBOARD_HINTS,
    uncertainty: bool = True,
    period: DateSpan | None = None,
) -> folium.FeatureGroup:
    """The packed events as a folium layer; ``hints`` say where to read what a popup leaves out;
    with ``uncertainty``, places drawn on their own get their circle of uncertainty; with
    ``period``, a playback control steps through it."""
    layer = folium.FeatureGroup(name=name)
    points = _PackedEvents(packed, hints.more_events, uncertainty)
    points.add_to(layer)
    circled = any(cast(tuple[str, int], entry)[1] for entry in packed["precisions"])
    _UncertaintyLegend(uncertainty and circled).add_to(layer)
    add_playback(layer, points, period)
    return layer


class _Playback(ScriptElement):
    """The playback control of an event layer (static/js/playback.js), stepping ``target``."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.playback({{ this._parent.get_name() }}, {{ this.target.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, target: ScriptElement, config: dict[str, object]) -> None:
        super().__init__()
        self._name = "Playback"
        self.target = target
        self.config = config


HEAT_PLAYBACK_NOTE = "Heat colours are scaled to each frame, as they are to each view."


def playback_config(period: DateSpan, note: str = "") -> dict[str, object] | None:
    """What the playback control steps through: every window unit's frames of ``period`` (those with
    at most timeframes.MAX_FRAMES frames), the modes and speeds; None when no unit fits."""
    frames = frame_days(*period)
    if not frames:
        return None
    return {
        "frames": frames,
        "units": [[unit, FRAME_UNITS[unit]] for unit in frames],
        "modes": [[mode, label] for mode, label in FRAME_MODES.items()],
        "speeds": [[label, ms] for label, ms in PLAYBACK_SPEEDS],
        "unit": DEFAULT_FRAME_UNIT,
        "mode": DEFAULT_FRAME_MODE,
        "speed": DEFAULT_PLAYBACK_SPEED,
        "note": note,
    }


def add_playback(layer: folium.FeatureGroup, target: ScriptElement, period: DateSpan | None, note: str = "") -> None:
    """A playback control for ``target`` (an element whose script defines a layer with setDayWindow)
    on ``layer``, stepping through ``period``; nothing when there is no period or it has too many days."""
    config = playback_config(period, note) if period is not None else None
    if config is not None:
        _Playback(target, config).add_to(layer)


def build_selection_layer(
    events: pd.DataFrame,
    encode: Callable[[], EventCodes] | None = None,
    hints: ReaderHints = DASHBOARD_HINTS,
    uncertainty: bool = True,
    representation: str = "points",
    units: Mapping[str, pd.DataFrame] | None = None,
    measure: str = DEFAULT_MEASURE,
    period: DateSpan | None = None,
) -> tuple[folium.FeatureGroup, str | None]:
    """The event layer in ``representation`` (a key of vocab.REPRESENTATIONS), and a note saying
    which layer it is and why.

    Points: up to MAX_MARKERS a marker per event with its full popup; up to MAX_PACKED every
    event, packed and clustered in the browser; above, grid counts. Heatmap: the packed events as
    heat (grid cells above MAX_PACKED). Provinces and sectors: a choropleth coloured by ``measure``
    over ``units`` (per kind, the unit table of geo.display.BaseLayers.units: name and area by id).
    ``encode`` returns codes for a table that includes ``events`` (the app passes
    cached ones); by default the events are encoded here. ``hints`` finish the notes and
    popups with where the reader finds what the map leaves out, on the page being built.
    ``uncertainty`` draws circles of uncertainty around approximate locations (markers and packed
    layer; never on grid cells, heat or units). Layers that draw events one by one (markers, packed
    points, packed heat) carry a playback control that steps through ``period`` (first and last day
    included; by default the events' own dates) in the browser.
    """
    if representation not in REPRESENTATIONS:
        raise ValueError(f"Unknown representation '{representation}'; use one of {', '.join(REPRESENTATIONS)}.")
    if representation in UNIT_COLUMNS:
        if units is None:
            raise ValueError("A choropleth needs the unit tables of the base layers.")
        return choropleth_layer(choropleth(unit_figures(events, units[representation], representation), measure))
    located = int(events["latitude"].notna().sum())
    if period is None:
        period = played_period(None, None, events.loc[events["latitude"].notna(), "event_date"])
    if representation == "heatmap":
        return _heat_selection(events, located, encode, hints, period)
    if located <= MAX_MARKERS:
        return build_event_layer(events, uncertainty=uncertainty, period=period), None
    if located <= MAX_PACKED:
        note = (
            f"{located:,} events match, more than the {MAX_MARKERS:,} the map draws as separate markers: every "
            "event is drawn from a compact encoding and clustered in your browser. Circles with numbers count "
            "events; click one to zoom in, click a place to list its events (date, type, actors, fatalities, "
            f"source). Notes and disputes are not in these popups: {hints.details}"
        )
        encoded = encode() if encode is not None else encode_events(events)
        packed = pack_selection(encoded, events.index)
        return build_packed_layer(packed, hints=hints, uncertainty=uncertainty, period=period), note
    grid = aggregate_grid(events)
    note = (
        f"{located:,} events match, more than the {MAX_PACKED:,} the map draws one by one: they are shown as "
        f"{len(grid.cells):,} grid cells of {grid.cell_deg:g}° (about {grid.cell_km:.0f} km), sized by count and "
        f"coloured by their most frequent type. {hints.single_events}"
    )
    return build_cell_layer(grid), note


def _heat_selection(
    events: pd.DataFrame,
    located: int,
    encode: Callable[[], EventCodes] | None,
    hints: ReaderHints,
    period: DateSpan | None,
) -> tuple[folium.FeatureGroup, str | None]:
    """The heatmap of the selection: from the packed events up to MAX_PACKED, from grid cells above."""
    if located <= MAX_PACKED:
        encoded = encode() if encode is not None else encode_events(events)
        return build_heat_layer(pack_selection(encoded, events.index), period=period), None
    grid = aggregate_grid(events)
    note = (
        f"{located:,} events match, more than the {MAX_PACKED:,} the heatmap reads one by one: it is drawn from "
        f"{len(grid.cells):,} grid cells of {grid.cell_deg:g}° (about {grid.cell_km:.0f} km), each weighted by its "
        f"events. {hints.single_events}"
    )
    return build_cell_heat_layer(grid), note


def heat_options() -> dict[str, object]:
    """L.CcmHeat's options (map-elements.js) from style.py: radius, colour ramp and saturation."""
    return {
        "radius": style.HEAT_RADIUS_PX,
        "blur": round(style.HEAT_RADIUS_PX * 0.8),
        "gradient": {f"{stop:g}": colour for stop, colour in style.HEAT_GRADIENT},
        "saturationShare": style.HEAT_SATURATION_SHARE,
    }


HEAT_EXPLAINED = (
    "Each place weighs as many events as it has; the darkest colour marks the densest "
    f"{style.HEAT_SATURATION_SHARE:.0%} of the map at this zoom."
)


def heat_legend_html(n_events: int, from_cells: bool = False) -> str:
    """The heatmap's legend box: the colour ramp from fewer to more events and how it is scaled."""
    ramp = ", ".join(f"{colour} {stop:.0%}" for stop, colour in style.HEAT_GRADIENT)
    source = " Drawn from grid cells (too many events to read one by one)." if from_cells else ""
    return (
        '<div class="ccm-panel">'
        f'<div class="ccm-legend-title">Heatmap of {n_events:,} shown event{"s" if n_events != 1 else ""}</div>'
        f'<div class="ccm-heat-ramp" style="background:linear-gradient(to right, {ramp})"></div>'
        '<div class="ccm-heat-ends"><span>fewer events</span><span>more events</span></div>'
        f'<div class="ccm-legend-note">{html.escape(HEAT_EXPLAINED + source)}</div>'
        "</div>"
    )


class _LayerLegend(ScriptElement):
    """A legend box shown while its layer is on the map (L.ccm.layerLegend); the HTML is escaped in Python."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.layerLegend({{ this._parent.get_name() }}, {{ this.html|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str) -> None:
        super().__init__()
        self._name = "LayerLegend"
        self.html = html_text


class _PackedHeat(ScriptElement):
    """The packed events as a heatmap (L.ccmPackedHeat): the points' payload, read as heat."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} =
        L.ccmPackedHeat({{ this.packed|tojson }}, {{ this.options|tojson }}).addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, packed: Packed) -> None:
        super().__init__()
        self._name = "PackedHeat"
        self.packed = packed
        self.options = heat_options()


def build_heat_layer(
    packed: Packed, name: str = "Events (heatmap)", period: DateSpan | None = None
) -> folium.FeatureGroup:
    """The packed events as a heatmap layer with its legend (no circles of uncertainty); with
    ``period``, a playback control steps through it."""
    layer = folium.FeatureGroup(name=name)
    heat = _PackedHeat(packed)
    heat.add_to(layer)
    _LayerLegend(heat_legend_html(packed["n"])).add_to(layer)
    _UncertaintyLegend(False).add_to(layer)
    add_playback(layer, heat, period, HEAT_PLAYBACK_NOTE)
    return layer


class _CellHeat(ScriptElement):
    """Grid cells as weighted heat points (L.ccm.cellHeat)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.cellHeat({{ this._parent.get_name() }}, {{ this.points|tojson }}, {{ this.options|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, points: list[list[float]]) -> None:
        super().__init__()
        self._name = "CellHeat"
        self.points = points
        self.options = heat_options()


def build_cell_heat_layer(grid: Grid, name: str = "Events (heatmap of grid cells)") -> folium.FeatureGroup:
    """Grid cells as the heat points of a heatmap, each weighted by its events, with the legend."""
    cells = grid.cells
    points = [
        [round(float(lat), 5), round(float(lon), 5), int(n)]
        for lat, lon, n in zip(cells["lat"], cells["lon"], cells["events"], strict=True)
    ]
    layer = folium.FeatureGroup(name=name)
    _CellHeat(points).add_to(layer)
    _LayerLegend(heat_legend_html(int(cells["events"].sum()) if len(cells) else 0, from_cells=True)).add_to(layer)
    _UncertaintyLegend(False).add_to(layer)
    return layer


class _Choropleth(ScriptElement):
    """Unit colours and hover text over the units the base map registered (L.ccm.choropleth)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.choropleth(
            {{ this._parent.get_name() }}, {{ this.units_key|tojson }}, {{ this.id_property|tojson }},
            {{ this.units|tojson }}, {{ this.look|tojson }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, units_key: str, units: dict[str, dict[str, object]]) -> None:
        super().__init__()
        self._name = "Choropleth"
        self.units_key = units_key
        self.id_property = UNIT_COLUMNS[units_key]
        self.units = units
        unit_line = style.CHOROPLETH_UNIT
        self.look = {
            "edge": unit_line.edge,
            "weight": unit_line.width_px,
            "fillOpacity": unit_line.fill_opacity,
            "noEvents": style.NO_EVENTS.leaflet(),
        }


def classed_legend_html(
    title: str, classes: Classes | None, notes: Sequence[str] = (), extra: Sequence[tuple[str, str]] = ()
) -> str:
    """A classed legend box: title, one swatch per class with its label, ``extra`` (colour, label)
    swatches, 'No events', then notes (plain text). Any classes and palette."""
    e = html.escape
    swatches = [*zip(classes.colours, classes.labels, strict=True)] if classes else []
    swatches += [*extra, (style.NO_EVENTS.css_fill(), "No events")]
    rows = "".join(
        f'<div class="ccm-class"><span class="ccm-class-swatch" style="background:{colour}"></span>{e(label)}</div>'
        for colour, label in swatches
    )
    body = "".join(f'<div class="ccm-legend-note">{e(note)}</div>' for note in notes)
    return f'<div class="ccm-panel"><div class="ccm-legend-title">{e(title)}</div>{rows}{body}</div>'


def build_choropleth_layer(
    units_key: str,
    colours: Mapping[str, str | None],
    hover: Mapping[str, Sequence[str]],
    legend_html: str,
    name: str = "Events by unit",
) -> folium.FeatureGroup:
    """A choropleth over the units the base map registered as ``units_key`` (a key of vocab.UNIT_COLUMNS):
    each unit filled with ``colours[unit]`` (None or missing: "no events"), hovering it shows ``hover[unit]``
    (plain text lines, the first in bold), and the legend box ``legend_html`` (see classed_legend_html)
    shows while the layer is on. Any classes and palette: the caller decides the colours.
    """
    units: dict[str, dict[str, object]] = {unit: {"c": colours.get(unit), "t": list(hover[unit])} for unit in hover}
    layer = folium.FeatureGroup(name=name)
    _Choropleth(units_key, units).add_to(layer)
    _LayerLegend(legend_html).add_to(layer)
    _UncertaintyLegend(False).add_to(layer)
    return layer


CLASSES_EXPLAINED = "Classes: quintiles of the units with events (fewer where figures repeat)."


def choropleth_layer(drawn: Choropleth) -> tuple[folium.FeatureGroup, str | None]:
    """The choropleth of summary.units.choropleth as a layer, and the note on events in no unit."""
    figures = drawn.figures
    outside = figures.outside_note()
    notes = [CLASSES_EXPLAINED, *([outside] if outside else [])]
    if drawn.measure == "killed":
        notes.insert(0, "Reported killed: the sum of the events' single figures (data/README.md).")
    hover = {unit: figures.hover_lines(unit) for unit in figures.table.index}
    layer = build_choropleth_layer(
        drawn.kind,
        drawn.colours,
        hover,
        classed_legend_html(
            drawn.title,
            drawn.classes,
            notes,
            extra=[(style.NO_FIGURE.css_fill(), style.NO_FIGURE_LABEL)] if drawn.without_figure else [],
        ),
        name=f"Events ({REPRESENTATIONS[drawn.kind].lower()})",
    )
    return layer, outside
