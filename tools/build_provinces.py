"""Build version 3 of the first-level units: ``data/geo/armenia_azerbaijan_admin1.geojson``.

Version 3 replaces the Natural Earth inner lines of most Azerbaijani rayons and cities with the
OpenStreetMap lines of geoBoundaries 2.0.1; Armenia and the Karabakh-affected units keep theirs.

Inputs (all in the repository; nothing is read from outside it):

* ``data/geo/armenia_azerbaijan_admin1.geojson`` — the layer itself (89 units). Its names, codes
  and every attribute are kept; it is read first and overwritten at the end. Running the script
  on its own output writes the same bytes again (v2, the first input, is in the git history).
* ``data/geo/armenia_azerbaijan_admin0.geojson`` — the OSM country outlines the units must tile.
* ``data/geo/sources/geoBoundaries-2_0_1-AZE-ADM1.geojson`` — Azerbaijan's ADM1 units from
  OpenStreetMap (via Wambacher, 2017), geoBoundaries 2.0.1; see ``data/geo/sources/README.md``.

Method (all geometry computed on the layer's 10⁻⁶° grid; areas and lengths measured in a
Lambert azimuthal equal-area projection centred on 46°E 40°N):

1. Armenia's 11 units and the 13 Karabakh-affected Azerbaijani units (``KEPT``) are copied
   unchanged, byte for byte.
2. The geoBoundaries features are repaired (``make_valid``); of two features that are the same
   polygon (Nakhchivan city, as AZ-NV and as AZ-NZ) the one whose code the layer does not use is
   dropped. Each remaining feature is matched to a unit of the layer, one to one, by largest
   overlap first (the largest overlapping pair is matched, both are removed, and so on). A plain
   "best overlap" per feature would give the cities Mingəçevir and Naftalan and the rayon
   Kəngərli to their neighbours, because the Natural Earth lines misplace them. Every match must
   carry the unit's own ISO code in geoBoundaries' ``shapeISO`` (checked; the names are garbled).
   Features matched to a kept unit, or to none, are dropped (the Karabakh area is coded there as
   the de facto NKR provinces).
3. Each matched polygon is clipped to the region it may fill: the OSM Azerbaijan outline minus
   the kept units (removes the parts reaching into the Caspian, into Armenia, Georgia, Iran, or
   into the kept units).
4. Overlaps: units are taken smallest first, and each loses what the smaller ones already hold,
   so an overlapping area goes to the smaller unit (Qazax keeps the 627 km² Ağstafa covers).
5. Gaps: each piece of the region that no unit covers goes to the unit with which it shares the
   longest edge; a piece that shares no edge with any unit goes to the nearest one.
6. Exact edges (``exact_tiling``): where an inner line meets the region's boundary, steps 3–5
   put a new node on a boundary segment, rounded to the grid and so up to ~5 cm off it, which
   would leave a sliver of gap or overlap as long as the segment. Each such junction is moved
   along its segment to a grid point on the segment's line or within a fraction of a millimetre
   of it (``junction_point``: median 0.7 m, at most ~230 m, where a long straight Natural Earth
   segment offers no closer point); segments within ``ON_BOUNDARY`` (≈ 1 m) of the boundary are
   replaced by the boundary itself. The inner lines and the unchanged boundary are then noded
   and polygonized, and each face goes to the unit that held most of it. Detached fragments
   under ``FRAGMENT_KM2`` that share an edge with another unit join the one they share most
   edge with (islands stay).
7. Written like the other layers: RFC 7946 (exterior rings counter-clockwise, ``bbox`` per
   feature and for the collection), 6 decimals, one feature per line. ``n_parts`` is recounted
   and ``note`` says where the geometry comes from; every other property is the old one.

The script checks before writing that every geometry is valid, that each country's units cover
its outline and nothing else, and that no two units overlap: the symmetric difference and the
overlaps must each stay under ``TOLERANCE_M2`` in all (v3: 0.30 m² and 0.38 m² for Azerbaijan,
slivers at most 0.15 mm wide where a junction could not sit exactly on a boundary segment; 0 for
Armenia); it stops with a message otherwise. Takes a few seconds.

Run from the repository root:  python tools/build_provinces.py
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyproj
import shapely
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "data" / "geo"
LAYER = GEO / "armenia_azerbaijan_admin1.geojson"
OUTLINES = GEO / "armenia_azerbaijan_admin0.geojson"
GEOBOUNDARIES = GEO / "sources" / "geoBoundaries-2_0_1-AZE-ADM1.geojson"

# The Karabakh-affected units: their geoBoundaries polygons are the de facto NKR provinces.
KEPT = (
    "AZ-XA",
    "AZ-XCI",
    "AZ-CAB",
    "AZ-LAC",
    "AZ-KAL",
    "AZ-SUS",
    "AZ-XVD",
    "AZ-AGM",
    "AZ-TAR",
    "AZ-FUZ",
    "AZ-QBI",
    "AZ-ZAN",
    "AZ.56",
)
GRID = 1e-6  # degrees: the layer's 6 decimals
FRAGMENT_KM2 = 1.0  # detached pieces smaller than this join the neighbour they share most edge with
SAME_POLYGON_IOU = 0.99  # two geoBoundaries features this alike are one unit given twice
TOLERANCE_M2 = 2.0  # gaps, overlaps and spill-over allowed by the final check, in all
DEGREE_M = 111_320.0  # metres in a degree of latitude (and of longitude at the equator)
ON_BOUNDARY = 1e-5  # degrees (≈ 1 m): a segment this close to the region's boundary lies on it
JUNCTION_SEARCH = 3_000  # grid cells (≈ 300 m): the reach of a junction's search along its boundary segment
SLIVER_PRICE = 1000.0  # metres of junction displacement worth 1 m² less sliver
EQUAL_AREA = pyproj.Transformer.from_crs(
    "EPSG:4326", "+proj=laea +lat_0=40 +lon_0=46 +datum=WGS84 +units=m +no_defs", always_xy=True
)
V3_NOTE = (
    "v3: geometry from geoBoundaries 2.0.1 AZE ADM1 ({shape_id}; OpenStreetMap via Wambacher, 2017), "
    "clipped to the OSM admin-0 outline minus the 13 Karabakh-affected units, overlaps given to the "
    "smaller unit, gaps to the neighbour with the longest shared edge (tools/build_provinces.py); "
    "geonames_crosscheck, geonames_votes and iou_vs_ne_attr_polygon still describe the v2 "
    "(Natural Earth) geometry"
)
NOTE_SEPARATOR = " | "


@dataclass
class Unit:
    """One feature of the layer: its line in the file (reused when unchanged) and its parts."""

    line: str
    properties: dict[str, Any]
    geometry: BaseGeometry
    new_geometry: BaseGeometry | None = None
    shape_id: str = ""
    log: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return str(self.properties["code"])


def metric(geometry: BaseGeometry) -> BaseGeometry:
    """The geometry in the equal-area projection (metres)."""
    return shapely.transform(geometry, lambda xy: np.column_stack(EQUAL_AREA.transform(xy[:, 0], xy[:, 1])))


def km2(geometry: BaseGeometry) -> float:
    return float(metric(geometry).area) / 1e6


def polygonal(geometry: BaseGeometry) -> BaseGeometry:
    """Only the polygons of a geometry (an overlay can add stray lines and points)."""
    parts = [p for p in shapely.get_parts(geometry) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts, grid_size=GRID) if parts else shapely.Polygon()


def read_layer(path: Path) -> tuple[str, list[Unit], str]:
    """The layer's header line, its units (one per line) and its closing line."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header, body, closing = lines[0], lines[1:-2], lines[-2]
    if lines[-1] != "" or not header.endswith('"features":[') or closing != "]}":
        raise SystemExit(f"{path} is not written one feature per line")
    units = []
    for line in body:
        feature = json.loads(line.rstrip(","))
        units.append(Unit(line.rstrip(","), feature["properties"], shapely.geometry.shape(feature["geometry"])))
    return header, units, closing


