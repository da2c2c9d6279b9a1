"""Streamlit layer: widgets, cached adapters around the steps, and layout.

Run with:  streamlit run dashboard/app/server.py  (``make run``)

Streamlit serves the folder ``static`` beside this file at /app/static; it links to
dashboard/webmap/static, where the map's front-end files live.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.app import keys
from dashboard.app.area_panel import area_filter, area_revision, show_area
from dashboard.app.cache import (
    cached_base_layers,
    cached_event_codes,
    cached_filter_choices,
    cached_gazetteer,
    encode_events_behind,
)
from dashboard.app.data_panel import choose_events
from dashboard.app.link_panel import (
    apply_link_dates,
    apply_waiting_link,
    date_limits,
    keep_dates_in_address,
    keep_view_in_address,
    linked_view,
    open_link,
    period_of,
    read_link,
    share_link,
    show_link_note,
)
from dashboard.app.panels import show_casualty_figures, show_claims, show_compare, show_data_quality, show_export
from dashboard.bbox import BBox
from dashboard.config import ABOUT_PATH, check_settings, upload_limit_mismatch
from dashboard.describe import literal_markdown, selection_summary
from dashboard.errors import PlaceError
from dashboard.filters import DEFAULT_RADIUS_KM, MAX_RADIUS_KM, MIN_RADIUS_KM, EventFilter, Near, emptying_filters
from dashboard.geo.areas import Area
from dashboard.geo.places import OTHER_NAMES_SHOWN, Place
from dashboard.load.events import EventTable
from dashboard.pipeline import Selection, select_events
from dashboard.summary.charts import (
    TIMELINE_BRUSH,
    brushed_dates,
    counts_by_region_and_type,
    counts_by_sector_and_type,
    key_dates_caption,
    key_figures,
    timeline_chart,
)
from dashboard.summary.table import display_table
from dashboard.text import precision_radii_text
from dashboard.timeframes import played_period
from dashboard.vocab import (
    BORDER_SECTOR_KM,
    CHOROPLETH_MEASURES,
    CRISIS_GROUP_ATTRIBUTION,
    DATE_PRESETS,
    DEFAULT_MEASURE,
    DEFAULT_NK_BOUNDARY,
    DEFAULT_REPRESENTATION,
    EVENT_TYPES,
    GEO_PRECISION_LABELS,
    GEONAMES_ATTRIBUTION,
    NK_BOUNDARIES,
    NK_FROM_CRISIS_GROUP,
    ON_BORDER_KM,
    OSM_ATTRIBUTION,
    PROVINCE_LINES,
    REGIONS,
    REPRESENTATIONS,
    UNIT_COLUMNS,
)
from dashboard.webmap.base_map import MAP_HEIGHT_PX, PLACE_ZOOM, MapView, events_view, view_bbox
from dashboard.webmap.live import PlaceMark, build_live_map

TABLE_MAX_ROWS = 5_000

ABOUT = ABOUT_PATH.read_text(encoding="utf-8")


def place_filter(table: EventTable) -> tuple[Place | None, Near | None]:
    """The sidebar's place box: any form of a name, suggestions as typed; centres the map; offers a radius."""
    gazetteer = cached_gazetteer(table.key, table.events)
    sb = st.sidebar

    def centre_on_place() -> None:
        picked = st.session_state.get(keys.KEY_PLACE)
        try:
            place = gazetteer.choose(picked) if picked else None
        except PlaceError:
            return  # said below the box on this rerun
        if place is not None:
            st.session_state[keys.KEY_FIT] = MapView(center=(place.latitude, place.longitude), zoom=PLACE_ZOOM)

    picked = sb.selectbox(
        "Find a place",
        list(gazetteer.labels),
        index=None,
        key=keys.KEY_PLACE,
        bind=keys.LINKED,
        placeholder="Any spelling: Stepanakert, Xankəndi, Şuşa…",
        accept_new_options=True,
        on_change=centre_on_place,
        help=f"Places from {GEONAMES_ATTRIBUTION} and the data's own place names, in any script or romanisation; "
        "a name typed and confirmed with Enter is looked up ignoring case, accents and spelling variants.",
    )
    if not picked:
        return None, None
    try:
        place = gazetteer.choose(picked)
    except PlaceError as exc:
        sb.warning(literal_markdown(str(exc)))
        return None, None
    others = ", ".join(place.other_names[:OTHER_NAMES_SHOWN])
    sb.caption(
        literal_markdown(
            f"{place.name} ({place.source}; {place.latitude:.4f} N, {place.longitude:.4f} E)"
            + (f". Also: {others}" if others else "")
            + (f". Note from the data: {place.note}" if place.note else "")
        )
    )
    near_on = sb.checkbox("Only events near this place", key=keys.KEY_NEAR_ON, bind=keys.LINKED)
    radius = sb.number_input(
        "Radius (km)",
        min_value=MIN_RADIUS_KM,
        max_value=MAX_RADIUS_KM,
        value=DEFAULT_RADIUS_KM,
        step=1.0,
        format="%g",
        key=keys.KEY_RADIUS_KM,
        bind=keys.LINKED,
    )
    if not near_on:
        return place, None
    return place, Near(place=place.name, longitude=place.longitude, latitude=place.latitude, radius_km=float(radius))


