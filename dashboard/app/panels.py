"""Streamlit: the Export and Data quality tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.app import keys
from dashboard.app.cache import cached_base_layers, cached_boundaries, cached_claim_figures
from dashboard.app.data_panel import SourceReport
from dashboard.app.link_panel import current_link
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.config import study_area_margin_km
from dashboard.describe import default_title, export_filename, literal_markdown
from dashboard.export.animation import MP4_UNAVAILABLE, animation_frames, ffmpeg_exe
from dashboard.export.compare import CHANGE, PAIR, comparison_file, comparison_of
from dashboard.export.datafiles import table_csv_bytes
from dashboard.export.formats import DEFAULT_FRAME_MS, EXPORT_FORMATS, MAX_FRAME_MS, MIN_FRAME_MS
from dashboard.export.registry import ExportError, ExportRequest, export_bytes, representation_words
from dashboard.export.report import DEFAULT_SECTIONS as REPORT_DEFAULT_SECTIONS
from dashboard.export.report import PAPERS as REPORT_PAPERS
from dashboard.export.report import SECTIONS as REPORT_SECTIONS
from dashboard.export.report import ReportSpec, figures_zip, report_pdf
from dashboard.filters import EventFilter
from dashboard.isolation import in_child_process
from dashboard.load.events import EventTable
from dashboard.pipeline import Selection, select_events
from dashboard.summary.claims import PARTIES_NOT_ADDED, claims_chart, claims_display
from dashboard.summary.compare import DEFAULT_MIN_EVENTS, UNITS, Period, comparison_display
from dashboard.timeframes import FRAME_MODES, FRAME_UNITS
from dashboard.vocab import DATE_PRESETS, DEFAULT_MEASURE, DEFAULT_REPRESENTATION, UNIT_COLUMNS
from dashboard.webmap.base_map import events_view
from dashboard.webmap.pair import build_change_map, build_pair_map


def show_casualty_figures(selection: Selection, table_key: str, nk_boundary: str, flt: EventFilter) -> None:
    """Reported killed per party for the filtered events (area-wide and unmapped rows included), computed
    once per table, boundary and filters (``table_key``, ``nk_boundary``, ``flt``)."""
    figures = cached_claim_figures(table_key, nk_boundary, flt, selection)
    if not figures.parties and not figures.totals:
        st.caption("No casualty figure is reported for these events.")
        return
    lines = [
        f"- **{literal_markdown(party)}**: {literal_markdown(rest)}"
        for party, rest in (p.markdown_parts() for p in figures.parties)
    ]
    st.markdown("**Reported killed, by party** — each reporter's latest figure; a range where reporters differ")
    if lines:
        st.markdown("\n".join(lines))
    notes = [f"{PARTIES_NOT_ADDED} From {figures.events_with_claims:,} events."]
    if figures.claims_from_unmapped:
        notes.append(
            f"{figures.claims_from_unmapped:,} of these figures come from events not on the map "
            "(area-wide rows or no verified coordinates)."
        )
    st.caption(" ".join(notes))
    if figures.totals:
        with st.expander(f"War, campaign and area totals ({len(figures.totals)}) — not added to the figures above"):
            st.markdown("\n".join(f"- {literal_markdown(line)}" for line in figures.totals))


def show_claims(selection: Selection, flt: EventFilter) -> None:
    """The claims of the filtered events: a chart of killed by party over time and the table with sources."""
    table = claims_display(selection.claims, selection.reported)
    if table.empty:
        st.write("No casualty claims for these events.")
        return
    st.caption(
        f"{len(table):,} figures from {table['Event'].nunique():,} events. One mark per reported killed figure, at "
        "the date the figure was given (else the event's); hollow marks are one side's claims about the other "
        "side's losses. Hover for the reporter. Rules: data/README.md, “Casualty claims”."
    )
    st.altair_chart(claims_chart(selection.claims, selection.reported), width="stretch")
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            "Source": st.column_config.LinkColumn("Source", display_text="source"),
            "Quote": st.column_config.TextColumn("Quote", width="large"),
        },
    )
    st.download_button(
        "Download these claims (CSV)",
        lambda: table_csv_bytes(table),
        file_name=export_filename(flt, "csv", suffix="_claims"),
        mime="text/csv",
        on_click="ignore",
    )


COMPARE_MAP_HEIGHT_PX = 460


def _chosen_period(choice: str, dates_key: str, sidebar: Period, before: Period | None) -> Period | None:
    """The period a compare selectbox names; None while custom dates are incomplete."""
    if choice == keys.COMPARE_SIDEBAR:
        return sidebar
    if choice == keys.COMPARE_BEFORE and before is not None:
        return before
    if choice in DATE_PRESETS:
        return Period(*DATE_PRESETS[choice])
    picked = st.date_input("Dates", value=(sidebar.start, sidebar.end), key=dates_key, format="YYYY-MM-DD")
    if isinstance(picked, tuple) and len(picked) == 2:
        return Period(picked[0], picked[1])
    return None


def show_pair(events: pd.DataFrame, nk_boundary: str, a: Period, b: Period, uncertainty: bool) -> None:
    """Period A's and period B's events (of ``events``, filtered but for the dates) on two maps side by
    side that move together."""
    dates = events["event_date"].dt.normalize()
    sides = ((a, "A"), (b, "B"))
    chosen = tuple(events[period.contains(dates)] for period, _ in sides)
    headings = tuple(
        f"{letter}: {period.text()} — {len(rows):,} events"
        for (period, letter), rows in zip(sides, chosen, strict=True)
    )
    view = events_view(pd.concat(chosen)) if any(len(rows) for rows in chosen) else events_view(events)
    pair = build_pair_map(
        cached_base_layers(), nk_boundary, view, ((headings[0], chosen[0]), (headings[1], chosen[1])), uncertainty
    )
    st.caption("The two periods' events on maps that move together (drag or zoom either).")
    st_folium(
        pair, key=keys.KEY_COMPARE_MAP, height=COMPARE_MAP_HEIGHT_PX, use_container_width=True, returned_objects=[]
    )


def show_compare(
    table: EventTable, flt: EventFilter, nk_boundary: str, span: tuple[dt.date, dt.date], uncertainty: bool = True
) -> None:
    """Period A against period B per province or border sector, with the other filters applied to both."""
    sidebar = Period(flt.start or span[0], flt.end or span[1])
    left, right, by_col, min_col = st.columns([3, 3, 2, 1])
    with left:
        a_choice = st.selectbox("Period A", keys.COMPARE_A_CHOICES, key=keys.KEY_COMPARE_A, bind=keys.LINKED)
        a = _chosen_period(a_choice, keys.KEY_COMPARE_A_DATES, sidebar, None)
    with right:
        b_choice = st.selectbox(
            "Period B (the reference)", keys.COMPARE_B_CHOICES, key=keys.KEY_COMPARE_B, bind=keys.LINKED
        )
        b = _chosen_period(b_choice, keys.KEY_COMPARE_B_DATES, sidebar, a.before() if a else None)
    by = keys.COMPARE_BY[by_col.radio("Compare", list(keys.COMPARE_BY), key=keys.KEY_COMPARE_BY, bind=keys.LINKED)]
    min_events = min_col.number_input(
        "Fewest events",
        min_value=1,
        max_value=1000,
        value=DEFAULT_MIN_EVENTS,
        key=keys.KEY_COMPARE_MIN,
        bind=keys.LINKED,
        help="A unit with fewer events than this in both periods is marked “too few to compare”.",
    )
    if a is None or b is None:
        st.info("Choose both ends of the custom period.")
        return
    # One selection (every filter but the dates) serves the table, the change map and the pair.
    comparison, selection = comparison_of(table, flt, nk_boundary, a, b, by, int(min_events))
    events = selection.events
    st.caption(literal_markdown(comparison.caption()) + " The other sidebar filters apply to both periods.")
    if comparison.table.empty:
        st.write(f"No event in a {UNITS[by][1]} in either period.")
    else:
        st.dataframe(comparison_display(comparison), hide_index=True, width="stretch")
    if comparison.outside_text():
        st.caption(literal_markdown(comparison.outside_text()))
    if not comparison.table.empty:
        dates = events["event_date"].dt.normalize()
        compared = events[a.contains(dates) | b.contains(dates)]
        change_map = build_change_map(
            cached_base_layers(), nk_boundary, events_view(compared), comparison, comparison.caption()
        )
        st.caption("The change per unit (hover a unit for its figures).")
        st_folium(
            change_map, key=keys.KEY_COMPARE_CHANGE_MAP, height=COMPARE_MAP_HEIGHT_PX, use_container_width=True,
            returned_objects=[],
        )  # fmt: skip
    show_pair(events, nk_boundary, a, b, uncertainty)
    name = f"compare_{a.start}_{a.end}_vs_{b.start}_{b.end}_{by}"
    files = st.columns(3)
    files[0].download_button(
        "Download the table (CSV)",
        lambda: comparison_file("csv", table, flt, nk_boundary, a, b, by, int(min_events), cached_boundaries())[0],
        file_name=f"{name}.csv",
        mime="text/csv",
        on_click="ignore",
    )

    def pdf_of(drawn: str) -> Callable[[], bytes]:
        def build() -> bytes:
            boundaries = cached_boundaries()
            return comparison_file("pdf", table, flt, nk_boundary, a, b, by, int(min_events), boundaries, drawn=drawn)[
                0
            ]

        return build

    for column, drawn, label in ((files[1], CHANGE, "the change map"), (files[2], PAIR, "both periods' maps")):
        column.download_button(
            f"Download {label} (PDF)",
            pdf_of(drawn),
            file_name=f"{name}_{drawn}.pdf",
            mime="application/pdf",
            on_click="ignore",
        )
    _prepared(
        keys.KEY_COMPARE_REPORT_FILE,
        (flt, nk_boundary, a, b, by, int(min_events), uncertainty),
        "Prepare a report of period A with this comparison (PDF)",
        f"report_{name}.pdf",
        "application/pdf",
        _comparison_report(table, flt, nk_boundary, a, b, by, int(min_events), uncertainty),
    )
    st.caption(
        "The report of the Export tab (map, timeline, where, events, data and method) for period A, with this "
        "comparison on a page of its own."
    )


def _comparison_report(
    table: EventTable,
    flt: EventFilter,
    nk_boundary: str,
    a: Period,
    b: Period,
    by: str,
    min_events: int,
    uncertainty: bool,
) -> Callable[[], bytes]:
    """Builds, when the download is clicked, the report of period A (the other filters as set) with the
    comparison page of A against B; large selections in a child process, like the Export tab's report."""

    def build() -> bytes:
        period_a = replace(flt, start=a.start, end=a.end)
        selection = select_events(table, nk_boundary, period_a)
        spec = ReportSpec(
            title=default_title(period_a),
            uncertainty=uncertainty,
            compare=(a, b),
            by=by,
            min_events=min_events,
            link=current_link() or None,
        )
        return _report_step(report_pdf, "Building the report", selection, period_a, nk_boundary, spec, table)

    return build