def read_geoboundaries(path: Path, codes: set[str]) -> list[dict[str, Any]]:
    """geoBoundaries' features, repaired, with a unit given twice (same polygon) kept once."""
    collection = json.loads(path.read_text(encoding="utf-8"))
    features = [
        {
            "shape_id": f["properties"]["shapeID"],
            "iso": f["properties"]["shapeISO"],
            "geometry": polygonal(shapely.make_valid(shapely.geometry.shape(f["geometry"]))),
        }
        for f in collection["features"]
    ]
    dropped = set()
    for i, one in enumerate(features):
        for other in features[i + 1 :]:
            union = shapely.union(one["geometry"], other["geometry"]).area
            if shapely.intersection(one["geometry"], other["geometry"]).area / union < SAME_POLYGON_IOU:
                continue
            known = [f for f in (one, other) if f["iso"] in codes]
            if len(known) != 1:
                raise SystemExit(
                    f"{one['shape_id']} and {other['shape_id']} are one polygon; cannot tell which to keep"
                )
            extra = other if known[0] is one else one
            dropped.add(extra["shape_id"])
            print(f"dropped {extra['shape_id']} ({extra['iso']}): the same polygon as {known[0]['iso']}")
    return [f for f in features if f["shape_id"] not in dropped]


def match(features: list[dict[str, Any]], units: list[Unit]) -> dict[int, int]:
    """One-to-one matching of features to units, largest overlap first: {feature index: unit index}."""
    unit_tree = shapely.STRtree([metric(u.geometry) for u in units])
    unit_metric = unit_tree.geometries
    pairs = []
    for i, feature in enumerate(features):
        shape = metric(feature["geometry"])
        for j in unit_tree.query(shape, predicate="intersects"):
            overlap = shapely.intersection(shape, unit_metric[j]).area
            if overlap > 0:
                pairs.append((overlap, i, int(j)))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _overlap, i, j in sorted(pairs, reverse=True):
        if i not in matched and j not in taken:
            matched[i] = j
            taken.add(j)
    return matched


