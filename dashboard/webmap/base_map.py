"""Folium maps: the base map (basemaps, boundaries, legend), views, and a complete event map.

The base map is built apart from the event layer (dashboard/webmap/event_layers.py) so
that the dashboard can keep it unchanged while filters replace only the event
layer (no re-mount, the analyst's view is kept).
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import asdict, dataclass

import folium
import pandas as pd
from branca.element import Element
from folium.elements import JSCSSMixin
from jinja2 import Template

from dashboard import style
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.geo.display import BaseLayers
from dashboard.style import EVENT_TYPE_COLOURS, ShapeStyle, marker_radius
from dashboard.vocab import (
    BORDER_SECTOR_KM,
    BOUNDARY_DISCLAIMER,
    CRISIS_GROUP_ATTRIBUTION,
    DEFAULT_MEASURE,
    DEFAULT_REPRESENTATION,
    GEONAMES_ATTRIBUTION,
    GEONAMES_URL,
    LACHIN_CORRIDOR_LABEL,
    NK_BOUNDARIES,
    NK_FROM_CRISIS_GROUP,
    OSM_ATTRIBUTION,
    OSM_COPYRIGHT_URL,
    PROVINCE_LINES_SHORT,
    STUDY_AREA_BBOX,
    UNCERTAINTY_LEGEND,
)
from dashboard.webmap.assets import PLACES_BASEMAP, STREAMLIT_STATIC_URL, serve_script
from dashboard.webmap.elements import ScriptElement
from dashboard.webmap.event_layers import (
    DASHBOARD_HINTS,
    DateSpan,
    MapScripts,
    ReaderHints,
    build_selection_layer,
)

NO_BASEMAP = "None (boundaries only, works offline)"
MIN_ZOOM = 5  # the live map's zoom limits (a link's zoom is checked against them)
MAX_ZOOM = 16
PLACE_ZOOM = 11  # the map's zoom on a place chosen in the place box: the villages around it named

BOUNDARY_ATTRIBUTION = (
    f'Boundaries {OSM_ATTRIBUTION.replace("©", "&copy;")} (<a href="{OSM_COPYRIGHT_URL}">ODbL</a>), '
    "geoBoundaries, Natural Earth; "
    f'places: <a href="{GEONAMES_URL}">{GEONAMES_ATTRIBUTION.replace("GeoNames", "GeoNames</a>")}; '
    "events: curated from public reporting"
)
MAP_HEIGHT_PX = 620
LEGEND_WIDTH_PX = 260


@dataclass(frozen=True)
class MapView:
    """A centre and zoom that show given bounds in a map of a given pixel size."""

    center: tuple[float, float]
    zoom: int


def view_for_bounds(
    area: BBox,
    width_px: int = 900,
    height_px: int = MAP_HEIGHT_PX,
    max_zoom: int = 12,
    right_inset_px: int = 0,
) -> MapView:
    """Web-Mercator zoom at which the bounds fit (like Leaflet's fitBounds).

    ``right_inset_px`` keeps that many pixels on the right free (for the legend).
    """

    west, south, east, north = area.bounds()

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    span_x = max(east - west, 1e-6) / 360.0
    span_y = max(abs(merc(north) - merc(south)), 1e-6) / (2 * math.pi)
    usable_width = max(width_px - right_inset_px, 64)
    zoom = max(
        3, min(max_zoom, math.floor(min(math.log2(usable_width / 256 / span_x), math.log2(height_px / 256 / span_y))))
    )
    degrees_per_px = 360.0 / (256 * 2**zoom)
    center_lon = (west + east) / 2 + right_inset_px / 2 * degrees_per_px
    return MapView(center=((south + north) / 2, center_lon), zoom=zoom)


def events_view(events: pd.DataFrame) -> MapView:
    """The view that fits the events (with a margin); the whole study area when there are none."""
    located = events[events["latitude"].notna()]
    area = STUDY_AREA_BBOX if located.empty else BBox.around(located["longitude"], located["latitude"], pad_deg=0.15)
    return view_for_bounds(area, right_inset_px=LEGEND_WIDTH_PX)


class HtmlControl(ScriptElement):
    """A Leaflet control showing HTML built (and escaped) in Python, passed as a JSON string."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.htmlControl(
            {{ this._parent.get_name() }}, {{ this.html|tojson }},
            {{ this.position|tojson }}, {{ this.css_class|tojson }}
        );
        {% endmacro %}
        """
    )

    def __init__(self, html_text: str, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "HtmlControl"
        self.html, self.position, self.css_class = html_text, position, css_class


class _Attribution(ScriptElement):
    """Credits the boundary data in Leaflet's attribution control, whatever the basemap."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.attribution({{ this._parent.get_name() }}, {{ this.attribution|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, attribution: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.attribution = attribution


