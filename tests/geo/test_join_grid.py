"""The join's fast paths above join.GRID_ABOVE places (units settled per grid cell in join.first_unit;
snapping settled by a within-distance test; the nearest border segment searched per grid cell in
join.border_distance) give exactly what testing every point one by one gives: unit, snapping, and so
country, province, flags, border distance, sector and region."""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.geo import join
from dashboard.geo.join import join_locations

REGION_BOX = (43.3, 38.3, 50.7, 42.0)  # lon, lat: both countries and a margin around them


def both_ways(lon: np.ndarray, lat: np.ndarray, boundaries, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    """join_locations with the grid forced on, and point by point (the implementation before the grid)."""
    with monkeypatch.context() as patch:
        patch.setattr(join, "GRID_ABOVE", 0)
        gridded = join_locations(lon, lat, boundaries)
    with monkeypatch.context() as patch:
        patch.setattr(join, "GRID_ABOVE", 10**12)
        one_by_one = join_locations(lon, lat, boundaries)
    return gridded, one_by_one


def hard_points(boundaries, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Unit vertices (on edges two units share), Nagorno-Karabakh outline vertices, cell corners and edges,
    and points near and far from the border."""
    vertices = shapely.get_coordinates(boundaries.provinces.geometry.values)[::7]
    cell = join.UNIT_CELL_DEG
    corners = np.stack(
        np.meshgrid(np.arange(43.3, 50.7, cell * 13), np.arange(38.3, 42.0, cell * 11)), axis=-1
    ).reshape(-1, 2)
    corners = np.round(corners / cell) * cell  # on cell corners, as floor() sees them
    edges = corners + np.array([cell * 0.37, 0.0])
    border = shapely.get_coordinates(
        join.gpd.GeoSeries([boundaries.border_metric], crs=join.METRIC_CRS).to_crs(join.WGS84).iloc[0]
    )
    near = border[rng.integers(0, len(border), 20_000)] + rng.normal(0, 0.03, (20_000, 2))
    far = np.column_stack([rng.uniform(43.3, 50.7, 20_000), rng.uniform(38.3, 42.0, 20_000)])
    outlines = shapely.get_coordinates(boundaries.nagorno_karabakh.geometry.values)[::5]  # on the outline: outside
    points = np.concatenate([vertices, outlines, corners, edges, near, far])
    return points[:, 0], points[:, 1]


def test_grid_gives_the_same_join_as_point_by_point(boundaries, monkeypatch):
    lon, lat = hard_points(boundaries, np.random.default_rng(16))
    gridded, one_by_one = both_ways(lon, lat, boundaries, monkeypatch)
    pd.testing.assert_frame_equal(gridded, one_by_one)
    assert (one_by_one["province"] != "").sum() > 30_000  # the premises: most points are in a unit,
    assert (one_by_one["border_distance_km"] > 25).sum() > 10_000  # many far from the border, many near
    assert (one_by_one["border_sector"] != "").sum() > 10_000
    assert one_by_one["snapped"].sum() > 100


def test_the_grid_settles_most_points_along_the_border(boundaries):
    rng = np.random.default_rng(3)
    lon, lat = hard_points(boundaries, rng)
    cells = join._unit_cells(lon, lat)
    units = boundaries.provinces.geometry.values
    shapely.prepare(units)
    pure = join._pure_cells(cells.boxes, units)[0][cells.of_point]
    assert (pure >= 0).mean() > 0.5


coordinate = st.tuples(
    st.floats(REGION_BOX[0], REGION_BOX[2], allow_nan=False), st.floats(REGION_BOX[1], REGION_BOX[3], allow_nan=False)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    points=st.lists(coordinate, min_size=1, max_size=60),
    snap=st.lists(st.integers(0, 10**6), max_size=20),
)
def test_grid_property(boundaries, monkeypatch, points, snap):
    """Arbitrary points, some moved onto unit vertices or cell corners, join the same both ways."""
    vertices = shapely.get_coordinates(boundaries.provinces.geometry.values)
    xy = np.array(points, dtype=float)
    for k, pick in enumerate(snap):
        target = k % len(xy)
        if pick % 2:
            xy[target] = vertices[pick % len(vertices)]
        else:
            xy[target] = np.round(xy[target] / join.UNIT_CELL_DEG) * join.UNIT_CELL_DEG
    gridded, one_by_one = both_ways(xy[:, 0], xy[:, 1], boundaries, monkeypatch)
    pd.testing.assert_frame_equal(gridded, one_by_one)


def test_crowded_cells_are_measured_point_by_point_alike(boundaries, monkeypatch):
    """Cells with more candidate segments than join.MAX_CELL_CANDIDATES fall back to the tree: same figures."""
    lon, lat = hard_points(boundaries, np.random.default_rng(5))
    monkeypatch.setattr(join, "MAX_CELL_CANDIDATES", 3)
    gridded, one_by_one = both_ways(lon, lat, boundaries, monkeypatch)
    pd.testing.assert_frame_equal(gridded, one_by_one)


def test_a_point_equally_near_two_segments_takes_the_lower_numbered(boundaries, monkeypatch):
    """At a vertex two segments share, both searches name the first of them (and so its sector)."""
    ends = boundaries.segment_ends
    shared = np.flatnonzero((ends[:-1, 2:] == ends[1:, :2]).all(axis=1))  # segment k ends where k + 1 starts
    x = np.repeat(ends[shared, 2], 2)  # each vertex twice: above GRID_ABOVE with the grid forced on
    y = np.repeat(ends[shared, 3], 2)
    for grid_above in (0, 10**12):
        monkeypatch.setattr(join, "GRID_ABOVE", grid_above)
        distance, segment = join.border_distance(x, y, boundaries)
        assert (distance == 0).all()
        np.testing.assert_array_equal(segment, np.repeat(shared, 2))