def sidebar_filter(table: EventTable) -> tuple[EventFilter, str, PlaceMark | None]:
    """The filters the sidebar sets, the Nagorno-Karabakh boundary, and the place to mark on the map."""
    choices = cached_filter_choices(table.key, table.events)
    sb = st.sidebar
    place, near = place_filter(table)
    mark = None
    if place is not None:
        mark = PlaceMark(place.name, place.latitude, place.longitude, near.radius_km if near else None)
    sb.header("Filters")

    first, last = choices.first, choices.last
    period = period_of(table)
    if st.session_state.get(keys.KEY_DATE_SPAN) != (first, last):
        st.session_state[keys.KEY_DATE_SPAN] = (first, last)
        # Other data: start from its whole period rather than a range chosen for the previous file, unless
        # this is the link's data (the session's first, or the uploads its dates waited for).
        if not (apply_waiting_link(table) or apply_link_dates(table)):
            st.session_state[keys.KEY_DATES] = (first, last)
            st.session_state[keys.KEY_PRESET] = keys.ALL_DATES

    def apply_preset() -> None:
        preset = st.session_state[keys.KEY_PRESET]
        if preset == keys.ALL_DATES:
            st.session_state[keys.KEY_DATES] = (first, last)
        elif preset in DATE_PRESETS:
            st.session_state[keys.KEY_DATES] = DATE_PRESETS[preset]

    def name_the_dates() -> None:
        # The Period box always names the range in force: a range typed by hand, or a stale
        # one the browser sends back with another widget's change, is not the preset's.
        dates = tuple(st.session_state[keys.KEY_DATES])
        if len(dates) == 2:  # a range still being picked has one day
            st.session_state[keys.KEY_PRESET] = period.name(dates)

    sb.selectbox(
        "Period",
        [keys.ALL_DATES, *DATE_PRESETS, keys.CUSTOM_DATES],
        key=keys.KEY_PRESET,
        bind=keys.LINKED,
        on_change=apply_preset,
    )
    earliest, latest = date_limits(first, last)
    picked = sb.date_input(
        "Date range",
        min_value=earliest,
        max_value=latest,
        key=keys.KEY_DATES,
        format="YYYY-MM-DD",
        on_change=name_the_dates,
    )
    start, end = (picked[0], picked[-1]) if isinstance(picked, tuple) and picked else (first, last)
    keep_dates_in_address((start, end), (first, last))

    types = sb.multiselect("Event type", EVENT_TYPES, default=list(EVENT_TYPES), key=keys.KEY_TYPES, bind=keys.LINKED)
    nk_boundary = sb.radio(
        "Nagorno-Karabakh boundary",
        list(NK_BOUNDARIES),
        key=keys.KEY_NK,
        bind=keys.LINKED,
        index=list(NK_BOUNDARIES).index(DEFAULT_NK_BOUNDARY),
        format_func=lambda key: NK_BOUNDARIES[key][1],
        help="Drawn on the map and used for the region 'Nagorno-Karabakh'. The 1991 and 1994–2020 lines are "
        "Natural Earth's (±1–3 km); the 2020–2023 peacekeeping zone is International Crisis Group's (GPL-3.0).",
    )
    regions = sb.multiselect("Region", REGIONS, default=list(REGIONS), key=keys.KEY_REGIONS, bind=keys.LINKED)
    provinces = choices.provinces
    picked_provinces = sb.multiselect(
        "Province / rayon",
        list(provinces),
        key=keys.KEY_PROVINCES,
        bind=keys.LINKED,
        format_func=lambda code: provinces.get(code, code),
        placeholder="All provinces",
        help=PROVINCE_LINES + ".",
    )
    picked_sectors = sb.multiselect(
        "Border sector",
        choices.sectors,
        key=keys.KEY_SECTORS,
        bind=keys.LINKED,
        placeholder="All sectors",
        help=f"Events within {BORDER_SECTOR_KM:g} km of the Armenia–Azerbaijan border, by the pair of units facing "
        "each other across its nearest stretch. " + PROVINCE_LINES + ".",
    )
    area_slot = sb.container()  # the area in force, filled once the uploader below has been read
    with sb.expander("More filters", expanded=False):
        actors = st.multiselect(
            "Actor", choices.actors, key=keys.KEY_ACTORS, bind=keys.LINKED, placeholder="All actors"
        )
        text = st.text_input("Search place, notes, source", key=keys.KEY_TEXT, bind=keys.LINKED)
        min_fatalities = st.number_input(
            "Minimum reported fatalities",
            min_value=0,
            value=0,
            step=1,
            key=keys.KEY_MIN_FATALITIES,
            bind=keys.LINKED,
            help="Above 0, events without a single sourced figure are left out.",
        )
        precisions = st.multiselect(
            "Location precision",
            list(GEO_PRECISION_LABELS),
            default=list(GEO_PRECISION_LABELS),
            format_func=lambda code: GEO_PRECISION_LABELS.get(code, code),
            key=keys.KEY_PRECISION,
            bind=keys.LINKED,
        )
        border_max = choices.border_km_max
        border_km = st.slider(
            "Maximum distance to the international border (km)",
            0,
            border_max,
            border_max,
            key=keys.KEY_BORDER_KM,
            bind=keys.LINKED,
            help="At the right end the distance is not limited.",
        )
        area = area_filter()
    show_area(area_slot, area)

    flt = EventFilter(
        start=start,
        end=end,
        event_types=None if set(types) == set(EVENT_TYPES) else tuple(types),
        regions=None if set(regions) == set(REGIONS) else tuple(regions),
        province_codes=tuple(picked_provinces) or None,
        actors=tuple(actors) or None,
        text=text,
        min_fatalities=int(min_fatalities) or None,
        geo_precisions=None if set(precisions) == set(GEO_PRECISION_LABELS) else tuple(precisions),
        max_border_km=None if border_km >= border_max else float(border_km),
        near=near,
        border_sectors=tuple(picked_sectors) or None,
        area=area,
    )
    return flt, nk_boundary, mark