class _Theme(ScriptElement):
    """The colours the map shares with the snapshots (style.py), as CSS custom properties of static/css/map.css."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.theme({{ this._parent.get_name() }}, {{ this.properties|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Theme"
        self.properties = {
            "--ccm-place-label": style.PLACE_LABEL,
            "--ccm-water-label": style.WATER_LABEL,
            "--ccm-country-line": style.COUNTRY.edge,
            "--ccm-nk-line": style.NAGORNO_KARABAKH.edge,
            "--ccm-muted": style.TEXT_MUTED,
            "--ccm-legend-width": f"{LEGEND_WIDTH_PX - 20}px",
            "--ccm-uncertainty-edge": style.LOCATION_UNCERTAINTY.edge or "transparent",
            "--ccm-uncertainty-fill": style.LOCATION_UNCERTAINTY.css_fill(),
            "--ccm-uncertainty-width": f"{style.LOCATION_UNCERTAINTY.width_px:g}px",
        }


class _Labels(ScriptElement):
    """Place names for the offline basemap, in a pane above the land fill and below the markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.labels({{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }}, {{ this.labels|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[dict[str, object]]) -> None:
        super().__init__()
        self._name = "Labels"
        self.labels = labels


class _PlaceBasemap(ScriptElement):
    """The offline place basemap (GeoNames towns, province names and lines; static/basemap/README.md)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.placeBasemap(
            {{ this._parent._parent.get_name() }}, {{ this._parent.get_name() }},
            {{ this.source|tojson }}, {{ this.look|tojson }}
        );
        {% endmacro %}
        """
    )
    local_data = PLACES_BASEMAP

    def __init__(self) -> None:
        super().__init__()
        self._name = "PlaceBasemap"
        self.source: object = f"{STREAMLIT_STATIC_URL}/{PLACES_BASEMAP}"
        self.look = {
            "town": style.TOWN_LABEL,
            "dot": style.TOWN_DOT,
            "province": style.PLACE_LABEL,
            "line": style.PROVINCE.edge,
            "halo": "#ffffff",
            "minPopulation": [list(step) for step in style.TOWNS_FROM_ZOOM],
            "credit": GEONAMES_ATTRIBUTION,
        }


class _Shapes(ScriptElement):
    """A GeoJSON boundary layer with one fixed style, added to its parent group.

    Lighter than folium.GeoJson, which styles feature by feature in Python and
    whose bounds walk every coordinate when st_folium asks on each rerun; here
    the bounds come from the FeatureCollection's "bbox" (geopandas writes one).
    A tooltip, if asked for, joins the named properties as plain text. With ``units_key`` the
    data is also registered on the map as a choropleth's units (L.ccm.choropleth), so that the
    page holds each unit's geometry once, whichever representation the event layer uses. With
    ``data_key`` the page reads the data from the layer data script (``layer_data_url``) instead.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.shapes(
            {{ this._parent.get_name() }},
            {% if this.data_key %}ccmLayerData[{{ this.data_key|tojson }}]{% else %}{{ this.data|tojson }}{% endif %},
            {{ this.style|tojson }}, {{ this.tooltip_fields|tojson }}, {{ this.attribution|tojson }}
            {%- if this.units_key %}, {{ this._parent._parent.get_name() }}, {{ this.units_key|tojson }}{% endif %}
        );
        {% endmacro %}
        """
    )

    def __init__(
        self,
        data: dict,
        style: dict[str, object],
        tooltip_fields: tuple[str, ...] = (),
        attribution: str = "",
        units_key: str | None = None,
        data_key: str | None = None,
    ) -> None:
        super().__init__()
        self._name = "Shapes"
        self.data, self.style, self.tooltip_fields = data, style, list(tooltip_fields)
        self.data_key = data_key  # the data's key in the page's ccmLayerData (LayerData), instead of inline
        self.attribution = attribution  # plain text: Leaflet shows it while the layer is on the map
        self.units_key = units_key  # a key of vocab.UNIT_COLUMNS, for the choropleths

    def _get_self_bounds(self) -> list[list[float | None]]:
        west, south, east, north = self.data["bbox"][:4]
        return [[south, west], [north, east]]


