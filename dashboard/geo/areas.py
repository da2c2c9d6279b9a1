"""An area the analyst gives (a GeoJSON polygon, shapes drawn on the map, a link's coordinates): read,
checked, repaired where it can be, and tested against events with ``shapely.contains_xy`` (a million
points in well under a second).

Coordinates are longitude, latitude in WGS84 (RFC 7946). Bad input gets one sentence naming the
problem; a self-intersecting ring is repaired with ``make_valid`` and the area says so. Every way in
goes through the same checks (``_area_of``), so a drawing and a file are refused for the same reasons.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from dashboard.bbox import BBox
from dashboard.errors import AreaError
from dashboard.vocab import EQUAL_AREA_CRS

MAX_AREA_BYTES = 5 * 1024 * 1024  # a hand-drawn or exported study area is kilobytes; this bounds a mistake
MAX_AREA_VERTICES = 100_000
# The most vertices of a file's area the live map draws: its outline is simplified beyond (the filter keeps
# every vertex), so that a detailed boundary file does not send megabytes to the browser on each rerun.
OUTLINE_MAX_VERTICES = 5_000
POLYGONAL = ("Polygon", "MultiPolygon")
# A drawn or linked area's coordinates are kept to 5 decimals (about 1 m), the precision a link carries:
# the area reopened from a link is then the very one that was drawn.
AREA_DECIMALS = 5
DRAWN = "drawn on the map"
FROM_LINK = "given in the link"

Point = tuple[float, float]  # (lon, lat)
Rings = tuple[tuple[Point, ...], ...]  # a polygon: its outline, then its holes; each ring closed


@dataclass(frozen=True)
class Area:
    """A polygonal area in lon/lat, kept as WKB so that a filter holding it stays hashable."""

    wkb: bytes
    source: str  # a file's name ("area.geojson"), or how it was given: DRAWN, FROM_LINK
    repaired: bool = False  # the input crossed itself and was repaired with make_valid
    from_file: bool = True
    # The polygons as drawn or given (rounded to AREA_DECIMALS): the map shows them as editable shapes and
    # the link carries them. Empty for a file's area, whose geometry is its own record.
    parts: tuple[Rings, ...] = ()

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
        """Its size on the ground, in the equal-area CRS the choropleths' densities use (a drawn area may be
        anywhere, and wider than a UTM zone)."""
        return float(gpd.GeoSeries([self.geometry], crs="EPSG:4326").to_crs(EQUAL_AREA_CRS).area.iloc[0] / 1e6)

    @property
    def name(self) -> str:
        """'the area of area.geojson', 'the area drawn on the map'."""
        return _area_words(self.source, self.from_file)

    @cached_property
    def vertices(self) -> int:
        """Its corners: each ring's points, the closing one not counted again."""
        return sum(len(ring) - 1 for rings in _rings_of(self.geometry) for ring in rings)

    @cached_property
    def kind(self) -> str:
        """'rectangle' (one box along the meridians and parallels), 'polygon', 'polygon with 1 hole', '3 polygons'."""
        polygons = _rings_of(self.geometry)
        if len(polygons) > 1:
            return f"{len(polygons)} polygons"
        rings = polygons[0]
        if len(rings) > 1:
            return f"polygon with {len(rings) - 1} hole{'s' if len(rings) > 2 else ''}"
        corners = rings[0][:-1]
        if len(corners) == 4 and len({x for x, _ in corners}) == 2 and len({y for _, y in corners}) == 2:
            return "rectangle"
        return "polygon"

    def polygons(self) -> list[Rings]:
        """Its polygons as rings of (lon, lat): as drawn or given, or those of the file's geometry."""
        return list(self.parts) if self.parts else _rings_of(self.geometry)

    @cached_property
    def outline(self) -> list[Rings]:
        """Its polygons for drawing: those of :meth:`polygons`, simplified (topology kept) until at most
        OUTLINE_MAX_VERTICES remain."""
        if self.vertices <= OUTLINE_MAX_VERTICES:
            return self.polygons()
        west, south, east, north = self.geometry.bounds
        tolerance = max(east - west, north - south) / 10_000
        while True:
            simpler = shapely.simplify(self.geometry, tolerance, preserve_topology=True)
            rings = _rings_of(simpler)
            if sum(len(ring) - 1 for polygon in rings for ring in polygon) <= OUTLINE_MAX_VERTICES:
                return rings
            tolerance *= 2

    def describe(self) -> str:
        """'inside the area of area.geojson (polygon, 1,234 km², 5 vertices, lon 45.800–45.950, lat 40.050–40.250)',
        plus ', repaired: its outline crossed itself' when it was."""
        repaired = ", repaired: its outline crossed itself" if self.repaired else ""
        bounds = BBox(*self.geometry.bounds).describe()
        vertices = f"{self.vertices:,} vertices"
        return f"inside {self.name} ({self.kind}, {self.area_km2:,.0f} km², {vertices}, {bounds}{repaired})"


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
    union, repaired = _area_of(geometries, source)
    return Area(wkb=shapely.to_wkb(union), source=source, repaired=repaired)


