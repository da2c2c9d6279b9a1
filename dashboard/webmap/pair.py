"""The maps of a comparison of two periods: the change per unit, and the two periods side by side.

folium's DualMap loads its synchronisation plugin from a CDN; this pair synchronises the maps with
a few lines of the project's own script (L.ccm.syncMaps), so that it works offline.
"""

from __future__ import annotations

import html

import folium
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.plugins import DualMap
from jinja2 import Template

from dashboard import style
from dashboard.geo.display import BaseLayers
from dashboard.summary.compare import BY_PROVINCE, UNITS, Comparison
from dashboard.webmap.assets import bundles_served, link_local_assets, require_offline
from dashboard.webmap.base_map import HtmlControl, MapView, build_base_map
from dashboard.webmap.event_layers import build_choropleth_layer, build_selection_layer, classed_legend_html

_checked_offline: set[str] = set()


def _check_offline_once(root: Element, what: str) -> None:
    """Raise UnvendoredAssetError if the page would load anything from another host. Checked on the
    first map of each kind a process builds: its make-up is the same for every later one, and
    rendering the whole page again on every rerun would cost as much as sending it."""
    if what not in _checked_offline:
        require_offline(root.render(), what)
        _checked_offline.add(what)


class SyncedPair(DualMap):
    """A left and a right map in one page, kept on the same view; streamlit-folium draws it as one."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.ccm.syncMaps({{ this.m1.get_name() }}, {{ this.m2.get_name() }});
        {% endmacro %}
        """
    )
    default_js: list[tuple[str, str]] = []  # noqa: RUF012  (L.ccm comes with every map's scripts)

    def __init__(self, left: folium.Map, right: folium.Map) -> None:
        MacroElement.__init__(self)  # not DualMap's: the two maps are built by build_base_map
        self._name = "SyncedPair"
        self.m1, self.m2 = left, right
        figure = Figure()
        figure.add_child(left)
        figure.add_child(right)
        figure.add_child(self)  # last, as DualMap does: its script runs once both maps exist
        self.children_for_m2: list[tuple[object, str | None, int | None]] = []
        self.children_for_m2_copied: list[str] = []


def build_pair_map(
    layers: BaseLayers,
    nk_boundary: str,
    view: MapView,
    sides: tuple[tuple[str, pd.DataFrame], tuple[str, pd.DataFrame]],
    uncertainty: bool = True,
) -> SyncedPair:
    """Two base maps on ``view``, each with its heading (e.g. "A: 12–14 Sep 2022 — 15 events") and events,
    their scripts linked to the local copies the dashboard serves (none from another host: checked)."""
    maps = []
    for heading, events in sides:
        # Placed by streamlit-folium, which sets each of a pair's two maps side by side.
        fmap = build_base_map(layers, nk_boundary, view, legend_open=False, by_reference=bundles_served())
        layer, _ = build_selection_layer(events, uncertainty=uncertainty)
        layer.add_to(fmap)
        HtmlControl(f"<b>{html.escape(heading)}</b>", "topright", "ccm-info").add_to(fmap)
        maps.append(fmap)
    pair = SyncedPair(maps[0], maps[1])
    link_local_assets(pair.get_root())
    _check_offline_once(pair.get_root(), "The pair of maps")
    return pair


def build_change_map(
    layers: BaseLayers, nk_boundary: str, view: MapView, comparison: Comparison, caption: str
) -> folium.Map:
    """One map of the compared units filled by the band of their change (style.CHANGE_BAND_COLOURS),
    hovering a unit shows its counts in A and B, the change and the band; the legend names the bands."""
    kind = "provinces" if comparison.by == BY_PROVINCE else "sectors"
    names = layers.units[kind]["name"]
    ids = dict(zip(names.astype(str), names.index.astype(str), strict=True))
    colours: dict[str, str | None] = {}
    hover: dict[str, list[str]] = {}
    for record in comparison.table.to_dict("records"):
        unit = ids.get(str(record["unit"]))
        if unit is None:
            continue
        colours[unit] = style.CHANGE_BAND_COLOURS[str(record["band"])]
        change_pct = record["change_pct"]
        pct = "" if pd.isna(change_pct) else f" ({float(change_pct):+.1f} %)"
        hover[unit] = [
            str(record["unit"]),
            f"A: {int(record['events_a']):,} · B: {int(record['events_b']):,} events",
            f"change {int(record['change']):+,}{pct}: {record['band']}",
        ]
    legend = classed_legend_html(
        f"Change per {UNITS[comparison.by][1]}, A − B",
        None,
        [caption],
        extra=[(colour, band) for band, colour in style.CHANGE_BAND_COLOURS.items()],
    )
    fmap = build_base_map(layers, nk_boundary, view, legend_open=False, by_reference=bundles_served())
    build_choropleth_layer(kind, colours, hover, legend, name="Change per unit").add_to(fmap)
    link_local_assets(fmap)
    _check_offline_once(fmap.get_root(), "The change map")
    return fmap