def _report_step(
    step: Callable[..., bytes],
    what: str,
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    spec: ReportSpec,
    table: EventTable | None = None,
) -> bytes:
    """``step`` (report_pdf or figures_zip) of ``selection``: in this session for a few events, in a child
    process (time-limited, stopped with a sentence) above REPORT_IN_CHILD_ABOVE, so other sessions keep answering."""
    args = (selection, flt, nk_boundary, cached_boundaries(), spec, None, table)
    if len(selection.events) <= REPORT_IN_CHILD_ABOVE:
        return step(*args)
    return in_child_process(
        step,
        *args,
        timeout_s=REPORT_TIMEOUT_S,
        what=what,
        advice="narrow the filters or the area.",
        error=ExportError,
    )


def show_export(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    view: BBox | None,
    uncertainty: bool = True,
    representation: str = DEFAULT_REPRESENTATION,
    measure: str = DEFAULT_MEASURE,
) -> None:
    """The Export tab: format, title, area, background; maps draw uncertainty as the map does (``uncertainty``)
    and show the events as the map does (the sidebar's ``representation`` and ``measure``)."""
    choice = st.selectbox("Format", list(keys.EXPORT_CHOICES), key=keys.KEY_EXPORT_FORMAT)
    fmt, dpi = keys.EXPORT_CHOICES[choice]
    # No key: the default title follows the filters until the analyst edits it.
    title = st.text_input("Title", value=default_title(flt))
    area = st.radio(
        "Area",
        [keys.AREA_VIEW, keys.AREA_ALL],
        key=keys.KEY_EXPORT_AREA,
        horizontal=True,
        help="The current map view is what the map shows now; pan or zoom the map to change it.",
    )
    bbox = view if area == keys.AREA_VIEW else None
    basemap = None
    if EXPORT_FORMATS[fmt].snapshot:
        picked = st.selectbox(
            "Background",
            [keys.NO_TILES, *BASEMAPS],
            key=keys.KEY_EXPORT_BASEMAP,
            help="Web tiles need internet; without it the snapshot uses the offline basemap.",
        )
        basemap = None if picked == keys.NO_TILES else picked
    if area == keys.AREA_VIEW and view is None:
        st.caption("The map has not reported its view yet; the export covers all filtered events.")
    animated = EXPORT_FORMATS[fmt].animation
    request = ExportRequest(
        fmt=fmt,
        title=title.strip() or default_title(flt),
        dpi=dpi,
        bbox=bbox,
        basemap=basemap,
        uncertainty=uncertainty,
        # Animations draw points or a choropleth; a heatmap is animated as points.
        representation=DEFAULT_REPRESENTATION if animated and representation not in UNIT_COLUMNS else representation,
        measure=measure,
    )
    if animated:
        timed = _animation_settings(request, selection, flt, representation)
        if timed is None:
            return
        request = timed
    wanted = (request, flt, nk_boundary)
    if st.button("Prepare the file", type="primary"):
        progress = _frame_progress(fmt) if animated else None
        with st.spinner(f"Preparing the {fmt.upper()} file…"):
            try:
                data = export_bytes(
                    request, selection, flt, nk_boundary, cached_boundaries(), cached_base_layers(), progress=progress
                )
            except ExportError as exc:
                st.error(literal_markdown(str(exc)))
                return
        suffix = "print" if fmt == "png" and dpi >= 300 else ("view" if bbox else "")
        if animated:
            suffix = f"by {request.frame_unit} {request.frame_mode} {suffix}"
        st.session_state[keys.KEY_EXPORT_FILE] = (wanted, export_filename(flt, fmt, suffix), data)
    prepared = st.session_state.get(keys.KEY_EXPORT_FILE)
    if prepared and prepared[0] == wanted:
        _, name, data = prepared
        # Deferred: the file reaches the download store only when clicked (see app/server.py).
        st.download_button(
            f"Download {name} ({len(data) / 1024:,.0f} KB)",
            lambda: data,
            file_name=name,
            mime=EXPORT_FORMATS[fmt].mime,
            on_click="ignore",
        )
    elif prepared:
        st.caption("The filters or settings changed since the last file was prepared: prepare it again.")
    if fmt == "html" or EXPORT_FORMATS[fmt].snapshot:
        st.caption(f"Maps show the events as on screen: {representation_words(representation, measure)}.")
    show_report(selection, flt, nk_boundary, bbox, uncertainty, representation, measure, request.title)
    st.caption(
        "Snapshots carry the title, legend, filters and counts, scale bar, north arrow, date, attribution "
        "(© OpenStreetMap contributors, Natural Earth, GeoNames) and the boundary disclaimer. "
        "The CSV is plain (UTF-8 with BOM: pandas, R and Excel open it as it is); the ZIP data package adds "
        "the claims, datapackage.json and a README of the filters; GeoJSON lists the filters and the time."
    )


