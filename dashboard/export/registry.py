"""One entry point for every export format, shared by the dashboard and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from dashboard.bbox import BBox
from dashboard.describe import filter_lines
from dashboard.errors import ExportError
from dashboard.export.datafiles import csv_bytes, generated_stamp, geojson_bytes
from dashboard.export.formats import EXPORT_FORMATS, FORMAT_BY_EXTENSION, FORMATS, SCREEN_DPI
from dashboard.export.snapshot import (
    SnapshotError,
    SnapshotSpec,
    events_in,
    snapshot_file,
)
from dashboard.filters import EventFilter
from dashboard.geo.display import BaseLayers
from dashboard.geo.join import Boundaries
from dashboard.isolation import in_child_process
from dashboard.pipeline import Selection
from dashboard.webmap.standalone import standalone_html

# matplotlib holds the interpreter lock while it draws: above this many events a snapshot is drawn in
# a child process (other sessions keep answering) and stopped after SNAPSHOT_TIMEOUT_S; smaller
# ones take well under a second and are not worth the child's start-up.
DRAW_IN_PROCESS_UP_TO = 20_000
SNAPSHOT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ExportRequest:
    """What to export: format, title, PNG resolution, and optionally an area and a web-tile background."""

    fmt: str
    title: str
    dpi: int = SCREEN_DPI
    bbox: BBox | None = None  # the map view to export
    basemap: str | None = None  # web tiles under a snapshot, only if they can be fetched


def format_for(path: Path, fmt: str | None) -> str:
    """The explicit format, or the one the file extension names."""
    if fmt:
        return fmt
    try:
        return FORMAT_BY_EXTENSION[path.suffix.lower()]
    except KeyError:
        raise ExportError(
            f"Cannot tell the format from '{path.name}'; add --format ({', '.join(FORMATS)}) "
            "or use one of the extensions " + ", ".join(sorted(FORMAT_BY_EXTENSION)) + "."
        ) from None


def caption(selection: Selection, flt: EventFilter, nk_boundary: str, bbox: BBox | None, shown: int) -> list[str]:
    """The lines that describe an export: the filters in words, the area if one was chosen, and the accounting."""
    lines = filter_lines(flt, nk_boundary)
    if bbox is not None:
        lines.append(f"Map view: {bbox.describe()} ({shown} of {selection.counts.shown} filtered events inside)")
    lines.append(selection.counts.line())
    return lines


def export_bytes(
    request: ExportRequest,
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    layers: BaseLayers | None,
    now: dt.datetime | None = None,
) -> bytes:
    """The file for ``request`` built from the shown events (restricted to ``request.bbox`` if given)."""
    if request.fmt not in EXPORT_FORMATS:
        raise ExportError(f"Unknown export format '{request.fmt}'; use one of {', '.join(FORMATS)}.")
    events = selection.events
    try:
        if request.bbox is not None:
            events = events[events_in(events, request.bbox)]
        lines = caption(selection, flt, nk_boundary, request.bbox, len(events))
        stamp = generated_stamp(now)
        if request.fmt == "csv":
            return csv_bytes(events, [request.title, *lines], stamp)
        if request.fmt == "geojson":
            return geojson_bytes(events, [request.title, *lines], stamp)
        if request.fmt == "html":
            if layers is None:
                raise ExportError("The HTML export needs the prepared map layers.")
            return standalone_html(events, layers, nk_boundary, request.title, lines, request.bbox).encode("utf-8")
        spec = SnapshotSpec(
            title=request.title,
            caption_lines=lines,
            bbox=request.bbox,
            generated=(now or dt.datetime.now()).date(),
            basemap=request.basemap,
        )
        args = (events, boundaries, nk_boundary, spec, request.fmt, request.dpi)
        if len(events) <= DRAW_IN_PROCESS_UP_TO:
            return snapshot_file(*args)
        return in_child_process(
            snapshot_file,
            *args,
            timeout_s=SNAPSHOT_TIMEOUT_S,
            what="Drawing the map snapshot",
            advice="narrow the filters or the area, or export the data as CSV.",
            error=ExportError,
        )
    except SnapshotError as exc:
        raise ExportError(str(exc)) from None
