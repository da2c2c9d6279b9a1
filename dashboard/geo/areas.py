"""An area the analyst gives (a GeoJSON polygon): read, checked, repaired where it can be, and tested
against events with ``shapely.contains_xy`` (a million points in well under a second).

Coordinates are longitude, latitude in WGS84 (RFC 7946). Bad input gets one sentence naming the
problem; a self-intersecting ring is repaired with ``make_valid`` and the area says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard.errors import AreaError
from dashboard.vocab import METRIC_CRS

MAX_AREA_BYTES = 5 * 1024 * 1024  # a hand-drawn or exported study area is kilobytes; this bounds a mistake
MAX_AREA_VERTICES = 100_000
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Area:
    """A polygonal area in lon/lat, kept as WKB so that a filter holding it stays hashable."""

    wkb: bytes
    source: str  # where it came from, in words: "area.geojson", "drawn on the map"
    repaired: bool = False  # the input crossed itself and was repaired with make_valid

    @cached_property
    def geometry(self) -> BaseGeometry:
        """The area's (multi)polygon, prepared once for fast point tests."""
        geometry = shapely.from_wkb(self.wkb)
        shapely.prepare(geometry)
        return geometry

    def contains(self, longitude: np.ndarray, latitude: np.ndarray) -> np.ndarray:
        """True for the points inside the area or on its edge (NaN coordinates are outside)."""
        inside = shapely.contains_xy(self.geometry, longitude, latitude)
        on_edge = shapely.intersects_xy(self.geometry.boundary, longitude, latitude)
        return np.asarray(inside | on_edge, dtype=bool)

    @cached_property
    def area_km2(self) -> float:
        """Its size on the ground, in the metric CRS the join uses."""
        return float(gpd.GeoSeries([self.geometry], crs="EPSG:4326").to_crs(METRIC_CRS).area.iloc[0] / 1e6)

    def describe(self) -> str:
        """'inside the area of area.geojson (1,234 km², repaired: its outline crossed itself)'."""
        repaired = ", repaired: its outline crossed itself" if self.repaired else ""
        return f"inside the area of {self.source} ({self.area_km2:,.0f} km²{repaired})"


def read_area(data: bytes | str, source: str) -> Area:
    """The polygonal area of a GeoJSON text (a Geometry, Feature or FeatureCollection of polygons).

    Raises AreaError with a sentence for what cannot be an area: not JSON, not GeoJSON, no polygon,
    coordinates outside lon/lat, too large. Several polygons are one area (their union).
    """
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > MAX_AREA_BYTES:
        raise AreaError(
            f"The area file {source} is {size / 1e6:,.1f} MB; an area is at most {MAX_AREA_BYTES // 10**6} MB."
        )
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise AreaError(f"The area file {source} is not JSON ({exc}).") from None
    geometries = [_polygon(g, source) for g in _geometries(document, source)]
    if not geometries:
        raise AreaError(f"The area file {source} holds no polygon: draw or export the area as a Polygon.")
    union = shapely.union_all(geometries) if len(geometries) > 1 else geometries[0]
    repaired = not union.is_valid
    if repaired:
        union = shapely.make_valid(union)
        union = shapely.union_all([g for g in getattr(union, "geoms", [union]) if g.geom_type in POLYGONAL])
    if union.is_empty or union.area == 0:
        raise AreaError(f"The area of {source} encloses nothing (its outline has no inside).")
    return Area(wkb=shapely.to_wkb(union), source=source, repaired=repaired)


def _geometries(document: object, source: str) -> list[dict]:
    if not isinstance(document, dict) or "type" not in document:
        raise AreaError(f"The area file {source} is JSON but not GeoJSON (no 'type').")
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise AreaError(f"The area file {source} is a FeatureCollection without a list of features.")
        return [g for f in features for g in _geometries(f, source)]
    if kind == "Feature":
        geometry = document.get("geometry")
        return [] if geometry is None else _geometries(geometry, source)
    if kind == "GeometryCollection":
        return [g for part in document.get("geometries") or [] for g in _geometries(part, source)]
    return [document] if kind in POLYGONAL else []


def _polygon(geometry: dict, source: str) -> BaseGeometry:
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise AreaError(f"A polygon of {source} cannot be read: {exc}.") from None
    if shapely.get_num_coordinates(polygon) > MAX_AREA_VERTICES:
        raise AreaError(f"The area of {source} has more than {MAX_AREA_VERTICES:,} vertices; simplify it.")
    lon_min, lat_min, lon_max, lat_max = polygon.bounds if not polygon.is_empty else (0, 0, 0, 0)
    if (
        not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90)
        or not np.isfinite([lon_min, lat_min, lon_max, lat_max]).all()
    ):
        raise AreaError(
            f"The area of {source} has coordinates outside longitude −180..180 / latitude −90..90: "
            "GeoJSON is longitude first, in degrees (WGS84)."
        )
    return polygon