# Above this many events a report is built in a child process (dashboard/isolation.py): its events table
# takes reportlab about 1.5 s per thousand rows (benchmarks/report.py), which would stall other sessions.
REPORT_IN_CHILD_ABOVE = 2_000
REPORT_TIMEOUT_S = 300.0


def _prepared(key: str, wanted: object, label: str, name: str, mime: str, build: Callable[[], bytes]) -> None:
    """A "Prepare" button that builds a file once for ``wanted`` settings, then its download button."""
    if st.button(label, key=f"{key}_prepare"):
        with st.spinner(f"{label}…"):
            try:
                st.session_state[key] = (wanted, name, build())
            except ExportError as exc:
                st.error(literal_markdown(str(exc)))
                return
    prepared = st.session_state.get(key)
    if prepared and prepared[0] == wanted:
        _, file_name, data = prepared
        st.download_button(
            f"Download {file_name} ({len(data) / 1024:,.0f} KB)",
            lambda: data,
            file_name=file_name,
            mime=mime,
            on_click="ignore",
            key=f"{key}_download",
        )
    elif prepared:
        st.caption("The filters or settings changed since it was prepared: prepare it again.")


def show_report(
    selection: Selection,
    flt: EventFilter,
    nk_boundary: str,
    bbox: BBox | None,
    uncertainty: bool,
    representation: str,
    measure: str,
    title: str,
) -> None:
    """The Export tab's "Report — PDF" (paper, orientation, sections) and "Report figures — ZIP", of the same
    events, area and title as the export above."""
    st.subheader("Report — PDF")
    paper_col, orientation_col = st.columns(2)
    paper = paper_col.radio(
        "Paper", list(REPORT_PAPERS), key=keys.KEY_REPORT_PAPER, horizontal=True, format_func=str.upper
    )
    orientation = orientation_col.radio(
        "Orientation", [keys.PORTRAIT, keys.LANDSCAPE], key=keys.KEY_REPORT_ORIENTATION, horizontal=True
    )
    labels = {REPORT_SECTIONS[k]: k for k in REPORT_DEFAULT_SECTIONS}
    chosen = st.multiselect("Sections", list(labels), default=list(labels), key=keys.KEY_REPORT_SECTIONS)
    if not chosen:
        st.caption("Choose at least one section.")
        return
    spec = ReportSpec(
        title=title,
        paper=paper,
        landscape=orientation == keys.LANDSCAPE,
        sections=tuple(labels[c] for c in chosen),
        bbox=bbox,
        uncertainty=uncertainty,
        representation=representation,
        measure=measure,
        link=current_link() or None,
    )
    wanted = (spec, flt, nk_boundary)

    def isolated(step: Callable[..., bytes], what: str) -> Callable[[], bytes]:
        return lambda: _report_step(step, what, selection, flt, nk_boundary, spec)

    _prepared(
        keys.KEY_REPORT_FILE,
        wanted,
        "Prepare the report",
        export_filename(flt, "pdf", "report"),
        "application/pdf",
        isolated(report_pdf, "Building the report"),
    )
    st.caption(
        "The map with the key figures, the timeline, counts by region, province and border sector, every event "
        "with its source as a link, and the data and method with the filters and credits; page N of M on each page."
    )
    st.subheader("Report figures — ZIP")
    _prepared(
        keys.KEY_FIGURES_FILE,
        wanted,
        "Prepare the figures",
        export_filename(flt, "zip", "report-figures"),
        "application/zip",
        isolated(figures_zip, "Building the report figures"),
    )
    st.caption(
        "The map and the timeline as PNG (300 dpi) and SVG, and the report's tables as CSV, for your own layout."
    )


