"""Print-quality map snapshots (PNG, SVG, PDF) drawn server-side with GeoPandas and matplotlib.

No browser and no network: the same boundary layers, type colours and
marker sizes as the interactive map, plus what a report needs — title,
legend, caption of the filters and counts, scale bar, north arrow, date,
attribution and the boundary disclaimer.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
from matplotlib import patheffects, rc_context
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import EllipseCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from shapely.geometry import box

from dashboard import style
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.errors import SnapshotError
from dashboard.export.formats import SCREEN_DPI, SNAPSHOT_FORMATS
from dashboard.export.tiles import fetch_tiles
from dashboard.geo.display import Label, area_labels
from dashboard.geo.join import Boundaries
from dashboard.geo.places import towns_to_label
from dashboard.geo.units import unit_shapes
from dashboard.style import EVENT_TYPE_COLOURS, marker_radius
from dashboard.summary.units import Choropleth, Classes, choropleth, unit_figures
from dashboard.vocab import (
    BOUNDARY_DISCLAIMER,
    CRISIS_GROUP_ATTRIBUTION,
    GEONAMES_ATTRIBUTION,
    NK_BOUNDARIES,
    NK_FROM_CRISIS_GROUP,
    OSM_ATTRIBUTION,
    PROVINCE_LINES_SHORT,
    REPRESENTATIONS,
    STUDY_AREA_BBOX,
    UNCERTAINTY_LEGEND,
    UNIT_COLUMNS,
)

PAGE_INCHES = (11.0, 8.5)
ATTRIBUTION = (
    f"Boundaries {OSM_ATTRIBUTION} (ODbL 1.0), Azerbaijan's rayons via geoBoundaries (Runfola et al. 2020); "
    "Armenia's and the Karabakh units' province lines and the 1991 and 1994–2020 Nagorno-Karabakh lines: "
    f"Natural Earth (public domain, ±1–3 km); names: {GEONAMES_ATTRIBUTION}. Events: curated from public reporting — "
    "see the sources in the data export."
)
# Web Mercator, so that optional web tiles line up; the scale bar corrects for its stretch.
SNAPSHOT_CRS = "EPSG:3857"
MIN_SPAN_DEG = 0.6  # a snapshot of one place still shows its surroundings
MAP_AXES = (0.03, 0.17, 0.68, 0.74)  # left, bottom, width, height (figure fraction)
MAX_STACK_LABELS = 150
SCALE_BAR_ZORDER = 7
BASEMAP_ZORDER = 1  # land, neighbours, water
FILL_ZORDER = 1.5  # a choropleth's units or a heatmap's bins: over the land, under the outlines
OUTLINE_ZORDER = 2  # boundary lines and area names
HEX_ACROSS = 36  # a heatmap's hexagons across the map's width
# The event columns a snapshot reads (its points, towns, circles of uncertainty and units): all an
# export's child process is sent, so that a million events' other columns are neither pickled nor held twice.
DRAWN_COLUMNS = (
    "longitude",
    "latitude",
    "event_date",
    "event_type",
    "fatalities",
    "location",
    "precision_km",
    *UNIT_COLUMNS.values(),
    "border_distance_km",  # why an event has no border sector
)


@dataclass(frozen=True)
class Snapshot:
    """The drawn figure, the events it shows (those inside the extent) and any note on how it was drawn."""

    figure: Figure
    events: pd.DataFrame
    extent: BBox
    notes: tuple[str, ...] = ()
    # Each named town and where its label went, in display pixels (x0, y0, x1, y1).
    town_labels: tuple[tuple[str, tuple[float, float, float, float]], ...] = ()


@dataclass(frozen=True)
class SnapshotSpec:
    """What a snapshot shows besides the events: title, caption, area, date and optional tiles."""

    title: str
    caption_lines: list[str] = field(default_factory=list)
    bbox: BBox | None = None  # only this area; else fitted to the events
    generated: dt.date = field(default_factory=dt.date.today)
    basemap: str | None = None  # a name from basemaps.BASEMAPS, drawn only if its tiles can be fetched
    uncertainty: bool = True  # circles of uncertainty around approximate locations, with their legend entry
    # Reported killed per party in the filtered period, one clause per party (summary/claims.py).
    casualty_lines: list[str] = field(default_factory=list)
    # The filter's period (timeframes.played_period): what the HTML export's playback steps through.
    period: tuple[dt.date, dt.date] | None = None
    representation: str = "points"  # a key of vocab.REPRESENTATIONS
    measure: str = "events"  # what a choropleth colours by (vocab.CHOROPLETH_MEASURES)
    classes: Classes | None = None  # a choropleth's classes when given (an animation's, fixed over its frames)


def parse_bbox(text: str) -> BBox:
    """'minlon,minlat,maxlon,maxlat' -> BBox, with a sentence for each way it can be wrong."""
    try:
        return BBox.parse(text)
    except ValueError as exc:
        raise SnapshotError(str(exc)) from None


def snapshot_extent(events: pd.DataFrame, bbox: BBox | None) -> BBox:
    """The area drawn: ``bbox`` if given, else the events with a margin, else the study area."""
    if bbox is not None:
        return bbox
    located = events[events["latitude"].notna()]
    if located.empty:
        return STUDY_AREA_BBOX
    lon_min, lon_max = located["longitude"].min(), located["longitude"].max()
    lat_min, lat_max = located["latitude"].min(), located["latitude"].max()
    pad_lon = max((lon_max - lon_min) * 0.12, (MIN_SPAN_DEG - (lon_max - lon_min)) / 2, 0.05)
    pad_lat = max((lat_max - lat_min) * 0.12, (MIN_SPAN_DEG - (lat_max - lat_min)) / 2, 0.05)
    return BBox(
        max(lon_min - pad_lon, -180),
        max(lat_min - pad_lat, -90),
        min(lon_max + pad_lon, 180),
        min(lat_max + pad_lat, 90),
    )


def render_snapshot(events: pd.DataFrame, boundaries: Boundaries, nk_boundary: str, spec: SnapshotSpec) -> Snapshot:
    """Draw the events inside the snapshot's area on the offline basemap (or fetched tiles) with legend,
    scale bar, north arrow, caption and attribution.

    ``spec.representation`` draws the events as points, a heatmap (hexagonal bins under the outlines)
    or a choropleth by province or border sector, each with its own legend.

    Raises SnapshotError for an unknown basemap or representation. Tiles that cannot be fetched are
    not an error: the snapshot is drawn without them and its notes say so.
    """
    # Every text is literal: matplotlib would read "$...$" in a title or a name as mathtext.
    with rc_context({"text.parse_math": False}):
        return _render(events, boundaries, nk_boundary, spec)


def _render(events: pd.DataFrame, boundaries: Boundaries, nk_boundary: str, spec: SnapshotSpec) -> Snapshot:
    extent = snapshot_extent(events, spec.bbox)
    located = events[events["latitude"].notna()]
    inside = located[events_in(located, extent)]

    fig = Figure(figsize=PAGE_INCHES)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes(MAP_AXES)
    frame = _fill_axes(gpd.GeoSeries([box(*extent.bounds())], crs="EPSG:4326").to_crs(SNAPSHOT_CRS).total_bounds)
    tiles, notes = None, []
    if spec.basemap:
        if spec.basemap not in BASEMAPS:
            raise SnapshotError(f"Unknown basemap '{spec.basemap}'; use one of {', '.join(BASEMAPS)}.")
        tiles = fetch_tiles(BASEMAPS[spec.basemap], frame, width_px=int(MAP_AXES[2] * PAGE_INCHES[0] * SCREEN_DPI))
        if tiles is None:
            notes.append(f"The {spec.basemap} basemap could not be fetched (offline?); drawn without it.")
        else:
            ax.imshow(tiles.pixels, extent=tiles.extent, interpolation="bilinear", zorder=0)
    if spec.representation not in REPRESENTATIONS:
        raise SnapshotError(f"Unknown representation '{spec.representation}'; use one of {', '.join(REPRESENTATIONS)}.")
    _draw_boundaries(ax, boundaries, nk_boundary, frame, filled=tiles is None)
    labels = area_labels(boundaries, *extent.bounds())
    _draw_labels(ax, [lb for lb in labels if lb.kind != "province"], extent)
    circled = False
    legend: tuple[str, list[Artist]]
    if spec.representation in UNIT_COLUMNS:
        kind = spec.representation
        shapes = unit_shapes(boundaries, kind)
        drawn = choropleth(unit_figures(inside, shapes, kind), spec.measure, spec.classes)
        draw_choropleth(ax, shapes, [drawn.colours[unit] for unit in shapes.index], frame)
        legend = (drawn.title, choropleth_legend_handles(drawn))
    elif spec.representation == "heatmap":
        legend = (DENSITY_TITLE, _draw_heat(fig, ax, inside, frame))
    elif len(inside) > style.SNAPSHOT_MAX_POINTS:
        density = density_sentence(len(inside), _hex_km(frame))
        notes.append(density)
        legend = (DENSITY_TITLE, _draw_heat(fig, ax, inside, frame, explained=density))
    else:
        circled = _draw_uncertainty(ax, inside) if spec.uncertainty else False
        _draw_events(ax, inside)
        legend = ("Event type", _point_legend_handles(inside, uncertainty=circled))
    _frame_map(ax, frame)
    # Towns last: they are placed where nothing drawn so far (texts, scale bar) would be covered.
    towns = _draw_towns(fig, ax, inside, extent, [lb for lb in labels if lb.kind == "province"])
    _draw_legend(fig, *legend, nk_boundary)
    _draw_texts(fig, spec, n_shown=len(inside), notes=notes, tiles_used=tiles is not None, nk_boundary=nk_boundary)
    return Snapshot(figure=fig, events=inside, extent=extent, notes=tuple(notes), town_labels=towns)


def _frame_map(ax: Axes, frame: tuple[float, float, float, float]) -> None:
    """Fix a map's axes to ``frame`` at true aspect, without ticks or labels, with its scale bar and north arrow."""
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for spine in ax.spines.values():
        spine.set_edgecolor("#666666")
    _draw_scale_bar(ax)
    _draw_north_arrow(ax)