def _shapes_group(
    data: dict,
    name: str,
    shape_style: ShapeStyle,
    show: bool = True,
    tooltip_fields: tuple[str, ...] = (),
    attribution: str = "",
    units_key: str | None = None,
    data_key: str | None = None,
) -> folium.FeatureGroup:
    """A toggle layer of one boundary set; ``attribution`` shows in the map's credits while it is on;
    ``units_key`` registers its shapes as a choropleth's units; ``data_key`` as in _Shapes."""
    group = folium.FeatureGroup(name=name, show=show)
    _Shapes(data, shape_style.leaflet(), tooltip_fields, attribution, units_key, data_key).add_to(group)
    return group


def layer_data(layers: BaseLayers) -> dict[str, dict]:
    """Every boundary layer a base map draws, by the key its shapes name it with."""
    return {
        "neighbours": layers.neighbours,
        "land": layers.land,
        "water": layers.water,
        "countries": layers.countries,
        "provinces": layers.provinces,
        "sectors": layers.sectors,
        "lachin_corridor": layers.lachin_corridor,
        **{f"nagorno_karabakh/{key}": data for key, data in layers.nagorno_karabakh.items()},
    }


# One script per set of layers and process: BaseLayers are built once (app/cache.py), and held here
# with their URL so that the id cannot be reused by another object.
_layer_scripts: dict[int, tuple[BaseLayers, str]] = {}


def layer_data_url(layers: BaseLayers) -> str:
    """The URL of a script defining ``ccmLayerData``: ``layers``' GeoJSON, served by the dashboard's server.

    The boundary layers are most of a base map (~0.6 MB of JSON): inline, every session's page received
    them again over the websocket, and every rerun serialised and sent them again with the map. As a
    file named by its content they are built once per process and cached by the browser for good.
    """
    held = _layer_scripts.get(id(layers))
    if held is None or held[0] is not layers:
        text = "var ccmLayerData = " + json.dumps(layer_data(layers), separators=(",", ":")) + ";\n"
        held = (layers, serve_script("layers", text))
        _layer_scripts[id(layers)] = held
    return held[1]