def apply_timeline_brush() -> None:
    """A range dragged on the timeline becomes the sidebar's date range; clearing it (a double click)
    brings back the range that was in force before the first drag."""
    dates = brushed_dates(st.session_state.get(keys.KEY_TIMELINE))
    if dates is None:
        before = st.session_state.pop(keys.KEY_BEFORE_BRUSH, None)
        if before is None:
            return
        dates = before
    else:
        st.session_state.setdefault(keys.KEY_BEFORE_BRUSH, tuple(st.session_state[keys.KEY_DATES]))
    st.session_state[keys.KEY_DATES] = dates
    named = [name for name, span in DATE_PRESETS.items() if span == dates]
    full = dates == tuple(st.session_state.get(keys.KEY_DATE_SPAN, ()))
    st.session_state[keys.KEY_PRESET] = keys.ALL_DATES if full else (named[0] if named else keys.CUSTOM_DATES)


def show_uncertainty() -> bool:
    """The sidebar's toggle for the circles of uncertainty (on the map and in map exports)."""
    return st.sidebar.checkbox(
        "Show location uncertainty",
        value=True,
        key=keys.KEY_UNCERTAINTY,
        bind=keys.LINKED,
        help="A faint circle around each event whose place is only approximately known, of radius "
        f"{precision_radii_text()}. Drawn where events are shown one by one, and in snapshots and the HTML export.",
    )


