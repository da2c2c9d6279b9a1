"""Snapshots draw each approximate location's circle of uncertainty under the markers, with a legend entry."""

from __future__ import annotations

import math

import pytest
from matplotlib.collections import EllipseCollection
from pyproj import Geod, Transformer

from dashboard.cli import main
from dashboard.export.snapshot import SNAPSHOT_CRS, SnapshotSpec, render_snapshot
from dashboard.pipeline import load_joined_events
from dashboard.vocab import UNCERTAINTY_LEGEND
from tests.helpers import FIXTURES


@pytest.fixture(scope="module")
def ucdp(boundaries):
    return load_joined_events(FIXTURES / "precision_ucdp.csv", boundaries).events


def legend_texts(snapshot) -> str:
    return " ".join(" ".join(t.get_text().split()) for legend in snapshot.figure.legends for t in legend.get_texts())


def circles(snapshot) -> list[EllipseCollection]:
    ax = snapshot.figure.axes[0]
    return [c for c in ax.collections if c.get_gid() == "uncertainty"]


def test_the_legend_names_the_circle_and_the_toggle_removes_both(ucdp, boundaries):
    shown = render_snapshot(ucdp, boundaries, "nkao_1991", SnapshotSpec(title="UCDP"))
    assert UNCERTAINTY_LEGEND in legend_texts(shown)
    assert len(circles(shown)) == 1
    hidden = render_snapshot(ucdp, boundaries, "nkao_1991", SnapshotSpec(title="UCDP", uncertainty=False))
    assert UNCERTAINTY_LEGEND not in legend_texts(hidden)
    assert circles(hidden) == []


def test_one_circle_per_place_and_radius_under_the_markers(ucdp, boundaries):
    snapshot = render_snapshot(ucdp, boundaries, "nkao_1991", SnapshotSpec(title="UCDP"))
    (collection,) = circles(snapshot)
    # where_prec 2 and 3 share 25 km at the same point; 4 and 5 are 50 and 75 km; 1, 6 and 7 have none.
    assert len(collection.get_offsets()) == 3
    events = next(c for c in snapshot.figure.axes[0].collections if c.get_gid() == "events")
    assert collection.get_zorder() < events.get_zorder()


def test_the_radius_is_metres_on_the_ground_in_the_maps_units(ucdp, boundaries):
    snapshot = render_snapshot(ucdp, boundaries, "nkao_1991", SnapshotSpec(title="UCDP"))
    (collection,) = circles(snapshot)
    lon, lat = 45.8647, 40.2031
    to_map = Transformer.from_crs("EPSG:4326", SNAPSHOT_CRS, always_xy=True)
    x0, y0 = to_map.transform(lon, lat)
    radii = sorted(collection.get_widths() / 2)  # diameters in the axes' data units (units="xy")
    for radius, km in zip(radii, (25, 50, 75), strict=True):
        # The map distance from the point to the places km away on the ground, due north and due east.
        for azimuth in (0, 90):
            far_lon, far_lat, _ = Geod(ellps="WGS84").fwd(lon, lat, azimuth, km * 1000)
            x1, y1 = to_map.transform(far_lon, far_lat)
            assert math.hypot(x1 - x0, y1 - y0) == pytest.approx(radius, rel=0.01), (km, azimuth)


def test_an_exact_event_draws_no_circle_and_no_legend_entry(boundaries):
    events = load_joined_events(FIXTURES / "precision_project.csv", boundaries).events
    exact = events[events["event_id"] == "PREC-1"]
    snapshot = render_snapshot(exact, boundaries, "nkao_1991", SnapshotSpec(title="Exact"))
    assert circles(snapshot) == [] and UNCERTAINTY_LEGEND not in legend_texts(snapshot)


def test_the_cli_draws_the_circles_unless_told_not_to(tmp_path):
    drawn, left_out = tmp_path / "with.svg", tmp_path / "without.svg"
    events = str(FIXTURES / "precision_acled.csv")
    assert main(["export", "--events", events, "--out", str(drawn)]) == 0
    assert main(["export", "--events", events, "--out", str(left_out), "--no-uncertainty"]) == 0
    assert 'id="uncertainty"' in drawn.read_text() and "Circle: location approximate" in drawn.read_text()
    assert 'id="uncertainty"' not in left_out.read_text() and "Circle: location" not in left_out.read_text()
