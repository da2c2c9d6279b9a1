"""One entry point for every export format, shared by the dashboard and the command line."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.bbox import BBox
from dashboard.describe import filter_lines
from dashboard.errors import ExportError
from dashboard.export.animation import (
    Progress,
    animation_file,
    animation_frames,
    check_frame_ms,
    check_representation,
)
from dashboard.export.datafiles import csv_bytes, generated_stamp, geojson_bytes
from dashboard.export.formats import DEFAULT_FRAME_MS, EXPORT_FORMATS, FORMAT_BY_EXTENSION, FORMATS, SCREEN_DPI
from dashboard.export.package import package_bytes
from dashboard.export.snapshot import (
    DRAWN_COLUMNS,
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
from dashboard.summary.claims import claim_figures, claims_of
from dashboard.timeframes import DEFAULT_FRAME_MODE, DEFAULT_FRAME_UNIT, played_period
from dashboard.vocab import (
    CHOROPLETH_MEASURES,
    DEFAULT_MEASURE,
    DEFAULT_REPRESENTATION,
    REPRESENTATIONS,
    UNIT_COLUMNS,
    UNIT_WORDS,
)
from dashboard.webmap.standalone import standalone_html

# A file built in a child process (the format's in_child_above) is stopped after this long.
EXPORT_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class ExportRequest:
    """What to export: format, title, PNG resolution, optionally an area and a web-tile background,
    whether maps draw circles of uncertainty around approximate locations, and how maps show the
    events (``representation``, a key of vocab.REPRESENTATIONS; a choropleth's ``measure``)."""

    fmt: str
    title: str
    dpi: int = SCREEN_DPI
    bbox: BBox | None = None  # the map view to export
    basemap: str | None = None  # web tiles under a snapshot, only if they can be fetched
    uncertainty: bool = True  # circles of uncertainty around approximate locations (snapshots, HTML)
    representation: str = DEFAULT_REPRESENTATION  # snapshots and HTML; the data files are always per event
    measure: str = DEFAULT_MEASURE  # what a choropleth colours by (vocab.CHOROPLETH_MEASURES)
    # Animations (GIF, MP4): each frame's window, moving or cumulative (timeframes.py), and its duration.
    frame_unit: str = DEFAULT_FRAME_UNIT
    frame_mode: str = DEFAULT_FRAME_MODE
    frame_ms: int = DEFAULT_FRAME_MS


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


def representation_words(representation: str, measure: str) -> str:
    """'heatmap', 'choropleth by border sector, coloured by events per 1,000 km²' …, for captions."""
    words = REPRESENTATIONS[representation].lower()
    if representation in UNIT_COLUMNS:
        words += f", coloured by {CHOROPLETH_MEASURES[measure].lower()} per {UNIT_WORDS[representation][0]}"
        words = words.replace("per 1,000 km² per", "per 1,000 km², per")
    return words


def casualty_clauses(selection: Selection) -> list[str]:
    """Reported killed per party in the filtered period (area-wide rows included, as in the key figures)."""
    return [p.short() for p in claim_figures(selection.claims, selection.reported, matched=True).parties]


def build_file(
    fmt: str,
    events: pd.DataFrame,
    title: str,
    lines: list[str],
    stamp: str,
    spec: SnapshotSpec,
    nk_boundary: str,
    dpi: int,
    claims: pd.DataFrame,
    boundaries: Boundaries | None,
    layers: BaseLayers | None,
) -> bytes:
    """The file in format ``fmt`` of ``events``, described by ``lines``; run in the session or in a child.

    Snapshots need ``boundaries`` and the HTML export ``layers``; the data files need neither. GeoJSON
    writes ``claims`` (the events' casualty claims) per feature, the ZIP package as claims.csv; CSV has
    them in words (``claims_text``) and no description (the package has it).
    """
    if fmt == "csv":
        return csv_bytes(events)
    if fmt == "zip":
        return package_bytes(events, claims, title, lines, stamp)
    if fmt == "geojson":
        return geojson_bytes(events, [title, *lines], stamp, claims)
    if fmt == "html":
        if layers is None:
            raise ExportError("The HTML export needs the prepared map layers.")
        page = standalone_html(
            events,
            layers,
            nk_boundary,
            title,
            lines,
            spec.bbox,
            spec.uncertainty,
            representation=spec.representation,
            measure=spec.measure,
            period=spec.period,
        )
        return page.encode("utf-8")
    if boundaries is None:
        raise ExportError("A map snapshot needs the boundary layers.")
    try:
        return snapshot_file(events, boundaries, nk_boundary, spec, fmt, dpi)
    except SnapshotError as exc:
        raise ExportError(str(exc)) from None


def export_bytes(
    request: ExportRequest,
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    boundaries: Boundaries,
    layers: BaseLayers | None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> bytes:
    """The file for ``request`` built from the shown events (restricted to ``request.bbox`` if given).

    Large selections are built in a child process (see ``ExportFormat.in_child_above``), so that other
    sessions keep answering, and stopped with a sentence after ``EXPORT_TIMEOUT_S``. An animation
    tells ``progress`` (frames drawn, frames in all) after each frame.
    """
    export_format = EXPORT_FORMATS.get(request.fmt)
    if export_format is None:
        raise ExportError(f"Unknown export format '{request.fmt}'; use one of {', '.join(FORMATS)}.")
    if request.representation not in REPRESENTATIONS:
        raise ExportError(
            f"Unknown representation '{request.representation}'; use one of {', '.join(REPRESENTATIONS)}."
        )
    if request.measure not in CHOROPLETH_MEASURES:
        raise ExportError(f"Unknown measure '{request.measure}'; use one of {', '.join(CHOROPLETH_MEASURES)}.")
    events = selection.events
    if request.bbox is not None:
        events = events[events_in(events, request.bbox)]
    lines = caption(selection, flt, nk_boundary, request.bbox, len(events))
    # A snapshot's legend says it; the HTML export's info box says it here.
    if request.representation != DEFAULT_REPRESENTATION and request.fmt == "html":
        lines.append("Shown as: " + representation_words(request.representation, request.measure))
    casualties = casualty_clauses(selection)
    spec = SnapshotSpec(
        title=request.title,
        caption_lines=lines,
        bbox=request.bbox,
        generated=(now or dt.datetime.now()).date(),
        basemap=request.basemap,
        casualty_lines=casualties,
        uncertainty=request.uncertainty,
        representation=request.representation,
        measure=request.measure,
        period=played_period(flt.start, flt.end, events["event_date"]),
    )
    if export_format.animation:
        return _animation_bytes(request, selection, flt, events, spec, nk_boundary, boundaries, progress)
    if casualties and not export_format.snapshot:  # data files say it in their header
        lines = [*lines, "Reported killed (latest figure per reporter): " + "; ".join(casualties)]
    with_claims = request.fmt in ("geojson", "zip")
    claims = claims_of(selection.claims, events) if with_claims else selection.claims.iloc[0:0]
    args = (request.fmt, events, request.title, lines, generated_stamp(now), spec, nk_boundary, request.dpi, claims)
    if export_format.in_child_above is None or len(events) <= export_format.in_child_above:
        return build_file(*args, boundaries, layers)
    # Only what the format draws travels to the child: a snapshot's columns and boundaries, the HTML's layers.
    sent = (
        events[[column for column in DRAWN_COLUMNS if column in events.columns]] if export_format.snapshot else events
    )
    return in_child_process(
        build_file,
        request.fmt,
        sent,
        *args[2:],
        boundaries if export_format.snapshot else None,
        layers if request.fmt == "html" else None,
        timeout_s=EXPORT_TIMEOUT_S,
        what=f"Building the {export_format.label.split(' — ')[0]} file",
        advice="narrow the filters or the area" + (", or export the data as CSV." if export_format.snapshot else "."),
        error=ExportError,
    )


def _animation_bytes(
    request: ExportRequest,
    selection: Selection,
    flt: EventFilter,
    events: pd.DataFrame,
    spec: SnapshotSpec,
    nk_boundary: str,
    boundaries: Boundaries,
    progress: Progress | None,
) -> bytes:
    """The GIF or MP4 of the filtered period, drawn in a child process frame by frame."""
    check_representation(request.representation)
    check_frame_ms(request.frame_ms)
    # The stamps say each frame's window: a caption line more would run into the attribution.
    windows = animation_frames(selection.events, flt, request.frame_unit, request.frame_mode)
    label = EXPORT_FORMATS[request.fmt].label.split(" — ")[0]
    return in_child_process(
        animation_file,
        request.fmt,
        events,
        windows,
        boundaries,
        nk_boundary,
        spec,
        request.frame_ms,
        timeout_s=EXPORT_TIMEOUT_S,
        what=f"Drawing the {label} animation",
        advice="pick a longer window (week or month), a shorter period or fewer events.",
        error=ExportError,
        progress=progress,
    )
