"""Boundary layers and the spatial join of events to them.

Every region attribute of an event comes from the shapes, never from place
names in the data: spellings and administrative levels differ between sources.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

from dashboard.config import GEO_DIR
from dashboard.vocab import (
    ARMENIA,
    AZERBAIJAN,
    BORDER_SECTOR_KM,
    CRISIS_GROUP_FEATURES,
    EQUAL_AREA_CRS,
    METRIC_CRS,
    NAGORNO_KARABAKH,
    NK_BOUNDARIES,
    ON_BORDER_KM,
    OUTSIDE,
    SECTOR_SEPARATOR,
    SNAP_DISTANCE_M,
)

WGS84 = "EPSG:4326"
JOINED_COLUMNS = (
    "country",
    "province",
    "province_code",
    *(f"in_{key}" for key in NK_BOUNDARIES),
    "border_distance_km",
    "border_sector",
    "on_border",
    "snapped",
    "region",
)


@dataclass(frozen=True)
class Boundaries:
    """The boundary layers of data/geo, in WGS84, plus the border line in metres."""

    countries: gpd.GeoDataFrame  # Armenia, Azerbaijan: name, code
    provinces: gpd.GeoDataFrame  # 89 units: province, province_code (ISO 3166-2), country, parent_code, area_km2
    nagorno_karabakh: gpd.GeoDataFrame  # indexed by NK_BOUNDARIES key: name
    lachin_corridor: BaseGeometry  # Nov 2020 – Aug 2022, Crisis Group (GPL-3.0): drawn, never joined
    neighbours: gpd.GeoDataFrame  # Georgia, Iran, Turkey, Russia (context)
    water: gpd.GeoDataFrame  # Caspian and large lakes (context)
    border_metric: BaseGeometry  # Armenia-Azerbaijan international border, METRIC_CRS
    border_segments: shapely.STRtree  # the border cut into two-point segments, for nearest-distance queries
    segment_ends: np.ndarray  # per border segment (tree order): its two ends as x0, y0, x1, y1 in METRIC_CRS
    segment_sectors: np.ndarray  # per border segment (tree order): "Armenian unit – Azerbaijani unit"
    provinces_metric: shapely.STRtree  # the provinces in METRIC_CRS (same order), to snap nearby points
    sectors: gpd.GeoDataFrame  # border sectors as areas (sector_shapes): border_sector, area_km2, geometry (WGS84)
    version: str = ""  # a digest of the layer files read: joined tables cached on disk are keyed by it

    def nk_polygon(self, key: str) -> BaseGeometry:
        """The Nagorno-Karabakh outline for a key of vocab.NK_BOUNDARIES (KeyError for another key)."""
        return self.nagorno_karabakh.geometry.loc[key]


def crisis_group_layers(geo_dir: Path = GEO_DIR) -> dict[str, tuple[str, BaseGeometry]]:
    """International Crisis Group's features the dashboard draws (vocab.CRISIS_GROUP_FEATURES), by
    kind: (name, geometry). From its own file, data/geo/crisisgroup (GPL-3.0), never merged."""
    layer = _read(geo_dir / "crisisgroup" / "nagorno-karabakh-borders.geojson")
    found = {}
    for kind, name in CRISIS_GROUP_FEATURES.items():
        matches = layer[layer["name_eng"] == name]
        if len(matches) != 1:
            raise ValueError(f"Crisis Group's layer should hold one feature '{name}', not {len(matches)}.")
        found[kind] = (name, shapely.make_valid(matches.geometry.iloc[0]))
    return found


NAKHCHIVAN_CODE = "AZ-NX"  # parent_code of the Nakhchivan Autonomous Republic's units


def sector_unit_name(province: str, parent_code: str) -> str:
    """How a unit is named in a border sector: Nakhchivan's rayons as 'Nakhchivan (Şərur)'."""
    return f"Nakhchivan ({province})" if parent_code == NAKHCHIVAN_CODE else province