def shared_edge_m(piece: BaseGeometry, unit: BaseGeometry) -> float:
    """Length (metres) of the boundary two polygons share."""
    common = shapely.intersection(piece.boundary, unit.boundary, grid_size=GRID)
    return float(metric(common).length)


def build(units: list[Unit], outline: BaseGeometry, features: list[dict[str, Any]]) -> None:
    """Give the replaced Azerbaijani units their new geometry (``Unit.new_geometry``)."""
    azerbaijani = [u for u in units if u.properties["country_iso3"] == "AZE"]
    kept = [u for u in azerbaijani if u.code in KEPT]
    if sorted(u.code for u in kept) != sorted(KEPT):
        raise SystemExit(f"the layer lacks kept units: {sorted(set(KEPT) - {u.code for u in kept})}")
    replaced = [u for u in azerbaijani if u.code not in KEPT]

    matched = match(features, azerbaijani)
    for i, feature in enumerate(features):
        unit = azerbaijani[matched[i]] if i in matched else None
        if unit is None or unit.code in KEPT:
            print(f"not used: {feature['shape_id']} ({feature['iso']}) -> {unit.code if unit else 'no unit'}")
            continue
        if feature["iso"] != unit.code:
            raise SystemExit(f"{feature['shape_id']} ({feature['iso']}) overlaps {unit.code} most")
        unit.shape_id = feature["shape_id"]
        unit.new_geometry = feature["geometry"]
    missing = [u.code for u in replaced if u.new_geometry is None]
    if missing:
        raise SystemExit(f"no geoBoundaries polygon for {missing}")

    region = shapely.difference(outline, shapely.union_all([u.geometry for u in kept], grid_size=GRID), grid_size=GRID)
    clipped = {}
    for unit in replaced:
        raw = shapely.set_precision(unit.new_geometry, GRID)
        clipped[unit.code] = polygonal(shapely.intersection(raw, region, grid_size=GRID))
        outside = km2(unit.new_geometry) - km2(clipped[unit.code])
        unit.log.append(f"clipped off {outside:,.1f} km²")

    # Overlaps go to the smaller unit: the smallest unit is served first.
    held = shapely.Polygon()
    for unit in sorted(replaced, key=lambda u: km2(clipped[u.code])):
        own = polygonal(shapely.difference(clipped[unit.code], held, grid_size=GRID))
        lost = km2(clipped[unit.code]) - km2(own)
        if lost > 0.01:
            unit.log.append(f"overlap given to smaller units {lost:,.1f} km²")
        unit.new_geometry = own
        held = shapely.union(held, own, grid_size=GRID)

    # Gaps go to the neighbour with the longest shared edge (the nearest unit if none shares one).
    gaps = shapely.get_parts(polygonal(shapely.difference(region, held, grid_size=GRID)))
    tree = shapely.STRtree([u.new_geometry for u in replaced])
    additions: dict[str, list[BaseGeometry]] = {u.code: [] for u in replaced}
    for piece in gaps:
        edges = {int(j): shared_edge_m(piece, replaced[j].new_geometry) for j in tree.query(piece, "intersects")}
        best = max(edges, key=lambda j: edges[j]) if edges and max(edges.values()) > 0 else None
        if best is None:
            best = int(tree.query_nearest(piece)[0])
            print(f"gap of {km2(piece):,.4f} km² touches no unit: nearest {replaced[best].code}")
        additions[replaced[best].code].append(piece)
    for unit in replaced:
        if additions[unit.code]:
            gained = sum(km2(p) for p in additions[unit.code])
            unit.log.append(f"gaps gained {gained:,.1f} km² ({len(additions[unit.code])} pieces)")
            unit.new_geometry = polygonal(shapely.union_all([unit.new_geometry, *additions[unit.code]], grid_size=GRID))
    print(f"{len(gaps)} gap pieces, {sum(km2(p) for p in gaps):,.1f} km²")

    final = exact_tiling(region, {u.code: u.new_geometry for u in replaced})
    for unit in replaced:
        moved = km2(shapely.symmetric_difference(final[unit.code], unit.new_geometry))
        if moved >= 0.001:
            unit.log.append(f"redrawn along the boundary {moved:,.3f} km²")
        unit.new_geometry = final[unit.code]