def show_representation() -> tuple[str, str]:
    """The sidebar's "Show events as" (points, heatmap, choropleths) and, for a choropleth, what colours it."""
    sb = st.sidebar
    representation = sb.selectbox(
        "Show events as",
        list(REPRESENTATIONS),
        format_func=REPRESENTATIONS.__getitem__,
        key=keys.KEY_REPRESENTATION,
        bind=keys.LINKED,
        help="Points: a marker per event (clustered, or counted in grid cells when there are very many). Heatmap: "
        "the density of events. Choropleths: each province, or each border sector (within "
        f"{BORDER_SECTOR_KM:g} km of the border), coloured by a figure of its events; hover a unit for its figures. "
        "The Export tab draws the same.",
    )
    measure = DEFAULT_MEASURE
    if representation in UNIT_COLUMNS:
        measure = sb.selectbox(
            "Colour units by",
            list(CHOROPLETH_MEASURES),
            format_func=CHOROPLETH_MEASURES.__getitem__,
            key=keys.KEY_MEASURE,
            bind=keys.LINKED,
            help="Reported killed: the sum of the events' single figures (where reporters agree; data/README.md). "
            "Areas are measured in an equal-area projection.",
        )
    return representation, measure


def show_map(
    selection: Selection,
    table_key: str,
    nk_boundary: str,
    place: PlaceMark | None,
    uncertainty: bool = True,
    representation: str = DEFAULT_REPRESENTATION,
    measure: str = DEFAULT_MEASURE,
    period: tuple[dt.date, dt.date] | None = None,
    area: Area | None = None,
) -> BBox | None:
    """Draw the map, its playback stepping through ``period`` (the sidebar's dates) and ``area``, the area
    filter in force, on its drawing toolbar's layer; return the bounds the analyst is looking at (lon/lat),
    when the browser told us."""
    # The base map stays identical across filter changes (same view, same
    # boundaries), so streamlit-folium keeps it mounted and only swaps the
    # event layer: the analyst's pan and zoom survive a filter change.
    if keys.KEY_VIEW not in st.session_state:
        st.session_state[keys.KEY_VIEW] = linked_view(events_view(selection.events))
    initial: MapView = st.session_state[keys.KEY_VIEW]
    fit = st.session_state.get(keys.KEY_FIT)

    live = build_live_map(
        cached_base_layers(),
        nk_boundary,
        initial,
        selection.events,
        encode=lambda: cached_event_codes(table_key, nk_boundary, selection.all_events),
        place=place,
        uncertainty=uncertainty,
        representation=representation,
        measure=measure,
        period=period,
        area=area,
        area_revision=area_revision(),
    )
    if live.note:
        st.info(live.note)
    state = st_folium(
        live.base,
        key=keys.KEY_MAP,
        height=MAP_HEIGHT_PX,
        use_container_width=True,
        feature_group_to_add=live.events,
        layer_control=live.control,
        # all_drawings: the drawn shapes, reported after a draw, edit or delete (app/area_panel.py).
        returned_objects=["bounds", "center", "zoom", "all_drawings"],
        center=fit.center if fit else None,
        zoom=fit.zoom if fit else None,
    )
    keep_view_in_address(state)
    encode_events_behind(table_key, nk_boundary, selection.all_events)
    if st.button("Zoom to the filtered events", disabled=selection.events.empty):
        st.session_state[keys.KEY_FIT] = events_view(selection.events)
        st.rerun()
    nk_source = (
        f"the Nagorno-Karabakh line: {CRISIS_GROUP_ATTRIBUTION}, vertices ~320 m apart"
        if nk_boundary in NK_FROM_CRISIS_GROUP
        else "Nagorno-Karabakh lines: Natural Earth, accurate to ~1–3 km"
    )
    st.caption(
        f"Country borders: {OSM_ATTRIBUTION} (ODbL), accurate to tens of metres. Provinces: {PROVINCE_LINES}; "
        f"{nk_source}. Places: {GEONAMES_ATTRIBUTION}. Points within {ON_BORDER_KM:g} km of "
        "the international border are marked 'on the border'."
    )
    return view_bbox(state)


def show_table(events: pd.DataFrame) -> None:
    if len(events) > TABLE_MAX_ROWS:
        # Sending every row to the browser on each rerun would make filter changes slow.
        st.caption(f"The first {TABLE_MAX_ROWS:,} of {len(events):,} events by date; the CSV export has them all.")
        events = events.sort_values("event_date", kind="stable").head(TABLE_MAX_ROWS)
    st.dataframe(
        display_table(events),
        hide_index=True,
        width="stretch",
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open source")},
    )