def border_sectors(segments: np.ndarray, provinces_metric: gpd.GeoDataFrame) -> np.ndarray:
    """For each border segment (metric), the Armenian and the Azerbaijani unit nearest its middle.

    Both touch the border there, so these are the units facing each other across that stretch.
    """
    middles = shapely.line_interpolate_point(segments, 0.5, normalized=True)
    names = {}
    for country in (ARMENIA, AZERBAIJAN):
        units = provinces_metric[provinces_metric["country"] == country]
        tree = shapely.STRtree(units.geometry.values)
        (_, nearest), _distance = tree.query_nearest(middles, return_distance=True, all_matches=False)
        labels = [sector_unit_name(p, c) for p, c in zip(units["province"], units["parent_code"], strict=True)]
        names[country] = np.asarray(labels, dtype=object)[nearest]
    return names[ARMENIA] + SECTOR_SEPARATOR + names[AZERBAIJAN]


# Sector areas are cut from points this far apart along the border (see sector_shapes).
SECTOR_SAMPLE_M = 200.0


def sector_shapes(
    segments: np.ndarray, segment_sectors: np.ndarray, border: BaseGeometry, countries_metric: BaseGeometry
) -> gpd.GeoDataFrame:
    """Border sectors as areas (METRIC_CRS): each place within BORDER_SECTOR_KM of the border, in Armenia
    or Azerbaijan, belongs to the sector of its nearest stretch of border, as the join assigns events.

    The border is sampled every SECTOR_SAMPLE_M (the middles of equal sub-segments of each segment, each
    labelled with its segment's sector); the Voronoi cells of the samples, merged per sector, split the
    25 km band without overlap. A place whose nearest sample and nearest segment belong to different
    sectors lies within SECTOR_SAMPLE_M / 2 of the line where the two sectors meet.
    """
    pieces = np.maximum(np.ceil(shapely.length(segments) / SECTOR_SAMPLE_M).astype(int), 1)
    parent = np.repeat(np.arange(len(segments)), pieces)
    offsets = np.concatenate([(np.arange(k) + 0.5) / k for k in pieces])
    samples = shapely.line_interpolate_point(segments[parent], offsets, normalized=True)
    labels = segment_sectors[parent]
    band = shapely.intersection(shapely.buffer(border, BORDER_SECTOR_KM * 1000, quad_segs=16), countries_metric)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(samples), extend_to=shapely.envelope(band).buffer(1000))
    )
    cell, sample = shapely.STRtree(samples).query(cells, predicate="contains")
    cell_label = np.empty(len(cells), dtype=object)
    cell_label[cell] = labels[sample]
    names = sorted(set(labels))
    areas = [shapely.intersection(shapely.coverage_union_all(cells[cell_label == name]), band) for name in names]
    return gpd.GeoDataFrame({"border_sector": names}, geometry=areas, crs=METRIC_CRS)