def junction_point(junction: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The grid point for a junction on segment start–end: on the segment's line, or all but.

    All three are in grid units (integers). Grid points exactly on a segment are rare (its ends,
    and between them only where the coordinate differences share a divisor), so the candidates
    are the segment's ends and the grid points next to it within ``JUNCTION_SEARCH`` cells of the
    junction. The sliver a candidate leaves between the segment and the two segments through it
    has an area of half their cross product, in grid cells² (one ≈ 0.0095 m² here). A candidate
    costs its distance from the junction plus ``SLIVER_PRICE`` metres per m² of sliver; the
    cheapest one that lies within a third of a cell of the segment's line (so that noding on the
    grid routes the segment through it) is taken. The ends leave no sliver.
    """
    a, b = start.astype(np.int64), end.astype(np.int64)
    step = b - a
    major = int(np.argmax(np.abs(step)))
    minor = 1 - major
    low, high = sorted((int(a[major]), int(b[major])))
    along = np.arange(
        max(low, int(junction[major]) - JUNCTION_SEARCH), min(high, int(junction[major]) + JUNCTION_SEARCH) + 1
    )
    line = a[minor] + (along - a[major]) * step[minor] / step[major]
    candidates = np.zeros((3 * len(along) + 2, 2), dtype=np.int64)
    for k, offset in enumerate((-1, 0, 1)):
        candidates[k : 3 * len(along) : 3, major] = along
        candidates[k : 3 * len(along) : 3, minor] = np.rint(line).astype(np.int64) + offset
    candidates[-2:] = a, b
    cross = np.abs(step[0] * (candidates[:, 1] - a[1]) - step[1] * (candidates[:, 0] - a[0]))
    cell_m = DEGREE_M * GRID  # the grid's cell, in metres of latitude
    cost = np.hypot(*(candidates - junction).T) * cell_m + SLIVER_PRICE * cross / 2 * cell_m**2
    cost[cross > np.hypot(*step) / 3] = np.inf
    return candidates[np.argmin(cost)].astype(float)


def segment_ends(geometries: list[BaseGeometry]) -> np.ndarray:
    """The distinct two-point segments of polygons' rings or of lines, as an (n, 2, 2) array."""
    found: set[tuple[tuple[float, float], tuple[float, float]]] = set()
    for geometry in geometries:
        for part in shapely.get_parts(geometry):
            rings = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
            for ring in rings:
                coords = [(float(x), float(y)) for x, y in ring.coords]
                found.update((a, b) if a <= b else (b, a) for a, b in itertools.pairwise(coords) if a != b)
    return np.array(sorted(found)).reshape(-1, 2, 2)