def _animation_settings(
    request: ExportRequest, selection: Selection, flt: EventFilter, representation: str
) -> ExportRequest | None:
    """``request`` with the animation's window, mode and speed, and the frames they make said; None, with
    the sentence shown, when the period cannot be animated so (or MP4 has no encoder here)."""
    fmt = request.fmt
    if fmt == "mp4" and ffmpeg_exe() is None:
        st.warning(MP4_UNAVAILABLE)
        return None
    window, mode, speed = st.columns(3)
    unit = window.selectbox(
        "Each frame shows", list(FRAME_UNITS), format_func=FRAME_UNITS.__getitem__, key=keys.KEY_EXPORT_FRAME_UNIT
    )
    shown = mode.radio("Events", list(FRAME_MODES), format_func=FRAME_MODES.__getitem__, key=keys.KEY_EXPORT_FRAME_MODE)
    seconds = speed.number_input(
        "Seconds per frame",
        min_value=MIN_FRAME_MS / 1000,
        max_value=MAX_FRAME_MS / 1000,
        value=DEFAULT_FRAME_MS / 1000,
        step=0.1,
        format="%.2f",
        key=keys.KEY_EXPORT_FRAME_SECONDS,
    )
    frame_ms = round(seconds * 1000)
    try:
        windows = animation_frames(selection.events, flt, unit, shown)
    except ExportError as exc:
        st.error(literal_markdown(str(exc)))
        return None
    st.caption(
        f"{len(windows):,} frames, {windows[0].label()} to {windows[-1].label()}, "
        f"{len(windows) * frame_ms / 1000:,.1f} s to play"
        + (f"; {fmt.upper()} loops." if fmt == "gif" else ".")
        + " Each frame is the snapshot with its window's events and its dates"
        + ("; a choropleth keeps one set of classes for every frame." if representation in UNIT_COLUMNS else ".")
        + ("" if representation in (DEFAULT_REPRESENTATION, *UNIT_COLUMNS) else " A heatmap is animated as points.")
    )
    return replace(request, frame_unit=unit, frame_mode=shown, frame_ms=frame_ms)