def main() -> None:
    st.set_page_config(page_title="Caucasus Conflict Map", page_icon="🗺️", layout="wide")
    st.title("Armenia–Azerbaijan conflict events")
    try:
        check_settings()
        mismatch = upload_limit_mismatch(float(st.get_option("server.maxUploadSize")))
    except ValueError as exc:  # a CCM_* setting that is not a number: say which, show nothing wrong
        st.error(literal_markdown(str(exc)))
        st.stop()
    read_link()
    if mismatch:
        st.warning(mismatch)
    table, reports = choose_events()
    for report in reports:
        if report.error:
            st.error(literal_markdown(report.error))
    if table is None:
        st.stop()
    if table.events.empty:
        st.error("No valid event rows were loaded; see the rejected rows below.")
        show_data_quality(table, reports)
        st.stop()

    open_link(table)
    # How the map shows the events heads the sidebar: it is a choice of view, not a filter.
    representation, measure = show_representation()
    flt, nk_boundary, place = sidebar_filter(table)
    uncertainty = show_uncertainty()
    show_link_note()
    selection = select_events(table, nk_boundary, flt)
    counts = selection.counts

    st.markdown(selection_summary(selection.counts, flt))
    figures = key_figures(selection.events)
    cols = st.columns(4)
    cols[0].metric("Events shown", f"{figures.events:,}")
    cols[1].metric(
        "Casualty figures",
        f"{len(selection.claims):,}",
        help="Figures reported for the filtered events, area-wide and unmapped ones included, one per reporter "
        "and date; the tab “Casualty claims” lists them with their sources.",
    )
    cols[2].metric("Places", f"{figures.localities:,}")
    cols[3].metric("Days", f"{figures.days:,}")
    st.caption(counts.line())
    show_casualty_figures(selection, table.key, nk_boundary, flt)
    if counts.shown == 0:
        culprits = emptying_filters(selection.all_events, flt)
        why = (
            f"The {' and the '.join(culprits)} filter leaves nothing on its own."
            if culprits
            else "Each filter alone keeps some events; their combination keeps none."
        )
        st.info(f"No mapped event matches the filters. {why}")

    period = played_period(flt.start, flt.end, selection.events["event_date"])
    view = show_map(selection, table.key, nk_boundary, place, uncertainty, representation, measure, period, flt.area)
    share_link()

    # Only the open tab runs: a filter change then costs the map plus one tab, and the
    # hidden tables and charts of 100,000 events are not rebuilt and re-sent each time.
    tab_time, tab_counts, tab_table, tab_claims, tab_compare, tab_export, tab_quality, tab_about = st.tabs(
        list(keys.TABS), key=keys.KEY_TAB, bind=keys.LINKED, on_change="rerun"
    )
    if tab_time.open:
        with tab_time:
            if selection.events.empty:
                st.write("No events to chart.")
            else:
                st.altair_chart(
                    timeline_chart(selection.events),
                    width="stretch",
                    key=keys.KEY_TIMELINE,
                    on_select=apply_timeline_brush,
                    selection_mode=TIMELINE_BRUSH,
                )
                st.caption(
                    key_dates_caption()
                    + " Drag along the dates to set the period; double-click the chart to go back to the one before."
                )
    if tab_counts.open:
        with tab_counts:
            st.dataframe(counts_by_region_and_type(selection.events))
            st.markdown(f"**By border sector** (events within {BORDER_SECTOR_KM:g} km of the international border)")
            by_sector = counts_by_sector_and_type(selection.events)
            if by_sector.empty:
                st.caption("No shown event lies within that distance of the border.")
            else:
                st.dataframe(by_sector)
    if tab_table.open:
        with tab_table:
            show_table(selection.events)
    if tab_claims.open:
        with tab_claims:
            show_claims(selection, flt)
    if tab_compare.open:
        with tab_compare:
            show_compare(table, flt, nk_boundary, st.session_state[keys.KEY_DATE_SPAN], uncertainty)
    if tab_export.open:
        with tab_export:
            show_export(selection, flt, nk_boundary, view, uncertainty, representation, measure)
    if tab_quality.open:
        with tab_quality:
            show_data_quality(table, reports)
    if tab_about.open:
        with tab_about:
            st.markdown(ABOUT)


main()