def exact_tiling(region: BaseGeometry, provisional: dict[str, BaseGeometry]) -> dict[str, BaseGeometry]:
    """Redraw the units so that along the region's boundary they follow its own segments.

    Where an inner line meets the boundary of the region (the outline or a kept unit), an overlay
    puts a new node on one of the boundary's segments, rounded to the grid and so up to a few
    centimetres off it: a sliver of gap or overlap as long as the segment. Here every such
    junction is moved along its boundary segment to a grid point on the segment's line, or within
    a fraction of a millimetre of it (``junction_point``); the inner lines and the unchanged
    boundary are noded on the grid (repeated if a moved line now crosses the boundary) and
    polygonized, and each face goes to the unit that held most of it.
    """
    boundary = region.boundary
    shapely.prepare(boundary)
    shapely.prepare(region)
    boundary_segments = shapely.linestrings(segment_ends([boundary]))
    segment_tree = shapely.STRtree(boundary_segments)
    settled = {tuple(c) for c in np.rint(shapely.get_coordinates(boundary) * 1e6).astype(np.int64)}

    def near_boundary(points: np.ndarray) -> np.ndarray:
        return shapely.distance(shapely.points(points), boundary) <= ON_BOUNDARY

    moved_m: list[float] = []
    ends = segment_ends(list(provisional.values()))
    for attempt in range(10):
        near = np.stack([near_boundary(ends[:, 0]), near_boundary(ends[:, 1])], axis=1)
        on_boundary = near.all(axis=1) & near_boundary(ends.mean(axis=1))
        # A moved line can cut across a bend of the boundary: its piece outside the region goes.
        keep = ~on_boundary & shapely.contains_xy(region, *ends.mean(axis=1).T)
        inner, near = ends[keep], near[keep]
        scaled = np.rint(inner * 1e6)
        unsettled = [
            (i, j)
            for i, j in zip(*np.nonzero(near), strict=True)
            if tuple(scaled[i, j].astype(np.int64)) not in settled
        ]
        if not unsettled and attempt:
            break
        for i, j in unsettled:
            segment = boundary_segments[segment_tree.query_nearest(shapely.Point(inner[i, j]))[0]]
            start, end = np.rint(shapely.get_coordinates(segment) * 1e6)
            target = junction_point(scaled[i, j], start, end)
            moved_m.append(float(metric(shapely.LineString([inner[i, j], target / 1e6])).length))
            settled.add(tuple(target.astype(np.int64)))
            scaled[i, j] = target
        inner = scaled / 1e6
        inner = inner[np.any(inner[:, 0] != inner[:, 1], axis=1)]
        # Noded on the grid: the boundary is routed through each moved junction, which lies on
        # it or within a fraction of a millimetre of it.
        lines = shapely.union_all([boundary, *shapely.linestrings(inner)], grid_size=GRID)
        ends = segment_ends([lines])
    else:
        raise SystemExit("junctions on the boundary did not settle")
    print(
        f"{len(moved_m)} junctions moved onto the boundary's segments: median {np.median(moved_m):.1f} m, "
        f"max {max(moved_m):.1f} m"
    )

    polygons, cuts, dangles, invalid = shapely.polygonize_full(shapely.get_parts(lines))
    if not (cuts.is_empty and dangles.is_empty and invalid.is_empty):
        problems = shapely.union_all([cuts, dangles, invalid])
        raise SystemExit(f"the inner lines do not close into faces, near {shapely.get_coordinates(problems)[:4]}")
    faces = [f for f in shapely.get_parts(polygons) if f.area > 0]
    within = [f for f in faces if shapely.intersection(f, region).area > 0.5 * f.area]

    codes = list(provisional)
    tree = shapely.STRtree([provisional[c] for c in codes])
    parts: dict[str, list[BaseGeometry]] = {c: [] for c in codes}
    for face in within:
        candidates = tree.query(face, "intersects")
        overlaps = {int(j): shapely.intersection(face, provisional[codes[j]]).area for j in candidates}
        if not overlaps or max(overlaps.values()) <= 0:
            overlaps = {int(j): shared_edge_m(face, provisional[codes[j]]) for j in candidates}
        parts[codes[max(overlaps, key=lambda j: overlaps[j])]].append(face)
    units = {code: shapely.union_all(parts[code]) for code in codes}

    # A detached fragment under FRAGMENT_KM2 that shares an edge with other units joins the one
    # with the longest shared edge (islands stay).
    for code in codes:
        pieces = sorted(shapely.get_parts(units[code]), key=lambda p: p.area)
        for piece in pieces[:-1]:
            if km2(piece) >= FRAGMENT_KM2:
                continue
            edges = {other: shared_edge_m(piece, units[other]) for other in codes if other != code}
            best = max(edges, key=lambda other: edges[other])
            if edges[best] > 0:
                print(f"fragment of {code}, {km2(piece):.3f} km², joins {best}")
                units[code] = shapely.difference(units[code], piece)
                units[best] = shapely.union(units[best], piece)
    return units


def m2(geometry: BaseGeometry) -> float:
    """Area in m² of small pieces, from their area in degrees at their own latitude.

    (Projecting only the vertices would not do: a thin sliver along a 25 km straight segment
    would gain the bow of the projected segment, thousands of m².)
    """
    parts = shapely.get_parts(geometry)
    parts = parts[~shapely.is_empty(parts)]
    if not len(parts):
        return 0.0
    latitudes = np.radians(shapely.get_y(shapely.centroid(parts)))
    return float(np.sum(shapely.area(parts) * DEGREE_M**2 * np.cos(latitudes)))