def _frame_progress(fmt: str) -> Callable[[int, int], None]:
    """A progress bar that follows the frames drawn (in the child process that draws them)."""
    bar = st.progress(0.0, text=f"Drawing the {fmt.upper()}: starting…")

    def show(done: int, total: int) -> None:
        last = done == total
        bar.progress(done / total, text=f"{total:,} frames drawn" if last else f"Drawing frame {done:,} of {total:,}…")

    return show


def show_data_quality(table: EventTable, reports: list[SourceReport]) -> None:
    for report in reports:
        if report.table is None:
            continue
        t = report.table
        outside = f", {t.n_outside:,} outside the study area (counted, not loaded)" if t.n_outside else ""
        st.markdown(
            f"**{literal_markdown(report.name)}** — {t.n_rows:,} rows read: {len(t.events):,} accepted "
            f"({len(t.unmapped):,} of them unmapped), {len(t.rejected):,} rejected{outside}."
        )
        for detection in t.detections:
            st.caption(literal_markdown(detection.sentence()))
    if table.n_outside:
        st.caption(
            f"Outside the study area: rows whose point lies more than {study_area_margin_km():g} km beyond the box "
            "around Armenia and Azerbaijan (CCM_STUDY_AREA_MARGIN_KM), as in global ACLED or UCDP exports. They "
            "are counted and not read further; rows without usable coordinates are unmapped or rejected as usual."
        )
    if table.n_duplicates:
        st.markdown(
            f"{table.n_duplicates:,} rows were exact repeats of an event already loaded "
            "(same dataset and event id) and were merged."
        )
    if "conflict" in table.events and table.events["conflict"].any():
        conflicts = table.events[table.events["conflict"]]
        st.warning(f"{len(conflicts)} rows share a dataset and event id with a different row; both are kept.")
        st.dataframe(
            conflicts[["file", "line", "dataset", "event_id", "event_date", "event_type", "location"]],
            hide_index=True,
            width="stretch",
        )
    unmapped = table.unmapped
    with st.expander(f"Unmapped events ({len(unmapped)}): kept, but not placed on the map", expanded=True):
        st.caption("No verified coordinates were found for these places; they are never placed by guess.")
        st.dataframe(
            pd.DataFrame(
                {
                    "Line": unmapped["line"],
                    "ID": unmapped["event_id"],
                    "Date": unmapped["event_date"].dt.date,
                    "Type": unmapped["event_type"],
                    "Place": unmapped["location"],
                    "Why unmapped": "no coordinates in the file; " + unmapped["location_note"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    with st.expander(f"Rejected rows ({len(table.rejected)}): not loaded", expanded=not table.rejected.empty):
        if table.rejected.empty:
            st.write("Every row of the file passed validation.")
        else:
            st.caption("Each rejected row with its line in the file (header = line 1), the column and the reason.")
            st.dataframe(table.rejected, hide_index=True, width="stretch")
            rejected = table.rejected
            st.download_button(
                "Download rejected rows (CSV)",
                lambda: table_csv_bytes(rejected),
                file_name="rejected_rows.csv",
                mime="text/csv",
                on_click="ignore",
            )