class LayerData(JSCSSMixin, Element):
    """Loads the layer data script before the map's own script runs (streamlit-folium loads a page's
    scripts first); the standalone page inlines it (assets.inline_local_assets)."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._name = "LayerData"
        self.default_js = [("ccm_layer_data", url)]


def legend_html(nk_boundary: str, open_: bool = True) -> str:
    """The legend box: type colours, fatality sizes, the circle of uncertainty, boundary lines and the
    disclaimer (classes of map.css); ``open_`` False folds it to its heading (small maps)."""
    e = html.escape
    rows = "".join(
        f'<div><span class="ccm-swatch" style="background:{colour}"></span>{e(name)}</div>'
        for name, colour in EVENT_TYPE_COLOURS.items()
    )
    sizes = "".join(
        f'<span class="ccm-size" style="width:{2 * marker_radius(n)}px;height:{2 * marker_radius(n)}px"></span>{n}'
        for n in (1, 10, 100)
    )
    nk_label = NK_BOUNDARIES[nk_boundary][1]
    return (
        f'<details{" open" if open_ else ""} class="ccm-panel"><summary>Legend</summary>'
        # Hidden while a choropleth or heatmap is shown (map.css, L.ccm.layerLegend).
        f'<div class="ccm-legend-points">{rows}'
        f'<div class="ccm-gap">Reported fatalities: {sizes}</div></div>'
        # Shown while the event layer draws circles of uncertainty (map.css, L.ccm.uncertaintyLegend).
        f'<div class="ccm-gap ccm-legend-uncertainty"><span class="ccm-circle"></span>{e(UNCERTAINTY_LEGEND)}</div>'
        '<div class="ccm-gap"><span class="ccm-line ccm-line-country"></span>International boundary (OSM)</div>'
        f'<div><span class="ccm-line ccm-line-nk"></span>Nagorno-Karabakh: {e(nk_label)}</div>'
        f'<div class="ccm-disclaimer">{e(BOUNDARY_DISCLAIMER)}</div>'
        "</details>"
    )


def build_base_map(
    layers: BaseLayers,
    nk_boundary: str,
    view: MapView,
    legend_open: bool = True,
    by_reference: bool = False,
) -> folium.Map:
    """Basemaps, land context, boundaries, legend and attribution; no events.

    ``legend_open`` False folds the legend to its heading (e.g. each map of a pair). ``by_reference``
    reads the boundary layers from their script (``layer_data_url``), as the dashboard's maps do;
    otherwise they are in the map's own script.
    """
    fmap = folium.Map(location=view.center, zoom_start=view.zoom, tiles=None, control_scale=True)
    # Without a tile layer Leaflet knows no zoom limits, which marker clustering needs.
    fmap.options.update(min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM)
    if by_reference:
        LayerData(layer_data_url(layers)).add_to(fmap)

    def key(name: str) -> str | None:
        return name if by_reference else None

    _Theme().add_to(fmap)
    # The first base layer is the default: vector land context, no network needed.
    offline = folium.FeatureGroup(name=NO_BASEMAP, overlay=False, control=True)
    context = (
        ("neighbours", layers.neighbours, style.NEIGHBOUR_LAND),
        ("land", layers.land, style.HOME_LAND),
        ("water", layers.water, style.WATER),
    )
    for name, data, shape_style in context:
        _Shapes(data, shape_style.leaflet(), data_key=key(name)).add_to(offline)
    _Labels([asdict(label) for label in layers.labels]).add_to(offline)
    _PlaceBasemap().add_to(offline)
    offline.add_to(fmap)
    for basemap in BASEMAPS.values():
        folium.TileLayer(
            tiles=basemap.url,
            attr=basemap.html_attribution,
            name=basemap.name,
            subdomains=basemap.subdomains or "abc",
            max_zoom=basemap.max_zoom,
            overlay=False,
            control=True,
            show=False,
        ).add_to(fmap)

    _shapes_group(layers.countries, "Armenia and Azerbaijan (OSM)", style.COUNTRY, data_key=key("countries")).add_to(
        fmap
    )
    _shapes_group(
        layers.provinces,
        f"Provinces / rayons ({PROVINCE_LINES_SHORT})",
        style.PROVINCE,
        show=False,
        tooltip_fields=("province", "province_code"),
        units_key="provinces",
        data_key=key("provinces"),
    ).add_to(fmap)
    _shapes_group(
        layers.sectors,
        f"Border sectors (within {BORDER_SECTOR_KM:g} km of the border)",
        style.BORDER_SECTOR,
        show=False,
        tooltip_fields=("border_sector",),
        units_key="sectors",
        data_key=key("sectors"),
    ).add_to(fmap)
    credit = CRISIS_GROUP_ATTRIBUTION if nk_boundary in NK_FROM_CRISIS_GROUP else ""
    _shapes_group(
        layers.nagorno_karabakh[nk_boundary],
        f"Nagorno-Karabakh: {NK_BOUNDARIES[nk_boundary][1]}",
        style.NAGORNO_KARABAKH,
        attribution=credit,
        data_key=key(f"nagorno_karabakh/{nk_boundary}"),
    ).add_to(fmap)
    _shapes_group(
        layers.lachin_corridor,
        LACHIN_CORRIDOR_LABEL,
        style.LACHIN_CORRIDOR,
        show=False,
        tooltip_fields=("name",),
        attribution=CRISIS_GROUP_ATTRIBUTION,
        data_key=key("lachin_corridor"),
    ).add_to(fmap)
    _Attribution(BOUNDARY_ATTRIBUTION).add_to(fmap)
    HtmlControl(legend_html(nk_boundary, legend_open), "bottomright", "ccm-legend").add_to(fmap)
    MapScripts().add_to(fmap)
    return fmap


def build_event_map(
    events: pd.DataFrame,
    layers: BaseLayers,
    nk_boundary: str,
    view: MapView | None = None,
    hints: ReaderHints = DASHBOARD_HINTS,
    uncertainty: bool = True,
    representation: str = DEFAULT_REPRESENTATION,
    measure: str = DEFAULT_MEASURE,
    period: DateSpan | None = None,
) -> tuple[folium.Map, str | None]:
    """A complete map (base + events + layer control), e.g. for a standalone HTML file,
    and the note saying how the events are drawn when there are too many for markers (or, for a
    choropleth, which events are in no unit); ``uncertainty`` draws circles of uncertainty around
    approximate locations; ``representation``, ``measure`` and ``period`` (the playback's) as in
    build_selection_layer."""
    fmap = build_base_map(layers, nk_boundary, view or events_view(events))
    layer, note = build_selection_layer(
        events,
        hints=hints,
        uncertainty=uncertainty,
        representation=representation,
        units=layers.units,
        measure=measure,
        period=period,
    )
    layer.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, note


def view_bbox(state: dict | None) -> BBox | None:
    """The area st_folium reports the map showing, or None before the browser has reported."""
    return BBox.from_leaflet((state or {}).get("bounds"))