def check(units: list[Unit], outlines: dict[str, BaseGeometry]) -> None:
    """Stop unless the units are valid and tile each country outline."""
    for unit in units:
        geometry = unit.new_geometry if unit.new_geometry is not None else unit.geometry
        if not geometry.is_valid or geometry.is_empty:
            raise SystemExit(f"{unit.code}: invalid or empty geometry ({shapely.is_valid_reason(geometry)})")
    for iso3, outline in outlines.items():
        shapes = [
            u.new_geometry if u.new_geometry is not None else u.geometry
            for u in units
            if u.properties["country_iso3"] == iso3
        ]
        spill = m2(shapely.symmetric_difference(shapely.union_all(shapes), outline))
        left, right = shapely.STRtree(shapes).query(shapes, predicate="intersects")
        pairs = left < right
        overlap = m2(shapely.intersection(np.asarray(shapes)[left[pairs]], np.asarray(shapes)[right[pairs]]))
        print(f"{iso3}: union vs outline {spill:.6f} m², overlaps {overlap:.6f} m²")
        if spill > TOLERANCE_M2 or overlap > TOLERANCE_M2:
            raise SystemExit(f"{iso3}: the units do not tile the outline")


def coordinates(geometry: BaseGeometry) -> dict[str, Any]:
    """GeoJSON geometry, RFC 7946 ring order, 6 decimals."""
    oriented = shapely.orient_polygons(geometry, exterior_cw=False)

    def ring(r: BaseGeometry) -> list[list[float]]:
        return [[round(x, 6), round(y, 6)] for x, y in r.coords]

    def polygon(p: BaseGeometry) -> list[list[list[float]]]:
        return [ring(p.exterior), *(ring(i) for i in p.interiors)]

    parts = list(shapely.get_parts(oriented))
    if len(parts) == 1:
        return {"type": "Polygon", "coordinates": polygon(parts[0])}
    return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in parts]}


def bbox(geometry: BaseGeometry) -> list[float]:
    return [round(v, 6) for v in geometry.bounds]


def feature_line(unit: Unit) -> str:
    """The unit's line in the file: unchanged, or rewritten with its new geometry."""
    if unit.new_geometry is None:
        return unit.line
    properties = dict(unit.properties)
    note = str(properties["note"]).split(NOTE_SEPARATOR + "v3:")[0]
    properties["note"] = note + NOTE_SEPARATOR + V3_NOTE.format(shape_id=unit.shape_id)
    properties["n_parts"] = int(shapely.get_num_geometries(unit.new_geometry))
    feature = {
        "type": "Feature",
        "properties": properties,
        "bbox": bbox(unit.new_geometry),
        "geometry": coordinates(unit.new_geometry),
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"))


def render(layer: Path = LAYER, outlines_path: Path = OUTLINES, geoboundaries: Path = GEOBOUNDARIES) -> str:
    """The text of version 3 of the layer, built from the layer at ``layer`` (v2 or v3 itself)."""
    header, units, closing = read_layer(layer)
    outline_collection = json.loads(outlines_path.read_text(encoding="utf-8"))
    outlines = {f["properties"]["code"]: shapely.geometry.shape(f["geometry"]) for f in outline_collection["features"]}
    features = read_geoboundaries(geoboundaries, {u.code for u in units})
    before = {u.code: km2(u.geometry) for u in units}
    build(units, outlines["AZE"], features)
    check(units, outlines)

    for unit in units:
        if unit.new_geometry is not None:
            after = km2(unit.new_geometry)
            change = after - before[unit.code]
            print(
                f"{unit.code:7} {before[unit.code]:9,.1f} -> {after:9,.1f} km² ({change:+8,.1f}, "
                f"{change / before[unit.code]:+6.1%}) parts {shapely.get_num_geometries(unit.new_geometry):2}; "
                + "; ".join(unit.log)
            )
    lines = [feature_line(u) for u in units]
    everything = shapely.union_all(list(outlines.values()))
    header = header.split('"bbox":')[0] + f'"bbox":{json.dumps(bbox(everything), separators=(",", ":"))},"features":['
    replaced = sum(u.new_geometry is not None for u in units)
    print(f"{len(units)} units, {replaced} with new geometry")
    return "\n".join([header, ",\n".join(lines), closing, ""])


def main() -> None:
    text = render()
    LAYER.write_text(text, encoding="utf-8")
    print(f"wrote {LAYER.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