def _fill_axes(
    bounds: np.ndarray, rect: tuple[float, float, float, float] = MAP_AXES
) -> tuple[float, float, float, float]:
    """Widen the metric frame to the map box's aspect, so the map fills it without margins."""
    x0, y0, x1, y1 = bounds
    box_aspect = (rect[2] * PAGE_INCHES[0]) / (rect[3] * PAGE_INCHES[1])
    width, height = x1 - x0, y1 - y0
    if width / height < box_aspect:
        grow = (height * box_aspect - width) / 2
        return (x0 - grow, y0, x1 + grow, y1)
    grow = (width / box_aspect - height) / 2
    return (x0, y0 - grow, x1, y1 + grow)


def _draw_boundaries(
    ax: Axes, boundaries: Boundaries, nk_boundary: str, frame: tuple[float, ...], filled: bool
) -> None:
    # Clipping to the frame keeps SVG and PDF files small: only what is visible is written.
    window = box(*frame).buffer((frame[2] - frame[0]) * 0.02)

    def draw(layer: gpd.GeoDataFrame, outline: bool = False, **options: object) -> None:
        clipped = gpd.clip(layer.to_crs(SNAPSHOT_CRS), window)
        if not clipped.empty:
            # Outlines over a heatmap's or choropleth's fill (FILL_ZORDER), areas under it.
            zorder = OUTLINE_ZORDER if outline else BASEMAP_ZORDER
            (clipped.boundary if outline else clipped).plot(ax=ax, zorder=zorder, **options)

    if filled:  # the offline basemap; with web tiles only the lines are drawn
        ax.set_facecolor(style.WATER.fill)
        for layer, area in (
            (boundaries.neighbours, style.NEIGHBOUR_LAND),
            (boundaries.countries, style.HOME_LAND),
            (boundaries.water, style.WATER),
        ):
            draw(layer, color=area.fill, edgecolor=area.edge or "none", linewidth=area.width_pt if area.edge else 0)
    draw(boundaries.provinces, outline=True, **style.PROVINCE.matplotlib_line())
    draw(boundaries.countries, outline=True, **style.COUNTRY.matplotlib_line())
    draw(boundaries.nagorno_karabakh.loc[[nk_boundary]], outline=True, **style.NAGORNO_KARABAKH.matplotlib_line())


