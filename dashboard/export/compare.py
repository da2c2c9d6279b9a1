"""The files of a comparison of two periods: the table as CSV, the two periods' maps side by side."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Final

import geopandas as gpd

from dashboard.describe import filter_lines
from dashboard.export.datafiles import generated_stamp, table_csv_bytes
from dashboard.export.snapshot import SnapshotSpec, render_change_map, render_pair, snapshot_bytes
from dashboard.filters import EventFilter
from dashboard.geo.join import Boundaries
from dashboard.geo.units import unit_shapes
from dashboard.load.events import EventTable
from dashboard.pipeline import Selection, select_events
from dashboard.summary.compare import BY_PROVINCE, UNITS, Comparison, Period, compare_periods

COMPARE_FORMATS: Final = ("csv", "png", "svg", "pdf")
PAIR: Final = "pair"  # the two periods' maps side by side
CHANGE: Final = "change"  # one map of the units, filled by the band of their change
COMPARE_MAPS: Final = (CHANGE, PAIR)


def comparison_of(
    table: EventTable, flt: EventFilter, nk_boundary: str, a: Period, b: Period, by: str, min_events: int
) -> tuple[Comparison, Selection]:
    """The comparison of the events that pass ``flt`` but for its dates, and the selection it was made from."""
    selection = select_events(table, nk_boundary, replace(flt, start=None, end=None))
    return compare_periods(selection.events, a, b, by, min_events), selection


def compared_shapes(by: str, boundaries: Boundaries) -> gpd.GeoDataFrame:
    """The compared units' outlines (columns unit — the name the comparison uses — and geometry; EPSG:4326)."""
    shapes = unit_shapes(boundaries, "provinces" if by == BY_PROVINCE else "sectors")
    return gpd.GeoDataFrame({"unit": shapes["name"].to_numpy()}, geometry=shapes.geometry.to_numpy(), crs=shapes.crs)


def comparison_title(a: Period, b: Period) -> str:
    """'Events 12–14 Sep 2022 (A) and 9–11 Sep 2022 (B)': the default title of a comparison's files."""
    return f"Events {a.text()} (A) and {b.text()} (B)"


def comparison_file(
    fmt: str,
    table: EventTable,
    flt: EventFilter,
    nk_boundary: str,
    a: Period,
    b: Period,
    by: str,
    min_events: int,
    boundaries: Boundaries,
    title: str | None = None,
    now: dt.datetime | None = None,
    drawn: str = CHANGE,
) -> tuple[bytes, Comparison]:
    """The comparison as ``fmt``: CSV (the table, described in ``#`` lines), or a PNG/SVG/PDF of the
    change map (``drawn`` = "change") or of the two periods' maps side by side ("pair"), with both
    periods in the caption."""
    comparison, selection = comparison_of(table, flt, nk_boundary, a, b, by, min_events)
    heading = title or comparison_title(a, b)
    # The other filters apply to both periods; the periods themselves are in the caption's first line.
    others = [
        line for line in filter_lines(replace(flt, start=None, end=None), nk_boundary) if not line.startswith("Period")
    ]
    lines = [comparison.caption(), *others]
    if comparison.outside_text():
        lines.append(comparison.outside_text())
    if fmt == "csv":
        return table_csv_bytes(comparison.table, [heading, *lines, f"generated {generated_stamp(now)}"]), comparison
    spec = SnapshotSpec(title=heading, caption_lines=lines, generated=(now or dt.datetime.now()).date())
    if drawn == CHANGE:
        legend = f"Change per {UNITS[by][1]}, A − B"
        change = render_change_map(
            comparison.table, compared_shapes(by, boundaries), boundaries, nk_boundary, spec, legend
        )
        return snapshot_bytes(change, fmt, title=heading), comparison
    events = selection.events
    dates = events["event_date"].dt.normalize()
    snapshot = render_pair(
        ((f"A: {a.text()}", events[a.contains(dates)]), (f"B: {b.text()}", events[b.contains(dates)])),
        boundaries,
        nk_boundary,
        spec,
    )
    return snapshot_bytes(snapshot, fmt, title=heading), comparison
