"""Streamlit: the Export and Data quality tabs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.app import keys
from dashboard.app.cache import cached_base_layers, cached_boundaries, cached_claim_figures
from dashboard.app.data_panel import SourceReport
from dashboard.basemaps import BASEMAPS
from dashboard.bbox import BBox
from dashboard.config import study_area_margin_km
from dashboard.describe import default_title, export_filename, literal_markdown
from dashboard.export.compare import CHANGE, PAIR, comparison_file, comparison_of
from dashboard.export.datafiles import table_csv_bytes
from dashboard.export.formats import EXPORT_FORMATS
from dashboard.export.registry import ExportError, ExportRequest, export_bytes, representation_words
from dashboard.filters import EventFilter
from dashboard.load.events import EventTable
from dashboard.pipeline import Selection
from dashboard.summary.claims import PARTIES_NOT_ADDED, claims_chart, claims_display
from dashboard.summary.compare import DEFAULT_MIN_EVENTS, UNITS, Period, comparison_display
from dashboard.vocab import DATE_PRESETS, DEFAULT_MEASURE, DEFAULT_REPRESENTATION
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
    request = ExportRequest(
        fmt=fmt,
        title=title.strip() or default_title(flt),
        dpi=dpi,
        bbox=bbox,
        basemap=basemap,
        uncertainty=uncertainty,
        representation=representation,
        measure=measure,
    )
    wanted = (request, flt, nk_boundary)
    if st.button("Prepare the file", type="primary"):
        with st.spinner(f"Preparing the {fmt.upper()} file…"):
            try:
                data = export_bytes(request, selection, flt, nk_boundary, cached_boundaries(), cached_base_layers())
            except ExportError as exc:
                st.error(literal_markdown(str(exc)))
                return
        suffix = "print" if fmt == "png" and dpi >= 300 else ("view" if bbox else "")
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
    st.caption(
        "Snapshots carry the title, legend, filters and counts, scale bar, north arrow, date, attribution "
        "(© OpenStreetMap contributors, Natural Earth, GeoNames) and the boundary disclaimer. "
        "CSV and GeoJSON list the filters and the generation time in their header."
    )


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