def _draw_labels(ax: Axes, labels: list[Label], extent: BBox) -> None:
    shown = [lb for lb in labels if extent.west <= lb.lon <= extent.east and extent.south <= lb.lat <= extent.north]
    if not shown:
        return
    points = gpd.GeoSeries(gpd.points_from_xy([lb.lon for lb in shown], [lb.lat for lb in shown]), crs="EPSG:4326")
    for label, point in zip(shown, points.to_crs(SNAPSHOT_CRS), strict=True):
        water = label.kind == "water"
        ax.text(
            point.x,
            point.y,
            label.text if water else label.text.upper(),
            ha="center",
            va="center",
            fontsize=8 if water else 9,
            style="italic" if water else "normal",
            color=style.WATER_LABEL if water else style.PLACE_LABEL,
            fontweight="normal" if water else "bold",
            zorder=2,
        )


# Where a town's label may go, in points from its dot: right, left, above, below, then the diagonals.
LABEL_POSITIONS = (
    ((5, 0), "left", "center"),
    ((-5, 0), "right", "center"),
    ((0, 5), "center", "bottom"),
    ((0, -5), "center", "top"),
    ((4, 4), "left", "bottom"),
    ((-4, 4), "right", "bottom"),
    ((4, -4), "left", "top"),
    ((-4, -4), "right", "top"),
)
LABEL_GAP_PX = 2.0  # labels keep at least this far apart
TOWN_LABELS_MAX = 24


def _draw_towns(
    fig: Figure, ax: Axes, events: pd.DataFrame, extent: BBox, provinces: list[Label]
) -> tuple[tuple[str, tuple[float, float, float, float]], ...]:
    """Name the towns at or nearest the events, then the main towns, then the provinces, where they fit.

    Each town's label is tried in LABEL_POSITIONS around its dot and kept in the first one that
    stays inside the map and clear of every label, the scale bar and the north arrow already
    there; a town whose label fits nowhere is left out, dot and all. A province name is tried at
    its point only. A white halo keeps names legible over lines and markers.
    """
    towns = towns_to_label(
        events["longitude"].to_numpy(),
        events["latitude"].to_numpy(),
        extent.west,
        extent.south,
        extent.east,
        extent.north,
        limit=TOWN_LABELS_MAX,
        locations=events["location"].fillna("").astype(str).tolist(),
    )
    if not towns and not provinces:
        return ()
    renderer = FigureCanvasAgg(fig).get_renderer()
    ax.apply_aspect()
    inside = ax.get_window_extent(renderer)
    taken = [t.get_window_extent(renderer) for t in ax.texts]
    taken += [p.get_window_extent(renderer) for p in ax.patches if p.get_zorder() >= SCALE_BAR_ZORDER]
    halo = [patheffects.withStroke(linewidth=2.4, foreground="white")]
    placed: list[tuple[str, tuple[float, float, float, float]]] = []

    def place(text: str, x: float, y: float, positions: tuple, **look: object) -> bool:
        for offset, ha, va in positions:
            where = {"xytext": offset, "textcoords": "offset points", "ha": ha, "va": va}
            label = ax.annotate(text, (x, y), **where, **look)  # type: ignore[arg-type]
            box = label.get_window_extent(renderer).padded(LABEL_GAP_PX)
            fits = inside.x0 <= box.x0 and box.x1 <= inside.x1 and inside.y0 <= box.y0 and box.y1 <= inside.y1
            if fits and not any(box.overlaps(other) for other in taken):
                # The halo is a copy drawn as an outline underneath: path effects would turn the
                # name itself into curves, and it must stay text in SVG and PDF.
                halo_look = {**look, "color": "white", "zorder": float(look["zorder"]) - 0.05}  # type: ignore[arg-type]
                ax.annotate(text, (x, y), **where, **halo_look, path_effects=halo)  # type: ignore[arg-type]
                taken.append(box)
                placed.append((text, (box.x0, box.y0, box.x1, box.y1)))
                return True
            label.remove()
        return False

    xs, ys = _to_map_crs([t.longitude for t in towns], [t.latitude for t in towns])
    for town, x, y in zip(towns, xs, ys, strict=True):
        if place(town.name, x, y, LABEL_POSITIONS, fontsize=7.5, color=style.TOWN_LABEL, zorder=6.5):
            ax.plot([x], [y], marker="o", markersize=2.6, color=style.TOWN_DOT, zorder=6.4, linestyle="none")
    xs, ys = _to_map_crs([p.lon for p in provinces], [p.lat for p in provinces])
    for province, x, y in zip(provinces, xs, ys, strict=True):
        centred = (((0, 0), "center", "center"),)
        place(province.text, x, y, centred, fontsize=6.5, style="italic", color=style.PLACE_LABEL, zorder=2.5)
    return tuple(placed)