def area_from_polygons(polygons: Sequence[Sequence[Sequence[Sequence[float]]]], source: str = DRAWN) -> Area:
    """The area of polygons given as rings of (lon, lat) (outline first, then holes; closed or not): shapes
    drawn on the map, or a link's coordinates. Rounded to AREA_DECIMALS; several polygons are one area.

    Raises AreaError with a sentence, as read_area does, for what cannot be an area: a ring of fewer than three
    corners, coordinates outside lon/lat, too many vertices, an outline with no inside.
    """
    words = _area_words(source, from_file=False)
    parts: list[Rings] = []
    for rings in polygons:
        closed = []
        for ring in rings:
            points = [_rounded(p) for p in ring]
            if points and points[0] != points[-1]:
                points.append(points[0])
            if len(set(points)) < 3:
                raise AreaError(f"A shape of {words} has fewer than three corners: draw at least a triangle.")
            closed.append(tuple(points))
        if closed:
            parts.append(tuple(closed))
    if not parts:
        raise AreaError(f"{_first_up(words)} holds no polygon: draw a rectangle or a polygon.")
    geometries = [_polygon({"type": "Polygon", "coordinates": rings}, source, words) for rings in parts]
    union, repaired = _area_of(geometries, source, words)
    if repaired:
        # Shown and linked as it filters, to the same decimals: the outline that crossed itself is not kept.
        rounded = [
            tuple(ring for ring in (tuple(_rounded(p) for p in ring) for ring in rings) if len(set(ring)) >= 3)
            for rings in _rings_of(union)
        ]
        parts = [rings for rings in rounded if rings]  # a sliver of the fold may round away
        union, _ = _area_of([shapely.Polygon(rings[0], rings[1:]) for rings in parts], source, words)
    return Area(wkb=shapely.to_wkb(union), source=source, repaired=repaired, from_file=False, parts=tuple(parts))


def area_from_drawings(features: Sequence[object], source: str = DRAWN) -> Area:
    """The area of the shapes drawn on the map, as streamlit-folium reports them (GeoJSON Features);
    anything but a polygon is left out. Raises AreaError as area_from_polygons does."""
    polygons: list[list] = []
    for feature in features:
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if not isinstance(geometry, dict) or not isinstance(geometry.get("coordinates"), list):
            continue
        if geometry.get("type") == "Polygon":
            polygons.append(geometry["coordinates"])
        elif geometry.get("type") == "MultiPolygon":
            polygons.extend(geometry["coordinates"])
    try:
        return area_from_polygons(polygons, source)
    except AreaError:
        raise
    except (TypeError, ValueError, IndexError) as exc:  # coordinates that are not pairs of numbers
        raise AreaError(f"A shape of {_area_words(source, from_file=False)} cannot be read: {exc}.") from None


def _rounded(point: Sequence[float]) -> Point:
    return (round(float(point[0]), AREA_DECIMALS), round(float(point[1]), AREA_DECIMALS))


def _first_up(text: str) -> str:
    return text[:1].upper() + text[1:]  # not str.capitalize, which would lower a file's name


def _area_words(source: str, from_file: bool) -> str:
    return f"the area of {source}" if from_file else f"the area {source}"


def _area_of(geometries: list[BaseGeometry], source: str, words: str | None = None) -> tuple[BaseGeometry, bool]:
    """The union of the polygons, each repaired first if it crosses itself (and whether one was): GEOS cannot
    join an invalid polygon to others. AreaError if the result encloses nothing."""
    repaired = False
    valid = []
    for geometry in geometries:
        if not geometry.is_valid:
            repaired = True
            geometry = _polygonal(shapely.make_valid(geometry))
        valid.append(geometry)
    union = shapely.union_all(valid) if len(valid) > 1 else valid[0]
    if not union.is_valid:
        repaired = True
        union = _polygonal(shapely.make_valid(union))
    if union.is_empty or union.area == 0:
        raise AreaError(
            f"{_first_up(words or _area_words(source, True))} encloses nothing (its outline has no inside)."
        )
    return union, repaired


def _polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of what make_valid returned (it can add the lines and points where an outline folded)."""
    return shapely.union_all([g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in POLYGONAL])


def _rings_of(geometry: BaseGeometry) -> list[Rings]:
    polygons = getattr(geometry, "geoms", [geometry])
    return [
        tuple(tuple((float(x), float(y)) for x, y in ring.coords) for ring in (polygon.exterior, *polygon.interiors))
        for polygon in polygons
        if polygon.geom_type == "Polygon" and not polygon.is_empty
    ]


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


def _polygon(geometry: dict, source: str, words: str | None = None) -> BaseGeometry:
    """One polygon, checked; ``words`` name an area that is not a file's ('the area drawn on the map')."""
    subject = f"A polygon of {source}" if words is None else f"A shape of {words}"
    words = words or _area_words(source, from_file=True)
    try:
        polygon = shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise AreaError(f"{subject} cannot be read: {exc}.") from None
    if shapely.get_num_coordinates(polygon) > MAX_AREA_VERTICES:
        raise AreaError(f"{_first_up(words)} has more than {MAX_AREA_VERTICES:,} vertices; simplify it.")
    lon_min, lat_min, lon_max, lat_max = polygon.bounds if not polygon.is_empty else (0, 0, 0, 0)
    if (
        not (-180 <= lon_min <= lon_max <= 180 and -90 <= lat_min <= lat_max <= 90)
        or not np.isfinite([lon_min, lat_min, lon_max, lat_max]).all()
    ):
        raise AreaError(
            f"{_first_up(words)} has coordinates outside longitude −180..180 / latitude −90..90: "
            "GeoJSON is longitude first, in degrees (WGS84)."
        )
    return polygon