def with_area_km2(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``layer`` with ``area_km2``, measured in EQUAL_AREA_CRS (once, when the boundaries are read)."""
    return layer.assign(area_km2=layer.to_crs(EQUAL_AREA_CRS).area.to_numpy() / 1e6)


def load_boundaries(geo_dir: Path = GEO_DIR) -> Boundaries:
    """Read the bundled layers and derive the international border line."""
    countries = _read(geo_dir / "armenia_azerbaijan_admin0.geojson")[["name", "code", "geometry"]]
    provinces = _read(geo_dir / "armenia_azerbaijan_admin1.geojson")
    # `code` is the ISO 3166-2 code; the one unit without one (Şuşa city) keeps GeoNames' AZ.56.
    provinces = provinces[["name", "code", "country", "parent_code", "geometry"]].rename(
        columns={"name": "province", "code": "province_code"}
    )
    own = _read(geo_dir / "nagorno_karabakh.geojson").set_index("kind")
    crisis_group = crisis_group_layers(geo_dir)
    shapes = {kind: (own.loc[kind, "name"], own.geometry.loc[kind]) for kind in own.index}
    shapes.update({kind: (label, geometry) for kind, (label, geometry) in crisis_group.items()})
    nk = gpd.GeoDataFrame(
        {
            "name": [shapes[kind][0] for kind, _ in NK_BOUNDARIES.values()],
            "geometry": [shapes[kind][1] for kind, _ in NK_BOUNDARIES.values()],
        },
        index=pd.Index(list(NK_BOUNDARIES), name="boundary"),
        crs=WGS84,
    )
    metric = countries.to_crs(METRIC_CRS).set_index("name").geometry
    # The two outlines share their vertices, so the common part of their
    # boundaries is exactly the international border (Nakhchivan's included).
    border = shapely.line_merge(shapely.intersection(metric.loc[ARMENIA].boundary, metric.loc[AZERBAIJAN].boundary))
    parts = shapely.get_parts(border)
    segments = np.concatenate(
        [
            shapely.linestrings(np.stack([coords[:-1], coords[1:]], axis=1))
            for coords in (shapely.get_coordinates(part) for part in parts)
        ]
    )
    provinces_metric = provinces.to_crs(METRIC_CRS)
    segment_sectors = border_sectors(segments, provinces_metric)
    sectors = sector_shapes(segments, segment_sectors, border, shapely.union_all(metric.to_numpy()))
    return Boundaries(
        countries=countries,
        provinces=with_area_km2(provinces),
        nagorno_karabakh=nk,
        lachin_corridor=crisis_group["lachin_corridor_2020_2022"][1],
        neighbours=_read(geo_dir / "neighbours.geojson")[["name", "geometry"]],
        water=_read(geo_dir / "water.geojson")[["name", "kind", "geometry"]],
        border_metric=border,
        border_segments=shapely.STRtree(segments),
        segment_ends=shapely.get_coordinates(segments).reshape(-1, 4),
        segment_sectors=segment_sectors,
        provinces_metric=shapely.STRtree(provinces_metric.geometry.values),
        sectors=with_area_km2(sectors.to_crs(WGS84)),
        version=layers_version(geo_dir),
    )


def layers_version(geo_dir: Path = GEO_DIR) -> str:
    """A digest of the boundary files ``load_boundaries`` reads (their names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted([*geo_dir.glob("*.geojson"), *(geo_dir / "crisisgroup").glob("*.geojson")]):
        digest.update(str(path.relative_to(geo_dir)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> gpd.GeoDataFrame:
    return gpd.read_file(path, engine="pyogrio").to_crs(WGS84)


def join_regions(events: pd.DataFrame, boundaries: Boundaries, nk_boundary: str) -> pd.DataFrame:
    """Attach country, province, Nagorno-Karabakh flags, border distance and region to each event.

    Rows without coordinates get empty join columns. A point up to
    SNAP_DISTANCE_M outside every outline takes the nearest unit (``snapped``).
    The spatial work is done once per distinct location: event datasets code
    many events to the same place.
    """
    mapped = events["latitude"].notna().to_numpy()
    x = events["longitude"].to_numpy(dtype=float)
    y = events["latitude"].to_numpy(dtype=float)
    # Distinct locations by hashing (lon + i·lat): linear time, unlike sorting rows.
    which, places = pd.factorize(x[mapped] + 1j * y[mapped])
    place_of_row = np.full(len(events), -1, dtype=np.intp)  # -1: no coordinates, empty join columns
    place_of_row[mapped] = which

    # No geometry column: every later step works from latitude/longitude, and a million
    # point objects would cost memory and time for nothing.
    joined = events.copy()
    located = _locate(places.real, places.imag, boundaries)
    for column, values in _join_columns(located, boundaries, place_of_row).items():
        joined[column] = values
    joined["region"] = assign_region(joined, nk_boundary)
    return joined


JOIN_DTYPES = {
    "country": "string",
    "province": "string",
    "province_code": "string",
    **{f"in_{key}": "boolean" for key in NK_BOUNDARIES},
    "border_distance_km": "float64",
    "border_sector": "string",
    "on_border": "boolean",
    "snapped": "boolean",
}


def join_locations(lon: np.ndarray, lat: np.ndarray, boundaries: Boundaries) -> pd.DataFrame:
    """The join columns (all but ``region``) for distinct lon/lat points."""
    return pd.DataFrame(_join_columns(_locate(lon, lat, boundaries), boundaries)).astype(JOIN_DTYPES)


@dataclass(frozen=True)
class _Located:
    """The join's findings per distinct point, as numbers: names are attached per row at the end."""

    unit: np.ndarray  # row of Boundaries.provinces, -1 for none
    snapped: np.ndarray  # the unit is the nearest one, the point being outside every outline
    inside: dict[str, np.ndarray]  # per key of NK_BOUNDARIES: inside that outline
    distance_km: np.ndarray  # to the international border
    sector: np.ndarray  # index into Boundaries.segment_sectors, -1 beyond BORDER_SECTOR_KM


def _locate(lon: np.ndarray, lat: np.ndarray, boundaries: Boundaries) -> _Located:
    n = len(lon)
    cells = _unit_cells(lon, lat) if n > GRID_ABOVE else None
    unit = first_unit(lon, lat, boundaries.provinces.geometry.values, cells)
    # Projected as coordinate arrays: a million point objects cost more than the projection itself.
    x, y = _TO_METRIC.transform(lon, lat)

    snapped = np.zeros(n, dtype=bool)
    orphans = np.flatnonzero(unit < 0)
    orphan_points = shapely.points(x[orphans], y[orphans])
    if len(orphans) and cells is not None:
        # Most points outside every outline are beyond reach of all units, or within reach of one,
        # which is then the nearest: a prepared within-distance test settles them at a fraction of
        # the cost of measuring distances to complex polygons. Only the rest are measured.
        reach_point, reach_unit = _in_threads(
            lambda chunk: boundaries.provinces_metric.query(chunk, predicate="dwithin", distance=SNAP_DISTANCE_M),
            orphan_points,
        )
        reachable = np.bincount(reach_point, minlength=len(orphans))
        one = reachable[reach_point] == 1
        unit[orphans[reach_point[one]]] = reach_unit[one]
        snapped[orphans[reach_point[one]]] = True
        orphan_points = orphan_points[reachable > 1]
        orphans = orphans[reachable > 1]
    if len(orphans):
        near_point, near_unit = _in_threads(
            lambda chunk: boundaries.provinces_metric.query_nearest(
                chunk, max_distance=SNAP_DISTANCE_M, all_matches=False
            ),
            orphan_points,
        )
        unit[orphans[near_point]] = near_unit
        snapped[orphans[near_point]] = True

    inside = {key: _inside(boundaries.nk_polygon(key), lon, lat, cells) for key in NK_BOUNDARIES}
    distance_m, segment = border_distance(x, y, boundaries)
    distance_km = distance_m / 1000.0
    return _Located(unit, snapped, inside, distance_km, np.where(distance_km <= BORDER_SECTOR_KM, segment, -1))


def _join_columns(
    located: _Located, boundaries: Boundaries, rows: np.ndarray | None = None
) -> dict[str, np.ndarray | pd.api.extensions.ExtensionArray]:
    """The join columns (JOIN_DTYPES) per point, or per row where ``rows`` gives each row's point (-1: none).

    Names are taken by index from arrow arrays of the few names there are: building a million
    Python strings and converting them back cost more than the rest of the join.
    """
    missing = None if rows is None else rows < 0

    def at(values: np.ndarray) -> np.ndarray:
        if rows is None:
            return values
        return values[rows] if len(values) else np.zeros(len(rows), values.dtype)  # no points: every row missing

    def names(choices: list[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
        index = np.where(index >= 0, index, len(choices))  # past the end: ""
        taken = pa.compute.take(pa.array([*choices, ""], type=pa.string()), pa.array(at(index), mask=missing))
        return pd.array(taken, dtype="string")

    def flags(values: np.ndarray) -> pd.api.extensions.ExtensionArray:
        return pd.arrays.BooleanArray(at(values), np.zeros(len(values), bool) if missing is None else missing)

    columns: dict[str, np.ndarray | pd.api.extensions.ExtensionArray] = {
        name: names(list(boundaries.provinces[name]), located.unit) for name in ("country", "province", "province_code")
    }
    columns.update({f"in_{key}": flags(inside) for key, inside in located.inside.items()})
    distance = np.round(located.distance_km, 3)
    columns["border_distance_km"] = at(distance) if missing is None else np.where(missing, np.nan, at(distance))
    columns["border_sector"] = names(list(boundaries.segment_sectors), located.sector)
    columns["on_border"] = flags(located.distance_km <= ON_BORDER_KM)
    columns["snapped"] = flags(located.snapped)
    return columns


_TO_METRIC = pyproj.Transformer.from_crs(WGS84, METRIC_CRS, always_xy=True)


@dataclass(frozen=True)
class _Cells:
    """Points binned into UNIT_CELL_DEG cells: each point's cell, and the cells as (slightly widened) boxes."""

    of_point: np.ndarray
    boxes: np.ndarray


def _unit_cells(lon: np.ndarray, lat: np.ndarray) -> _Cells:
    of_point, cells = pd.factorize(np.floor(lon / UNIT_CELL_DEG) + 1j * np.floor(lat / UNIT_CELL_DEG))
    column, row = cells.real, cells.imag
    boxes = shapely.box(
        column * UNIT_CELL_DEG - _CELL_MARGIN_DEG,
        row * UNIT_CELL_DEG - _CELL_MARGIN_DEG,
        (column + 1) * UNIT_CELL_DEG + _CELL_MARGIN_DEG,
        (row + 1) * UNIT_CELL_DEG + _CELL_MARGIN_DEG,
    )
    return _Cells(of_point, boxes)


def first_unit(lon: np.ndarray, lat: np.ndarray, units: np.ndarray, cells: _Cells | None = None) -> np.ndarray:
    """For each point, the lowest index of a unit polygon it intersects, or -1.

    With ``cells`` (above GRID_ABOVE points), most points are settled per cell: a cell that lies
    inside one unit and touches no other gives every point in it that unit, and a cell that touches
    no unit gives its points none, exactly as the point-by-point test would. The points of the other
    cells are tested one by one, each against the few units that touch its cell.
    """
    unit = np.full(len(lon), -1)
    if cells is None:
        # Query a tree of the points with each (prepared) unit polygon: much faster than
        # testing every point against the tree of complex polygons.
        hit_unit, hit_point = shapely.STRtree(shapely.points(lon, lat)).query(units, predicate="intersects")
        # A point on a shared edge touches two units: keep the first, deterministically.
        first_hit, first_idx = np.unique(hit_point, return_index=True)
        unit[first_hit] = hit_unit[first_idx]
        return unit
    shapely.prepare(units)  # in place, once: the containment tests of cells need it to be fast
    pure, touch_unit, touch_cell = _pure_cells(cells.boxes, units)
    unit = pure[cells.of_point]
    todo = np.flatnonzero(unit == _MIXED)
    unit[unit == _NO_UNIT] = -1
    # Each remaining point against the units touching its cell, unit by unit in index order:
    # the first unit a point intersects is its own.
    order = np.lexsort((touch_unit, touch_cell))
    touch_unit, touch_cell = touch_unit[order], touch_cell[order]
    pair_point, pair_at = _pairs(np.bincount(touch_cell, minlength=len(cells.boxes)), cells.of_point[todo])
    pair_point, pair_unit = todo[pair_point], touch_unit[pair_at]
    by_unit = np.argsort(pair_unit, kind="stable")
    pair_point, pair_unit = pair_point[by_unit], pair_unit[by_unit]
    edges = [0, *(np.flatnonzero(np.diff(pair_unit)) + 1), len(pair_unit)] if len(pair_unit) else []
    for begin, end in itertools.pairwise(edges):
        points = pair_point[begin:end]
        open_points = points[unit[points] < 0]  # not yet in a lower-numbered unit
        inside = shapely.intersects_xy(units[pair_unit[begin]], lon[open_points], lat[open_points])
        unit[open_points[inside]] = pair_unit[begin]
    return unit


def _inside(polygon: BaseGeometry, lon: np.ndarray, lat: np.ndarray, cells: _Cells | None) -> np.ndarray:
    """Whether each point lies inside ``polygon`` (its outline excluded), settled per cell where it can be:
    a cell in the polygon's interior, or apart from it, decides for all its points."""
    shapely.prepare(polygon)
    if cells is None:
        return shapely.contains_xy(polygon, lon, lat)
    inside_cell = shapely.contains_properly(polygon, cells.boxes)
    undecided = ~inside_cell & shapely.intersects(polygon, cells.boxes)
    inside = inside_cell[cells.of_point]
    todo = np.flatnonzero(undecided[cells.of_point])
    inside[todo] = shapely.contains_xy(polygon, lon[todo], lat[todo])
    return inside


# _pure_cells' codes for cells without a unit of their own.
_MIXED = -1  # the cell touches more than one unit, or one that does not contain it: test its points
_NO_UNIT = -2  # the cell touches no unit: none of its points lies in one

GRID_ABOVE = 20_000  # fewer points: the grid would cost more than it saves
UNIT_CELL_DEG = 0.01  # about 1 km: most cells along the border and the line of contact lie in one unit
# Cells are widened by this much (degrees) so that a point that rounding puts in a cell lies inside its box.
_CELL_MARGIN_DEG = 1e-9


def _pure_cells(boxes: np.ndarray, units: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per cell box, the one unit that contains it and no other unit touches, else _MIXED or
    _NO_UNIT; and the (unit, cell) pairs that touch."""
    touch_unit, touch_box = shapely.STRtree(boxes).query(units, predicate="intersects")
    touching = np.bincount(touch_box, minlength=len(boxes))
    single = touching[touch_box] == 1
    hit_unit, hit_box = touch_unit[single], touch_box[single]
    inside = shapely.contains(units[hit_unit], boxes[hit_box])
    pure = np.where(touching == 0, _NO_UNIT, _MIXED)
    pure[hit_box[inside]] = hit_unit[inside]
    return pure, touch_unit, touch_box


def border_distance(x: np.ndarray, y: np.ndarray, boundaries: Boundaries) -> tuple[np.ndarray, np.ndarray]:
    """Metres from each METRIC_CRS point to the international border, and the nearest segment's index.

    Of equally near segments (a point nearest to a vertex two segments share), the lowest index.
    Above GRID_ABOVE points the nearest segment is searched per grid cell (``_nearest_by_cells``);
    both ways give the same figures to the last bit.
    """
    if len(x) > GRID_ABOVE:
        return _nearest_by_cells(x, y, boundaries)
    return _nearest_by_tree(shapely.points(x, y), boundaries.border_segments)


def _nearest_by_tree(points: np.ndarray, tree: shapely.STRtree) -> tuple[np.ndarray, np.ndarray]:
    distance = np.full(len(points), np.nan)
    segment = np.zeros(len(points), dtype=np.intp)
    if not len(points):
        return distance, segment
    point, nearest, metres = _in_threads(
        lambda chunk: _all_nearest(tree, chunk),
        points,
    )
    # Results come sorted by point; of a point's equally near segments keep the lowest.
    order = np.lexsort((nearest, point))
    first = order[np.unique(point[order], return_index=True)[1]]
    distance[point[first]] = metres[first]
    segment[point[first]] = nearest[first]
    return distance, segment


def _nearest(tree: shapely.STRtree, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """(point index, segment index, distance) of each point's nearest border segment, one per point."""
    (point, segment), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    return point, segment, distance


def _all_nearest(tree: shapely.STRtree, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """(point index, segment index, distance) of each point's nearest border segments, ties included."""
    (point, segment), distance = tree.query_nearest(points, return_distance=True, all_matches=True)
    return point, segment, distance


BORDER_CELL_M = 1_500.0  # grid cell side for the nearest-segment search: a few candidate segments per cell
# A cell whose candidates exceed this is searched point by point: it bounds the pairs measured per point.
MAX_CELL_CANDIDATES = 256
_PAIRS_PER_CHUNK = 1_000_000  # (point, candidate segment) pairs looked at a time: bounds the memory
_PRUNE_MARGIN_M = 1.0  # pruning by bounds keeps this much slack, so rounding never drops the nearest segment


def _nearest_by_cells(x: np.ndarray, y: np.ndarray, boundaries: Boundaries) -> tuple[np.ndarray, np.ndarray]:
    """The nearest border segment per point, searched among a few candidates per BORDER_CELL_M cell.

    A point p in a cell with centre c is at most r (half the cell's diagonal) from c, so its nearest
    segment lies within D(c) + r of p, and hence within D(c) + 2r of c, where D is the distance to the
    border: those segments are the cell's candidates. Per point, the segment nearest to c gives an
    upper bound U on the answer, and |s c| - |p c| a lower bound on p's distance to a candidate s;
    only candidates whose lower bound is within U are measured, with GEOS's point-to-segment formula
    in numpy, so the figures equal the tree's to the last bit.
    """
    tree = boundaries.border_segments
    ends = boundaries.segment_ends
    cell_of_point, cells = pd.factorize(np.floor(x / BORDER_CELL_M) + 1j * np.floor(y / BORDER_CELL_M))
    centre_x, centre_y = (cells.real + 0.5) * BORDER_CELL_M, (cells.imag + 0.5) * BORDER_CELL_M
    centres = shapely.points(centre_x, centre_y)
    centre, nearest_to_centre, centre_distance = _in_threads(lambda chunk: _nearest(tree, chunk), centres)
    reach = np.empty(len(cells))
    reach[centre] = centre_distance + BORDER_CELL_M * np.sqrt(2.0) + _PRUNE_MARGIN_M
    centre_segment = np.empty(len(cells), dtype=np.intp)
    centre_segment[centre] = nearest_to_centre
    cell, candidate = _in_threads(
        lambda some: tree.query(centres[some], predicate="dwithin", distance=reach[some]), np.arange(len(cells))
    )
    order = np.lexsort((candidate, cell))
    cell, candidate = cell[order], candidate[order]
    candidate_to_centre = _point_to_segment(centre_x[cell], centre_y[cell], ends[candidate])
    count = np.bincount(cell, minlength=len(cells))

    distance = np.empty(len(x))
    segment = np.empty(len(x), dtype=np.intp)
    crowded = count[cell_of_point] > MAX_CELL_CANDIDATES
    if crowded.any():
        at = np.flatnonzero(crowded)
        distance[at], segment[at] = _nearest_by_tree(shapely.points(x[at], y[at]), tree)
    todo = np.flatnonzero(~crowded)
    pairs = np.cumsum(count[cell_of_point[todo]])
    bounds = np.searchsorted(pairs, np.arange(0, pairs[-1] if len(pairs) else 0, _PAIRS_PER_CHUNK), side="right")

    def measure(chunk: np.ndarray) -> None:
        px, py, home = x[chunk], y[chunk], cell_of_point[chunk]
        upper = _point_to_segment(px, py, ends[centre_segment[home]]) + _PRUNE_MARGIN_M
        off_centre = np.hypot(px - centre_x[home], py - centre_y[home])
        pair_point, pair_at = _pairs(count, home)
        # Kept in order (by point, then by segment index): the first kept pair at a point's minimum
        # is its lowest-numbered nearest segment.
        kept = np.flatnonzero(candidate_to_centre[pair_at] - off_centre[pair_point] <= upper[pair_point])
        kept_point, kept_segment = pair_point[kept], candidate[pair_at[kept]]
        metres = _point_to_segment(px[kept_point], py[kept_point], ends[kept_segment])
        first_kept = np.concatenate([[0], np.cumsum(np.bincount(kept_point, minlength=len(chunk)))[:-1]])
        nearest = np.minimum.reduceat(metres, first_kept)
        at_minimum = np.flatnonzero(metres == nearest[kept_point])
        point_at_minimum = kept_point[at_minimum]
        first = at_minimum[np.concatenate([[True], point_at_minimum[1:] != point_at_minimum[:-1]])]
        distance[chunk] = nearest
        segment[chunk] = kept_segment[first]

    # numpy releases the GIL in its array loops: chunks measured in threads use both cores.
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(measure, np.split(todo, bounds[1:])))
    return distance, segment


def _pairs(count: np.ndarray, group_of_item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (item, member of its group) pair, by item and then by member.

    The members of group g are positions start[g] to start[g] + count[g] - 1 of a list sorted by
    group, with start the running total of ``count``. Returns the item's position in
    ``group_of_item`` and the member's position in that list, per pair.
    """
    start = np.cumsum(count) - count
    per_item = count[group_of_item]
    item = np.repeat(np.arange(len(group_of_item)), per_item)
    first_pair = np.cumsum(per_item) - per_item
    return item, np.repeat(start[group_of_item] - first_pair, per_item) + np.arange(len(item))


def _point_to_segment(px: np.ndarray, py: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Distance from points to segments (x0, y0, x1, y1), as GEOS's Distance::pointToSegment computes it."""
    ax, ay, bx, by = ends[:, 0], ends[:, 1], ends[:, 2], ends[:, 3]
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero-length segment is measured to its end
        r = ((px - ax) * dx + (py - ay) * dy) / length2
        across = np.abs(((ay - py) * dx - (ax - px) * dy) / length2) * np.sqrt(length2)
    to_a = np.sqrt((px - ax) ** 2 + (py - ay) ** 2)
    to_b = np.sqrt((px - bx) ** 2 + (py - by) ** 2)
    return np.where((length2 == 0.0) | (r <= 0.0), to_a, np.where(r >= 1.0, to_b, across))


def _in_threads(query: Callable[[np.ndarray], tuple[np.ndarray, ...]], inputs: np.ndarray) -> tuple[np.ndarray, ...]:
    """A tree query whose first result indexes ``inputs``, run on chunks in parallel threads.

    shapely releases the GIL inside its tree queries, so on a multi-core machine
    the chunks run at the same time; results are put back in input order.
    """
    workers = min(THREADS, max(1, len(inputs) // MIN_CHUNK))
    if workers == 1:
        return query(inputs)
    bounds = np.linspace(0, len(inputs), workers + 1).astype(int)
    with ThreadPoolExecutor(workers) as pool:
        parts = list(pool.map(query, [inputs[a:b] for a, b in itertools.pairwise(bounds)]))
    first = np.concatenate([part[0] + offset for part, offset in zip(parts, bounds[:-1], strict=True)])
    return first, *(np.concatenate([part[k] for part in parts]) for k in range(1, len(parts[0])))


THREADS = min(os.cpu_count() or 1, 8)
MIN_CHUNK = 5_000  # smaller inputs are not worth a thread


def assign_region(joined: pd.DataFrame, nk_boundary: str) -> pd.Series:
    """Nagorno-Karabakh inside the chosen boundary, else the country, else Outside (NA if unmapped).

    ``country`` is Armenia, Azerbaijan or empty: the provinces layer covers these two only.
    """
    if nk_boundary not in NK_BOUNDARIES:
        raise ValueError(f"Unknown Nagorno-Karabakh boundary '{nk_boundary}'; use one of {', '.join(NK_BOUNDARIES)}.")
    mapped = joined["latitude"].notna().to_numpy()
    in_nk = joined[f"in_{nk_boundary}"].to_numpy(dtype=bool, na_value=False)
    country = joined["country"]
    code = np.select(
        [
            in_nk,
            country.eq(ARMENIA).to_numpy(dtype=bool, na_value=False),
            country.eq(AZERBAIJAN).to_numpy(dtype=bool, na_value=False),
        ],
        [0, 1, 2],
        default=3,
    )
    # Codes into four names, taken by pyarrow: ten times faster than building a million strings.
    names = pa.compute.take(_REGION_NAMES, pa.array(code, mask=~mapped))
    return pd.Series(pd.array(names, dtype="string"), index=joined.index, name="region")


_REGION_NAMES = pa.array([NAGORNO_KARABAKH, ARMENIA, AZERBAIJAN, OUTSIDE])
