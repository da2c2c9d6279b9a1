"""Grid aggregation for selections too large to draw event by event.

Above ``event_layers.MAX_PACKED`` events the map shows one circle per grid cell
instead of one per event: the browser stays responsive and the page stays small. The
cell size adapts to the extent of the selection (about 25 cells across).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.style import EVENT_TYPE_COLOURS, UNKNOWN_TYPE_COLOUR, cell_radius
from dashboard.text import format_date
from dashboard.vocab import KM_PER_DEGREE

CELLS_ACROSS = 25
NICE_SIZES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)  # degrees


@dataclass(frozen=True)
class Grid:
    """Counts of events per square cell of ``cell_deg`` degrees, with their dominant type and date range."""

    cells: pd.DataFrame  # lat, lon, events, fatalities, dominant_type, first, last, breakdown
    cell_deg: float

    @property
    def cell_km(self) -> float:
        """The cell's side in kilometres (north-south; east-west it is shorter by cos(latitude))."""
        return self.cell_deg * KM_PER_DEGREE


def cell_size(events: pd.DataFrame) -> float:
    """A round cell size in degrees giving about CELLS_ACROSS cells across the events' extent."""
    span = max(
        events["longitude"].max() - events["longitude"].min(), events["latitude"].max() - events["latitude"].min(), 1e-9
    )
    wanted = span / CELLS_ACROSS
    return next((size for size in NICE_SIZES if size >= wanted), NICE_SIZES[-1])


def aggregate_grid(events: pd.DataFrame, cell_deg: float | None = None) -> Grid:
    """Counts per grid cell of the located events, placed at the mean position of each cell's events."""
    located = events[events["latitude"].notna()]
    if located.empty:
        return Grid(
            pd.DataFrame(columns=["lat", "lon", "events", "fatalities", "dominant_type", "first", "last", "breakdown"]),
            cell_deg or NICE_SIZES[0],
        )
    size = cell_deg or cell_size(located)
    keys = pd.DataFrame(
        {
            "gx": np.floor(located["longitude"].to_numpy() / size).astype(np.int64),
            "gy": np.floor(located["latitude"].to_numpy() / size).astype(np.int64),
        },
        index=located.index,
    )
    frame = pd.concat([keys, located[["latitude", "longitude", "event_type", "fatalities", "event_date"]]], axis=1)
    grouped = frame.groupby(["gx", "gy"], sort=False)
    cells = grouped.agg(
        lat=("latitude", "mean"),
        lon=("longitude", "mean"),
        events=("event_type", "size"),
        fatalities=("fatalities", "sum"),
        first=("event_date", "min"),
        last=("event_date", "max"),
    )
    by_type = frame.groupby(["gx", "gy", "event_type"], sort=False).size().unstack(fill_value=0)
    by_type = by_type.reindex(columns=[t for t in EVENT_TYPE_COLOURS if t in by_type.columns]).loc[cells.index]
    cells["dominant_type"] = by_type.idxmax(axis=1)
    cells["breakdown"] = [
        ", ".join(f"{name} {count:,}" for name, count in row.items() if count)
        for row in by_type.sort_index(axis=1).to_dict("records")
    ]
    return Grid(cells.reset_index(drop=True), size)


def cell_records(grid: Grid) -> list[dict[str, object]]:
    """What the browser needs per cell: position, radius, colour and the tooltip text (plain text)."""
    cells = grid.cells
    if cells.empty:
        return []
    largest = max(int(cells["events"].max()), 1)
    columns = zip(
        cells["lat"].astype(float),
        cells["lon"].astype(float),
        cells["events"].astype(int),
        cells["fatalities"].astype(float),
        cells["dominant_type"].astype(str),
        cells["first"],
        cells["last"],
        cells["breakdown"].astype(str),
        strict=True,
    )
    return [
        {
            "lat": round(lat, 5),
            "lon": round(lon, 5),
            "r": cell_radius(events, largest),
            "c": EVENT_TYPE_COLOURS.get(dominant, UNKNOWN_TYPE_COLOUR),
            "n": events,
            "t": (
                f"{events:,} event{'s' if events != 1 else ''} · "
                f"{format_date(first)} – {format_date(last)} · "
                f"{int(fatalities):,} reported fatalities (single figures) · {breakdown}"
            ),
        }
        for lat, lon, events, fatalities, dominant, first, last, breakdown in columns
    ]