EARTH_RADIUS_M = 6378137.0  # Web Mercator's sphere


def _to_map_crs(
    longitude: Sequence[float] | np.ndarray, latitude: Sequence[float] | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Lon/lat to the snapshot's Web Mercator x and y.

    EPSG:3857's formulas on its sphere, in numpy: the same numbers as pyproj, without building a
    shapely point per event (a million points took seconds that way)."""
    lon = np.radians(np.asarray(longitude, dtype=float))
    lat = np.radians(np.asarray(latitude, dtype=float))
    return EARTH_RADIUS_M * lon, EARTH_RADIUS_M * np.log(np.tan(np.pi / 4 + lat / 2))


def _draw_uncertainty(ax: Axes, events: pd.DataFrame) -> bool:
    """Each approximate location's circle of uncertainty (precision_km) under the markers; whether any was drawn.

    Web Mercator is conformal: a circle on the ground stays a circle on the map, its radius in map
    units the ground radius times the projection's scale factor at its latitude, 1 / cos(latitude)
    (the same stretch the scale bar corrects). Events sharing a place and a radius share one circle.
    """
    if "precision_km" not in events.columns:
        return False
    circled = events.loc[events["precision_km"].notna(), ["longitude", "latitude", "precision_km"]].drop_duplicates()
    if circled.empty:
        return False
    x, y = _to_map_crs(circled["longitude"].tolist(), circled["latitude"].tolist())
    latitude = np.radians(circled["latitude"].to_numpy(dtype=float))
    diameter = 2 * circled["precision_km"].to_numpy(dtype=float) * 1000 / np.cos(latitude)
    look = style.LOCATION_UNCERTAINTY
    circles = EllipseCollection(
        diameter,
        diameter,
        np.zeros(len(diameter)),
        units="xy",
        offsets=np.column_stack([x, y]),
        offset_transform=ax.transData,
        facecolors=[to_rgba(look.fill or "none", look.fill_opacity)],
        edgecolors=[look.edge or "none"],
        linewidths=look.width_pt,
        zorder=4.5,  # over the boundaries and labels, under the markers (5)
    )
    circles.set_gid("uncertainty")
    ax.add_collection(circles)
    return True


def _draw_events(ax: Axes, events: pd.DataFrame) -> None:
    if events.empty:
        return
    ordered = events.sort_values("event_date", kind="stable")
    xy = gpd.GeoSeries(gpd.points_from_xy(ordered["longitude"], ordered["latitude"]), crs="EPSG:4326").to_crs(
        SNAPSHOT_CRS
    )
    x, y = xy.x.to_numpy(), xy.y.to_numpy()
    sizes = [(marker_radius(f) * 1.25) ** 2 for f in ordered["fatalities"]]
    colours = ordered["event_type"].map(EVENT_TYPE_COLOURS).fillna(style.UNKNOWN_TYPE_COLOUR).tolist()
    marks = ax.scatter(
        x, y, s=sizes, c=colours, edgecolors=style.MARKER_EDGE, linewidths=0.6, zorder=5, alpha=MARKER_ALPHA
    )
    marks.set_gid("events")
    # Events at the same place overlap exactly: say how many there are (while that stays readable).
    places = pd.DataFrame({"x": x.round(0), "y": y.round(0)}).value_counts()
    stacked = places[places > 1]
    if len(stacked) <= MAX_STACK_LABELS:
        xs, ys = stacked.index.get_level_values("x"), stacked.index.get_level_values("y")
        for px, py, n in zip(xs, ys, stacked.to_numpy(), strict=True):
            ax.annotate(
                f"×{n}",
                (px, py),
                xytext=(6, 4),
                textcoords="offset points",
                fontsize=7,
                color=style.INK,
                zorder=6,
                fontweight="bold",
                gid="stacked",
            )


MARKER_ALPHA = 0.9  # the markers' opacity: where they overlap, both stay visible
# What draw_points adds to a map: an animation removes exactly these before it draws the next frame's.
POINT_GIDS = ("uncertainty", "events", "stacked", "density")


def draw_points(ax: Axes, events: pd.DataFrame, uncertainty: bool = True) -> list[Artist]:
    """Draw ``events`` on a snapshot's map as the points representation does (circles of uncertainty
    under the markers when ``uncertainty``, "×N" where events share a place); returns the point
    artists now on the map (their gids are POINT_GIDS).

    Above style.SNAPSHOT_MAX_POINTS events, their density as hexagons over the axes' current limits
    (gid "density"), as a points snapshot draws them."""
    if len(events) > style.SNAPSHOT_MAX_POINTS:
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        bins = _hex_bins(ax, events, (x0, y0, x1, y1))
        bins.set_gid("density")
        return [bins]
    if uncertainty:
        _draw_uncertainty(ax, events)
    _draw_events(ax, events)
    return [artist for artist in ax.get_children() if artist.get_gid() in POINT_GIDS]


def _nice_length_km(span_km: float) -> float:
    target = span_km / 5
    magnitude = 10 ** math.floor(math.log10(target))
    return max(step * magnitude for step in (1, 2, 5) if step * magnitude <= target)


def _draw_scale_bar(ax: Axes) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    # Web Mercator stretches distances by 1/cos(latitude): convert ground km to map units at the centre.
    centre_lat = math.degrees(2 * math.atan(math.exp((y0 + y1) / 2 / 6378137.0)) - math.pi / 2)
    stretch = 1 / math.cos(math.radians(centre_lat))
    length_km = _nice_length_km((x1 - x0) / 1000 / stretch)
    left, bottom = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    height = (y1 - y0) * 0.008
    half = length_km * 500 * stretch
    ax.add_patch(
        Rectangle(
            (left - (x1 - x0) * 0.01, bottom - height * 2.2),
            2 * half + (x1 - x0) * 0.02,
            height * 6.5,
            facecolor="white",
            alpha=0.8,
            edgecolor="none",
            zorder=SCALE_BAR_ZORDER,
        )
    )
    ax.add_patch(Rectangle((left, bottom), half, height, facecolor=style.INK, edgecolor=style.INK, zorder=8))
    ax.add_patch(Rectangle((left + half, bottom), half, height, facecolor="white", edgecolor=style.INK, zorder=8))
    ax.text(left, bottom + height * 1.6, "0", fontsize=7, ha="center", va="bottom", zorder=8)
    ax.text(left + 2 * half, bottom + height * 1.6, f"{length_km:g} km", fontsize=7, ha="center", va="bottom", zorder=8)


def _draw_north_arrow(ax: Axes) -> None:
    ax.annotate(
        "N",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        zorder=8,
        arrowprops={"arrowstyle": "-|>", "color": style.INK, "lw": 1.4, "mutation_scale": 14},
    )


def _point_legend_handles(events: pd.DataFrame, uncertainty: bool = False) -> list[Artist]:
    """Types shown, fatality sizes and the circle of uncertainty when any is drawn."""
    present = [t for t in EVENT_TYPE_COLOURS if t in set(events["event_type"])] or list(EVENT_TYPE_COLOURS)
    handles: list[Artist] = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=EVENT_TYPE_COLOURS[t],
            markeredgecolor=style.INK,
            markeredgewidth=0.6,
            label=t,
        )
        for t in present
    ]
    handles += [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=marker_radius(n) * 1.25,
            markerfacecolor="white",
            markeredgecolor=style.INK,
            label=label,
        )
        for n, label in ((None, "fatalities not reported"), (10, "10 reported killed"), (100, "100 reported killed"))
    ]
    if uncertainty:
        look = style.LOCATION_UNCERTAINTY
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markersize=13,
                markerfacecolor=to_rgba(look.fill or "none", look.fill_opacity),
                markeredgecolor=look.edge,
                markeredgewidth=look.width_pt,
                label="\n".join(textwrap.wrap(UNCERTAINTY_LEGEND, 36)),
                gid="uncertainty-legend",
            )
        )
    return handles


def classed_legend_handles(
    classes: Classes | None,
    no_data_label: str = "No events",
    extra: Sequence[tuple[style.ShapeStyle, str]] = (),
) -> list[Artist]:
    """A classed legend's entries: one filled square per class with its label, the ``extra`` (style,
    label) squares, then ``no_data_label``.

    Any classes and palette (summary.units.Classes): a diverging change map passes its own.
    """
    unit = style.CHOROPLETH_UNIT
    handles: list[Artist] = [
        Patch(facecolor=to_rgba(colour, unit.fill_opacity), edgecolor=unit.edge, linewidth=unit.width_pt, label=label)
        for colour, label in zip(classes.colours if classes else (), classes.labels if classes else (), strict=True)
    ]
    for look, label in [*extra, (style.NO_EVENTS, no_data_label)]:
        handles.append(
            Patch(
                facecolor=to_rgba(look.fill or "none", look.fill_opacity),
                edgecolor=look.edge,
                linewidth=look.width_pt,
                label=label,
            )
        )
    return handles


def choropleth_legend_handles(drawn: Choropleth) -> list[Artist]:
    """The legend of a choropleth of summary.units: its classes, "No events", and how it is classed."""
    extra = [(style.NO_FIGURE, style.NO_FIGURE_LABEL)] if drawn.without_figure else []
    handles = classed_legend_handles(drawn.classes, extra=extra)
    notes = ["Classes: quintiles of the units with events (fewer where figures repeat)."]
    if drawn.measure == "killed":
        notes.insert(0, "Reported killed: the sum of the events' single figures (fatalities).")
    outside = drawn.figures.outside_note()
    notes += [outside] if outside else []
    handles += [Line2D([], [], linestyle="", label="\n".join(textwrap.wrap(note, 40))) for note in notes]
    return handles


def choropleth_fills(
    colours: Sequence[str | None], no_data: style.ShapeStyle = style.NO_EVENTS
) -> list[tuple[float, float, float, float]]:
    """The RGBA fill of each unit's class colour (None: ``no_data``'s fill), as draw_choropleth fills them."""
    unit = style.CHOROPLETH_UNIT
    # The opacity of the classes only: the "no events" and "no figure" fills are opaque greys.
    return [
        to_rgba(colour, unit.fill_opacity if colour != style.NO_FIGURE.fill else 1.0)
        if colour
        else to_rgba(no_data.fill or "none", no_data.fill_opacity)
        for colour in colours
    ]


def draw_choropleth(
    ax: Axes,
    shapes: gpd.GeoDataFrame,
    colours: Sequence[str | None],
    frame: tuple[float, float, float, float],
    no_data: style.ShapeStyle = style.NO_EVENTS,
) -> None:
    """Fill each unit of ``shapes`` (any CRS) with its colour in ``colours`` (same order; None: ``no_data``),
    over the land and under the boundary lines, clipped to the map ``frame`` (SNAPSHOT_CRS bounds)."""
    window = box(*frame).buffer((frame[2] - frame[0]) * 0.02)
    unit = style.CHOROPLETH_UNIT
    fills = choropleth_fills(colours, no_data)
    layer = gpd.GeoDataFrame({"fill": fills}, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)
    clipped = gpd.clip(layer.to_crs(SNAPSHOT_CRS), window)
    if clipped.empty:
        return
    clipped.plot(
        ax=ax,
        color=list(clipped["fill"]),
        edgecolor=unit.edge,
        linewidth=unit.width_pt,
        zorder=FILL_ZORDER,
        gid="choropleth",
    )


def heat_colormap() -> LinearSegmentedColormap:
    """style.HEAT_GRADIENT as a matplotlib colour map (the live heatmap's ramp)."""
    return LinearSegmentedColormap.from_list("ccm_heat", list(style.HEAT_GRADIENT))


DENSITY_TITLE = "Event density"


def density_sentence(n_events: int, hex_km: float) -> str:
    """What a points snapshot drawn as a density says in its legend and caption: that each event is not a dot."""
    return (
        f"Density of {n_events:,} events: more than {style.SNAPSHOT_MAX_POINTS:,} are drawn as hexagons "
        # A no-break space: the legend's wrapping keeps the number with its unit.
        f"of about {_round_km(hex_km)}\u00a0km; colour = events per hexagon (empty hexagons are not drawn)."
    )


def _hex_km(frame: tuple[float, float, float, float]) -> float:
    """The hexagons' width on the ground, in km, for a map of ``frame``."""
    return (frame[2] - frame[0]) / 1000 / _mercator_stretch(frame) / HEX_ACROSS


def _hex_bins(ax: Axes, events: pd.DataFrame, frame: tuple[float, float, float, float]) -> PolyCollection:
    """The events counted in HEX_ACROSS hexagons across ``frame`` (empty ones not drawn), over the land
    and under the outlines, coloured from 1 to the fullest hexagon's count."""
    x, y = _to_map_crs(events["longitude"].to_numpy(dtype=float), events["latitude"].to_numpy(dtype=float))
    bins = ax.hexbin(
        x,
        y,
        gridsize=HEX_ACROSS,
        extent=(frame[0], frame[2], frame[1], frame[3]),
        mincnt=1,
        cmap=heat_colormap(),
        alpha=0.85,
        edgecolors=style.NO_EVENTS.edge or "none",  # a thin grey edge keeps the palest hexagons visible on the land
        linewidths=0.3,
        zorder=FILL_ZORDER,
    )
    counts = bins.get_array()
    bins.set_clim(1, int(max(counts.max(), 1)) if counts is not None and counts.size else 1)
    return bins


def _draw_heat(
    fig: Figure, ax: Axes, events: pd.DataFrame, frame: tuple[float, float, float, float], explained: str = ""
) -> list[Artist]:
    """The events' density as hexagonal bins (count of events per hexagon, empty ones not drawn) over the
    land and under the outlines, with a colour bar in the legend column; returns the legend's entries,
    ``explained`` (wrapped) in place of the heatmap's own words when given."""
    if explained:  # one entry, so that its lines keep a text's spacing
        words = ["\n".join(textwrap.wrap(explained, 40))]
    else:
        words = [f"Events per hexagon (about {_round_km(_hex_km(frame))} km across);", "empty hexagons are not drawn"]
    entries: list[Artist] = [Line2D([], [], linestyle="", label=line) for line in words]
    if events.empty:
        return [*entries, Line2D([], [], linestyle="", label="No events to draw")]
    bins = _hex_bins(ax, events, frame)
    # A points snapshot's density has draw_points' gid: an animation drawn over it replaces it per frame.
    bins.set_gid("density" if explained else "heat")
    most = int(bins.get_clim()[1] or 1)
    bar_axes = fig.add_axes((MAP_AXES[0] + MAP_AXES[2] + 0.02, 0.84, 0.18, 0.018))
    bar = fig.colorbar(bins, cax=bar_axes, orientation="horizontal")
    bar.set_ticks(sorted({1, max(1, most // 2), most}))
    bar.ax.tick_params(labelsize=7)
    bar.outline.set_linewidth(0.5)
    return entries


def _mercator_stretch(frame: tuple[float, float, float, float]) -> float:
    """How much Web Mercator stretches distances at the frame's middle latitude: 1 / cos(latitude)."""
    centre_lat = math.degrees(2 * math.atan(math.exp((frame[1] + frame[3]) / 2 / 6378137.0)) - math.pi / 2)
    return 1 / math.cos(math.radians(centre_lat))


def _round_km(km: float) -> str:
    return f"{km:.0f}" if km >= 3 else f"{km:.1f}"


def _draw_legend(fig: Figure, title: str, entries: list[Artist], nk_boundary: str) -> None:
    """The representation's entries under ``title``, then the boundary lines."""
    handles = [*entries]
    handles += [
        Line2D([], [], **style.COUNTRY.matplotlib_line(), label="International boundary (OSM)"),
        Line2D(
            [],
            [],
            **style.NAGORNO_KARABAKH.matplotlib_line(),
            label="Nagorno-Karabakh:\n" + "\n".join(textwrap.wrap(NK_BOUNDARIES[nk_boundary][1], 36)),
        ),
        Line2D(
            [],
            [],
            **style.PROVINCE.matplotlib_line(),
            label="\n".join(textwrap.wrap(f"Provinces ({PROVINCE_LINES_SHORT})", 36)),
        ),
    ]
    heat_bar = title == DENSITY_TITLE  # the colour bar sits under the title
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.725, 0.80 if heat_bar else 0.90),
        frameon=False,
        fontsize=8,
        title=None if heat_bar else title,
        title_fontproperties={"weight": "bold", "size": 9},
        alignment="left",
        labelspacing=0.7,
        borderaxespad=0,
    )
    if heat_bar:
        fig.text(0.725, 0.885, title, fontsize=9, fontweight="bold", va="top")


def _draw_texts(
    fig: Figure, spec: SnapshotSpec, n_shown: int, notes: list[str], tiles_used: bool, nk_boundary: str
) -> None:
    fig.text(0.03, 0.955, spec.title, fontsize=15, fontweight="bold", va="center")
    caption = (spec.caption_lines or [f"{n_shown} events shown"]) + notes
    for x, lines in _caption_columns(caption):
        fig.text(x, 0.145, "\n".join(lines), fontsize=7.5, va="top", linespacing=1.45)
    if spec.casualty_lines:
        _draw_casualties(fig, spec.casualty_lines)
    attribution = ATTRIBUTION
    if nk_boundary in NK_FROM_CRISIS_GROUP:
        attribution += f" Nagorno-Karabakh line: {CRISIS_GROUP_ATTRIBUTION}."
    if tiles_used and spec.basemap:
        attribution += f" Basemap: {plain_text(BASEMAPS[spec.basemap].html_attribution)}."
    de_facto = (
        "the Nagorno-Karabakh line is the de facto peacekeeping zone of Nov 2020 – Sept 2023."
        if nk_boundary in NK_FROM_CRISIS_GROUP
        else "no de facto line is shown."
    )
    disclaimer = (
        f"{BOUNDARY_DISCLAIMER} Outlines are de jure (OSM, 2017); {de_facto} "
        f"Generated {spec.generated:%d %b %Y} with Caucasus Conflict Map."
    )
    footer = "\n".join([*textwrap.wrap(attribution, 165), *textwrap.wrap(disclaimer, 165)])
    fig.text(0.03, 0.035, footer, fontsize=6.5, color="#444444", va="center", linespacing=1.4)


CAPTION_ROWS = 4  # caption lines that fit between the map and the attribution at 7.5 pt
CAPTION_COLUMN_CHARS = 88  # what fits in half the page's width at 7.5 pt


def _caption_columns(caption: list[str]) -> list[tuple[float, list[str]]]:
    """The caption in one column, or, when it has more lines than fit above the attribution, in two
    (each line wrapped to half the page), so that it never runs into the attribution."""
    if len(caption) <= CAPTION_ROWS:
        return [(0.03, caption)]
    wrapped = [part for line in caption for part in textwrap.wrap(line, CAPTION_COLUMN_CHARS, subsequent_indent="  ")]
    rows = max(CAPTION_ROWS, math.ceil(len(wrapped) / 2))
    return [(0.03, wrapped[:rows]), (0.5, wrapped[rows:])]


MAX_CASUALTY_PARTIES = 6  # in the column under the legend; the rest is in the claims table and the data export
CASUALTY_WRAP = 50  # characters per line at 7 pt: the legend column is 0.24 of the page wide


def _draw_casualties(fig: Figure, clauses: list[str]) -> None:
    """The reported killed per party, in the right column between the legend and the map's bottom edge;
    as many parties as fit there, the rest counted (they are in the claims of the data export)."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    legend_bottom = min((lg.get_window_extent(renderer).y0 for lg in fig.legends), default=fig.bbox.height * 0.9)
    top = legend_bottom / fig.bbox.height - 0.02
    x = MAP_AXES[0] + MAP_AXES[2] + 0.02
    for shown in range(min(len(clauses), MAX_CASUALTY_PARTIES), -1, -1):
        lines = ["Reported killed in the filtered period", "(latest figure per reporter):"]
        for clause in clauses[:shown]:
            lines += textwrap.wrap(clause, CASUALTY_WRAP, initial_indent="• ", subsequent_indent="   ")
        if len(clauses) > shown:
            lines.append(f"… and {len(clauses) - shown} more parties: see the claims in the data exports")
        lines.append("Parties overlap and are not added up.")
        text = fig.text(x, top, "\n".join(lines), fontsize=7, va="top", linespacing=1.35)
        if text.get_window_extent(renderer).y0 >= MAP_AXES[1] * fig.bbox.height or shown == 0:
            return
        text.remove()


def plain_text(html_text: str) -> str:
    """HTML attribution text as plain text (tags dropped, entities decoded), for snapshots."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def snapshot_bytes(snapshot: Snapshot, fmt: str, dpi: int = SCREEN_DPI, title: str = "") -> bytes:
    """Encode the figure; PNG at ``dpi``, SVG and PDF as vectors."""
    fmt = fmt.lower()
    if fmt not in SNAPSHOT_FORMATS:
        raise SnapshotError(f"Unknown snapshot format '{fmt}'; use one of {', '.join(SNAPSHOT_FORMATS)}.")
    if fmt == "png" and not 30 <= dpi <= 600:
        raise SnapshotError(f"A PNG resolution of {dpi} dpi is outside 30–600 dpi.")
    buffer = io.BytesIO()
    metadata = {"Title": title} if fmt in ("pdf", "svg") and title else None
    # Real text (not outlines) in SVG and TrueType in PDF: titles stay editable and searchable.
    with rc_context({"svg.fonttype": "none", "pdf.fonttype": 42}):
        snapshot.figure.savefig(
            buffer, format=fmt, dpi=dpi if fmt == "png" else 72, metadata=metadata, facecolor="white"
        )
    return buffer.getvalue()


def events_in(events: pd.DataFrame, extent: BBox) -> np.ndarray:
    """Which events lie inside ``extent``."""
    return extent.contains(events["longitude"], events["latitude"])


def snapshot_file(
    events: pd.DataFrame, boundaries: Boundaries, nk_boundary: str, spec: SnapshotSpec, fmt: str, dpi: int
) -> bytes:
    """Draw and encode in one step (what a child process runs for a large selection)."""
    return snapshot_bytes(render_snapshot(events, boundaries, nk_boundary, spec), fmt, dpi, spec.title)


# Two maps side by side (period A, period B): each half of the map area, a gap between them.
PAIR_AXES = ((0.03, 0.17, 0.335, 0.70), (0.375, 0.17, 0.335, 0.70))


def render_pair(
    panels: tuple[tuple[str, pd.DataFrame], tuple[str, pd.DataFrame]],
    boundaries: Boundaries,
    nk_boundary: str,
    spec: SnapshotSpec,
) -> Snapshot:
    """Two maps of the same area side by side, each with its heading and events (e.g. two periods),
    one legend, caption and attribution; the area fits both panels' events (or ``spec.bbox``)."""
    with rc_context({"text.parse_math": False}):
        both = pd.concat([events for _, events in panels])
        extent = snapshot_extent(both, spec.bbox)
        fig = Figure(figsize=PAGE_INCHES)
        fig.patch.set_facecolor("white")
        drawn = []
        circled = False
        for (heading, events), rect in zip(panels, PAIR_AXES, strict=True):
            ax = fig.add_axes(rect)
            bounds = gpd.GeoSeries([box(*extent.bounds())], crs="EPSG:4326").to_crs(SNAPSHOT_CRS).total_bounds
            frame = _fill_axes(bounds, rect)
            _draw_boundaries(ax, boundaries, nk_boundary, frame, filled=True)
            labels = area_labels(boundaries, *extent.bounds())
            _draw_labels(ax, [lb for lb in labels if lb.kind != "province"], extent)
            located = events[events["latitude"].notna()]
            inside = located[events_in(located, extent)]
            if spec.uncertainty:
                circled = _draw_uncertainty(ax, inside) or circled
            _draw_events(ax, inside)
            _frame_map(ax, frame)
            ax.set_title(f"{heading} — {len(inside):,} events", fontsize=10, fontweight="bold", loc="left")
            drawn.append(inside)
        shown = pd.concat(drawn)
        _draw_legend(fig, "Event type", _point_legend_handles(shown, uncertainty=circled), nk_boundary)
        _draw_texts(fig, spec, n_shown=len(shown), notes=[], tiles_used=False, nk_boundary=nk_boundary)
        return Snapshot(figure=fig, events=shown, extent=extent)


def render_change_map(
    change: pd.DataFrame,
    shapes: gpd.GeoDataFrame,
    boundaries: Boundaries,
    nk_boundary: str,
    spec: SnapshotSpec,
    legend_title: str,
) -> Snapshot:
    """Units filled by the band of their change (``change``: columns unit, band, events_a, events_b);
    ``shapes``: columns unit, geometry (EPSG:4326). A unit without an event in either period stays white.
    The area is the units that have events, or ``spec.bbox``."""
    with rc_context({"text.parse_math": False}):
        bands = change.set_index("unit")["band"]
        shaded = shapes.assign(band=shapes["unit"].map(bands))
        with_events = shaded[shaded["band"].notna()]
        extent = spec.bbox or (BBox(*with_events.total_bounds) if not with_events.empty else STUDY_AREA_BBOX)
        fig = Figure(figsize=PAGE_INCHES)
        fig.patch.set_facecolor("white")
        ax = fig.add_axes(MAP_AXES)
        frame = _fill_axes(gpd.GeoSeries([box(*extent.bounds())], crs="EPSG:4326").to_crs(SNAPSHOT_CRS).total_bounds)
        _draw_boundaries(ax, boundaries, nk_boundary, frame, filled=True)
        projected = shaded.to_crs(SNAPSHOT_CRS)
        colours = projected["band"].map(style.CHANGE_BAND_COLOURS).fillna(style.CHANGE_NO_EVENTS)
        # Over the land fill (1), under the outlines (2): the country and Nagorno-Karabakh lines stay visible.
        projected.plot(ax=ax, color=colours.tolist(), edgecolor=style.PROVINCE.edge, linewidth=0.5, zorder=1.5)
        ax.collections[-1].set_gid("units")
        # Lakes lie inside provinces' outlines: drawn again over the fills.
        water = gpd.clip(boundaries.water.to_crs(SNAPSHOT_CRS), box(*frame))
        if not water.empty:
            water.plot(
                ax=ax, color=style.WATER.fill, edgecolor=style.WATER.edge, linewidth=style.WATER.width_pt, zorder=1.6
            )
        labels = area_labels(boundaries, *extent.bounds())
        _draw_labels(ax, [lb for lb in labels if lb.kind != "province"], extent)
        # Each unit with events names itself and its counts, "A / B", over its own fill.
        counts_of = {
            unit: f"{a:,} / {b:,}"
            for unit, a, b in zip(
                change["unit"], change["events_a"].astype(int), change["events_b"].astype(int), strict=True
            )
        }
        for unit, geometry in zip(projected["unit"], projected.geometry, strict=True):
            if unit not in counts_of:
                continue
            point = geometry.representative_point()
            counts = counts_of[unit]
            label = {"s": f"{unit}\n{counts}", "fontsize": 6, "ha": "center", "va": "center"}
            # The halo is a copy underneath: path effects on the label would turn it into curves in SVG/PDF.
            halo = [patheffects.withStroke(linewidth=2, foreground="white")]
            ax.text(point.x, point.y, **label, color="white", zorder=5.95, path_effects=halo)  # type: ignore[arg-type]
            ax.text(point.x, point.y, **label, color=style.INK, zorder=6)  # type: ignore[arg-type]
        _frame_map(ax, frame)
        handles: list[Artist] = [
            Patch(facecolor=colour, edgecolor=style.PROVINCE.edge, label=band)
            for band, colour in style.CHANGE_BAND_COLOURS.items()
        ]
        handles.append(Patch(facecolor=style.CHANGE_NO_EVENTS, edgecolor=style.PROVINCE.edge, label="no events"))
        _draw_legend(fig, legend_title, handles, nk_boundary)
        _draw_texts(fig, spec, n_shown=0, notes=[], tiles_used=False, nk_boundary=nk_boundary)
        return Snapshot(figure=fig, events=change, extent=extent)
