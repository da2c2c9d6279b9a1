"""Folium maps: the base map (basemaps, boundaries, legend), views, and a complete event map.

The base map is built apart from the event layer (dashboard/event_layers.py) so
that the dashboard can keep it unchanged while filters replace only the event
layer (no re-mount, the analyst's view is kept).
"""

from __future__ import annotations

import html
import math
from dataclasses import asdict, dataclass

import folium
import pandas as pd
from jinja2 import Template

from dashboard import style
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.geo.display import BaseLayers
from dashboard.style import EVENT_TYPE_COLOURS, ShapeStyle, marker_radius
from dashboard.vocab import BOUNDARY_DISCLAIMER, NK_BOUNDARIES, OSM_ATTRIBUTION, OSM_COPYRIGHT_URL, STUDY_AREA_BBOX
from dashboard.webmap.elements import ScriptElement
from dashboard.webmap.event_layers import DASHBOARD_HINTS, EventLayerScripts, ReaderHints, build_selection_layer

NO_BASEMAP = "None (boundaries only, works offline)"
BOUNDARY_ATTRIBUTION = (
    f'Boundaries {OSM_ATTRIBUTION.replace("©", "&copy;")} (<a href="{OSM_COPYRIGHT_URL}">ODbL</a>), '
    "Natural Earth; events: curated from public reporting"
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
        (function() {
            var control = L.control({position: {{ this.position|tojson }}});
            control.onAdd = function() {
                var div = L.DomUtil.create("div", {{ this.css_class|tojson }});
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo({{ this._parent.get_name() }});
        })();
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
        {{ this._parent.get_name() }}.attributionControl.setPrefix(false);
        {{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.attribution|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, attribution: str) -> None:
        super().__init__()
        self._name = "Attribution"
        self.attribution = attribution


class _Labels(ScriptElement):
    """Place names for the offline basemap, in a pane above the land fill and below the markers."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var group = {{ this._parent.get_name() }};
            var map = {{ this._parent._parent.get_name() }};
            if (!map.getPane("ccm-labels")) {
                var pane = map.createPane("ccm-labels");
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            var colours = {{ this.colours|tojson }};
            {{ this.labels|tojson }}.forEach(function(label) {
                var text = document.createElement("span");
                text.textContent = label.text;
                text.className = "ccm-label ccm-label-" + label.kind;
                text.style.cssText = label.kind === "water"
                    ? "font:italic 12px sans-serif;color:" + colours.water + ";white-space:nowrap"
                    : "font:600 11px sans-serif;letter-spacing:2px;text-transform:uppercase;"
                      + "color:" + colours.place + ";white-space:nowrap";
                L.marker([label.lat, label.lon], {
                    pane: "ccm-labels", interactive: false, keyboard: false,
                    icon: L.divIcon({html: text.outerHTML, className: "", iconSize: null})
                }).addTo(group);
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self, labels: list[dict[str, object]]) -> None:
        super().__init__()
        self._name = "Labels"
        self.labels = labels
        self.colours = {"place": style.PLACE_LABEL, "water": style.WATER_LABEL}


class _Shapes(ScriptElement):
    """A GeoJSON boundary layer with one fixed style, added to its parent group.

    Lighter than folium.GeoJson, which styles feature by feature in Python and
    whose bounds walk every coordinate when st_folium asks on each rerun; here
    the bounds come from the FeatureCollection's "bbox" (geopandas writes one).
    A tooltip, if asked for, joins the named properties as plain text.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var fields = {{ this.tooltip_fields|tojson }};
            var layer = L.geoJson({{ this.data|tojson }}, {
                style: {{ this.style|tojson }}, interactive: fields.length > 0
            });
            if (fields.length) {
                layer.bindTooltip(function(shape) {
                    var text = document.createElement("span");
                    text.textContent = fields.map(function(f) { return shape.feature.properties[f]; }).join(" · ");
                    return text;
                }, {sticky: true});
            }
            layer.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, data: dict, style: dict[str, object], tooltip_fields: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._name = "Shapes"
        self.data, self.style, self.tooltip_fields = data, style, list(tooltip_fields)

    def _get_self_bounds(self) -> list[list[float | None]]:
        west, south, east, north = self.data["bbox"][:4]
        return [[south, west], [north, east]]


def _shapes_group(
    data: dict, name: str, shape_style: ShapeStyle, show: bool = True, tooltip_fields: tuple[str, ...] = ()
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=name, show=show)
    _Shapes(data, shape_style.leaflet(), tooltip_fields).add_to(group)
    return group


def legend_html(nk_boundary: str) -> str:
    e = html.escape
    rows = "".join(
        f'<div><span style="display:inline-block;width:11px;height:11px;border-radius:50%;'
        f'background:{colour};border:1px solid #333;margin-right:5px;vertical-align:-1px"></span>{e(name)}</div>'
        for name, colour in EVENT_TYPE_COLOURS.items()
    )
    sizes = "".join(
        f'<span style="display:inline-block;width:{2 * marker_radius(n)}px;height:{2 * marker_radius(n)}px;'
        f'border-radius:50%;border:1px solid #333;margin:0 3px;vertical-align:middle"></span>{n}'
        for n in (1, 10, 100)
    )
    nk_label = NK_BOUNDARIES[nk_boundary][1]
    return (
        '<details open style="background:rgba(255,255,255,0.92);padding:5px 8px;border-radius:4px;'
        f'box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 sans-serif;max-width:{LEGEND_WIDTH_PX - 20}px">'
        '<summary style="font-weight:600;cursor:pointer">Legend</summary>'
        f"{rows}"
        f'<div style="margin-top:4px">Reported fatalities: {sizes}</div>'
        '<div style="margin-top:4px"><span style="display:inline-block;width:22px;'
        f'border-top:2px solid {style.COUNTRY.edge};vertical-align:middle;margin-right:5px"></span>'
        "International boundary (OSM)</div>"
        f'<div><span style="display:inline-block;width:22px;border-top:2px dashed {style.NAGORNO_KARABAKH.edge};'
        "vertical-align:middle;"
        f'margin-right:5px"></span>Nagorno-Karabakh: {e(nk_label)}</div>'
        f'<div style="margin-top:4px;color:#555;font-size:11px">{e(BOUNDARY_DISCLAIMER)}</div>'
        "</details>"
    )


def build_base_map(layers: BaseLayers, nk_boundary: str, view: MapView) -> folium.Map:
    """Basemaps, land context, boundaries, legend and attribution; no events."""
    fmap = folium.Map(location=view.center, zoom_start=view.zoom, tiles=None, control_scale=True)
    # Without a tile layer Leaflet knows no zoom limits, which marker clustering needs.
    fmap.options.update(min_zoom=5, max_zoom=16)
    # The first base layer is the default: vector land context, no network needed.
    offline = folium.FeatureGroup(name=NO_BASEMAP, overlay=False, control=True)
    context = ((layers.neighbours, style.NEIGHBOUR_LAND), (layers.land, style.HOME_LAND), (layers.water, style.WATER))
    for data, shape_style in context:
        _Shapes(data, shape_style.leaflet()).add_to(offline)
    _Labels([asdict(label) for label in layers.labels]).add_to(offline)
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

    _shapes_group(layers.countries, "Armenia and Azerbaijan (OSM)", style.COUNTRY).add_to(fmap)
    _shapes_group(
        layers.provinces,
        "Provinces / rayons (Natural Earth, ±1–3 km)",
        style.PROVINCE,
        show=False,
        tooltip_fields=("province", "province_code"),
    ).add_to(fmap)
    _shapes_group(
        layers.nagorno_karabakh[nk_boundary],
        f"Nagorno-Karabakh: {NK_BOUNDARIES[nk_boundary][1]}",
        style.NAGORNO_KARABAKH,
    ).add_to(fmap)
    _Attribution(BOUNDARY_ATTRIBUTION).add_to(fmap)
    HtmlControl(legend_html(nk_boundary), "bottomright", "ccm-legend").add_to(fmap)
    EventLayerScripts().add_to(fmap)
    return fmap


def build_event_map(
    events: pd.DataFrame,
    layers: BaseLayers,
    nk_boundary: str,
    view: MapView | None = None,
    hints: ReaderHints = DASHBOARD_HINTS,
) -> tuple[folium.Map, str | None]:
    """A complete map (base + events + layer control), e.g. for a standalone HTML file,
    and the note saying how the events are drawn when there are too many for markers."""
    fmap = build_base_map(layers, nk_boundary, view or events_view(events))
    layer, note = build_selection_layer(events, hints=hints)
    layer.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap, note


def view_bbox(state: dict | None) -> BBox | None:
    """The area st_folium reports the map showing, or None before the browser has reported."""
    return BBox.from_leaflet((state or {}).get("bounds"))
