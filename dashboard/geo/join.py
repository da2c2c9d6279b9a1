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
    at_places = join_locations(places.real, places.imag, boundaries)
    place_of_row = np.full(len(events), -1, dtype=np.intp)  # -1: no coordinates, empty join columns
    place_of_row[mapped] = which

    # No geometry column: every later step works from latitude/longitude, and a million
    # point objects would cost memory and time for nothing.
    joined = events.copy()
    for column in JOIN_DTYPES:
        joined[column] = at_places[column].array.take(place_of_row, allow_fill=True)
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
    points = shapely.points(lon, lat)
    n = len(points)
    unit = first_unit(points, lon, lat, boundaries.provinces.geometry.values)

    metric_points = gpd.GeoSeries(points, crs=WGS84).to_crs(METRIC_CRS).values
    snapped = np.zeros(n, dtype=bool)
    orphans = np.flatnonzero(unit < 0)
    if len(orphans) and n > GRID_ABOVE:
        # Most points outside every outline are beyond reach of all units, or within reach of one,
        # which is then the nearest: a prepared within-distance test settles them at a fraction of
        # the cost of measuring distances to complex polygons. Only the rest are measured.
        reach_point, reach_unit = _in_threads(
            lambda chunk: boundaries.provinces_metric.query(chunk, predicate="dwithin", distance=SNAP_DISTANCE_M),
            metric_points[orphans],
        )
        reachable = np.bincount(reach_point, minlength=len(orphans))
        one = reachable[reach_point] == 1
        unit[orphans[reach_point[one]]] = reach_unit[one]
        snapped[orphans[reach_point[one]]] = True
        orphans = orphans[reachable > 1]
    if len(orphans):
        near_point, near_unit = _in_threads(
            lambda chunk: boundaries.provinces_metric.query_nearest(
                chunk, max_distance=SNAP_DISTANCE_M, all_matches=False
            ),
            metric_points[orphans],
        )
        unit[orphans[near_point]] = near_unit
        snapped[orphans[near_point]] = True

    found = unit >= 0
    units = boundaries.provinces.iloc[np.where(found, unit, 0)]
    columns: dict[str, np.ndarray] = {
        name: np.where(found, units[name].to_numpy(dtype=object), "")
        for name in ("country", "province", "province_code")
    }
    for key in NK_BOUNDARIES:
        polygon = boundaries.nk_polygon(key)
        shapely.prepare(polygon)
        columns[f"in_{key}"] = shapely.contains_xy(polygon, lon, lat)
    distance_km = np.full(n, np.nan)
    sector = np.full(n, "", dtype=object)
    if n:
        nearest_point, distance_m, segment = _in_threads(
            lambda chunk: _nearest_distance(boundaries.border_segments, chunk), metric_points
        )
        distance_km[nearest_point] = distance_m / 1000.0
        near = distance_km[nearest_point] <= BORDER_SECTOR_KM
        sector[nearest_point[near]] = boundaries.segment_sectors[segment[near]]
    columns["border_distance_km"] = np.round(distance_km, 3)
    columns["border_sector"] = sector
    columns["on_border"] = distance_km <= ON_BORDER_KM
    columns["snapped"] = snapped
    return pd.DataFrame(columns).astype(JOIN_DTYPES)


def first_unit(points: np.ndarray, lon: np.ndarray, lat: np.ndarray, units: np.ndarray) -> np.ndarray:
    """For each point, the lowest index of a unit polygon it intersects, or -1.

    Above GRID_ABOVE points, a grid of UNIT_CELL_DEG cells settles most of them at once: a cell
    that lies inside one unit and touches no other gives every point in it that unit, exactly as
    the point-by-point test would; only points in the other cells are tested one by one.
    """
    unit = np.full(len(points), -1)
    todo = np.arange(len(points))
    if len(points) > GRID_ABOVE:
        column = np.floor(lon / UNIT_CELL_DEG)
        row = np.floor(lat / UNIT_CELL_DEG)
        cell_of_point, cells = pd.factorize(column + 1j * row)
        shapely.prepare(units)  # in place, once: the containment tests of cells need it to be fast
        unit = _pure_cells(cells.real, cells.imag, units)[cell_of_point]
        todo = np.flatnonzero(unit < 0)
    # Query a tree of the points with each (prepared) unit polygon: much faster than
    # testing every point against the tree of complex polygons.
    hit_unit, hit_point = shapely.STRtree(points[todo]).query(units, predicate="intersects")
    # A point on a shared edge touches two units: keep the first, deterministically.
    first_hit, first_idx = np.unique(hit_point, return_index=True)
    unit[todo[first_hit]] = hit_unit[first_idx]
    return unit


GRID_ABOVE = 20_000  # fewer points: the grid would cost more than it saves
UNIT_CELL_DEG = 0.01  # about 1 km: most cells along the border and the line of contact lie in one unit
# Cells are widened by this much (degrees) so that a point that rounding puts in a cell lies inside its box.
_CELL_MARGIN_DEG = 1e-9


def _pure_cells(column: np.ndarray, row: np.ndarray, units: np.ndarray) -> np.ndarray:
    """Per grid cell (column, row in UNIT_CELL_DEG steps), the one unit that contains it and no other
    unit touches, else -1 (the cell's points are tested one by one)."""
    boxes = shapely.box(
        column * UNIT_CELL_DEG - _CELL_MARGIN_DEG,
        row * UNIT_CELL_DEG - _CELL_MARGIN_DEG,
        (column + 1) * UNIT_CELL_DEG + _CELL_MARGIN_DEG,
        (row + 1) * UNIT_CELL_DEG + _CELL_MARGIN_DEG,
    )
    hit_unit, hit_box = shapely.STRtree(boxes).query(units, predicate="intersects")
    touching = np.bincount(hit_box, minlength=len(boxes))
    single = touching[hit_box] == 1
    hit_unit, hit_box = hit_unit[single], hit_box[single]
    inside = shapely.contains(units[hit_unit], boxes[hit_box])
    pure = np.full(len(boxes), -1)
    pure[hit_box[inside]] = hit_unit[inside]
    return pure


def _nearest_distance(tree: shapely.STRtree, points: np.ndarray) -> tuple[np.ndarray, ...]:
    """(point index, distance, segment index) of each point's nearest border segment."""
    (point, segment), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    return point, distance, segment


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
