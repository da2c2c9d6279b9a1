"""Streamlit: shareable links — the page address carries the filters, the tab and the map view.

The filter widgets and the tabs are bound to the address (``bind=keys.LINKED``): Streamlit's page
writes each change into it and a fresh session's widgets start from it. What binding does not do is
written here with ``st.query_params``: the map's centre and zoom, and the date range (a bound widget's
value set by the script, as the Period box sets the dates, does not reach the address, and the dates
must survive the reset to a new file's period). A link is checked once per
session, before any widget reads it (``open_link``): if something in it is unknown or malformed,
the address is rewritten without it and the script runs again, so the widgets only ever read
values that passed, and one sentence says what was left out.

To bind another widget: give it ``key=keys.KEY_…, bind=keys.LINKED`` and add its ``Field`` to
``link_fields`` below (one line). A new tab needs nothing: the tabs' field follows ``keys.TABS``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st

from dashboard.app import keys
from dashboard.app.cache import cached_filter_choices, cached_gazetteer
from dashboard.describe import literal_markdown
from dashboard.errors import AreaError, PlaceError
from dashboard.filters import MAX_RADIUS_KM, MIN_RADIUS_KM
from dashboard.geo.areas import FROM_LINK, Area, area_from_polygons
from dashboard.links import (
    AREA_MAX_VERTICES,
    Field,
    LinkCheck,
    Period,
    area_rings,
    area_values,
    check_link,
    view_params,
)
from dashboard.load.events import EventTable
from dashboard.vocab import (
    CHOROPLETH_MEASURES,
    DATE_PRESETS,
    EVENT_TYPES,
    GEO_PRECISION_LABELS,
    NK_BOUNDARIES,
    REGIONS,
    REPRESENTATIONS,
)
from dashboard.webmap.base_map import MAX_ZOOM, MIN_ZOOM, MapView

EARLIEST_DAY = dt.date(2018, 1, 1)  # the date box's lower limit for data that starts later
JS_SAFE_INTEGER = 2**53 - 1  # the largest whole number the page's number box holds exactly
# Parameters other parts of the page own: kept as they are (the number of uploaded files, Streamlit's embed flags).
PASSTHROUGH = frozenset({keys.PARAM_UPLOADS, "embed", "embed_options"})
CENTER_FIELD = Field(keys.PARAM_CENTER, "map centre", "point")


def _encloses_something(value: str) -> bool:
    try:
        area_from_polygons([area_rings(value) or []], FROM_LINK)
    except AreaError:
        return False
    return True


# Not a widget's: app/area_panel.py takes the link's area once per session (linked_area).
AREA_FIELD = Field(keys.PARAM_AREA, "area", "area", known=_encloses_something)
ZOOM_FIELD = Field(keys.PARAM_ZOOM, "zoom", "number", low=MIN_ZOOM, high=MAX_ZOOM, integer=True)


def date_limits(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The date box's limits for data from ``first`` to ``last``."""
    return min(first, EARLIEST_DAY), max(last, dt.date.today())


def period_of(table: EventTable) -> Period:
    """The Period box and the date range for this table's period."""
    choices = cached_filter_choices(table.key, table.events)
    return Period(
        preset=keys.KEY_PRESET,
        dates=keys.KEY_DATES,
        presets=DATE_PRESETS,
        whole=keys.ALL_DATES,
        custom=keys.CUSTOM_DATES,
        span=(choices.first, choices.last),
    )


def link_fields(table: EventTable) -> list[Field]:
    """What each parameter of a link may hold for this table, spelled as the bound widgets spell it.

    Multiselects and radios write their options' labels into the address; a province's or a
    boundary's code is taken as well and written back as its label.
    """
    choices = cached_filter_choices(table.key, table.events)
    gazetteer = cached_gazetteer(table.key, table.events)
    earliest, latest = date_limits(choices.first, choices.last)
    provinces = {label: code for code, label in choices.provinces.items()}
    boundaries = {label: key for key, (_, label) in NK_BOUNDARIES.items()}
    precisions = {label: code for code, label in GEO_PRECISION_LABELS.items()}

    def place_known(text: str) -> bool:
        try:
            gazetteer.choose(text)
        except PlaceError:
            return False
        return True

    def same(values: object) -> dict[str, str]:
        return {str(v): str(v) for v in values}  # type: ignore[attr-defined]

    return [
        Field(keys.KEY_PRESET, "period", "one", same([keys.ALL_DATES, *DATE_PRESETS, keys.CUSTOM_DATES])),
        Field(keys.KEY_DATES, "date range", "dates", earliest=earliest, latest=latest, from_data=True),
        Field(keys.KEY_TYPES, "event type", "many", same(EVENT_TYPES)),
        Field(
            keys.KEY_NK,
            "Nagorno-Karabakh boundary",
            "one",
            boundaries,
            aliases={k: v[1] for k, v in NK_BOUNDARIES.items()},
        ),
        Field(keys.KEY_REGIONS, "region", "many", same(REGIONS)),
        Field(keys.KEY_PROVINCES, "province", "many", provinces, aliases=dict(choices.provinces), from_data=True),
        Field(keys.KEY_SECTORS, "border sector", "many", same(choices.sectors), from_data=True),
        Field(keys.KEY_ACTORS, "actor", "many", same(choices.actors), from_data=True),
        Field(keys.KEY_TEXT, "search text", "text"),
        Field(keys.KEY_MIN_FATALITIES, "minimum fatalities", "number", low=0, high=JS_SAFE_INTEGER, integer=True),
        Field(
            keys.KEY_PRECISION,
            "location precision",
            "many",
            precisions,
            aliases={str(code): label for code, label in GEO_PRECISION_LABELS.items()},
        ),
        Field(
            keys.KEY_BORDER_KM,
            "border distance",
            "number",
            low=0,
            high=choices.border_km_max,
            integer=True,
            from_data=True,
        ),
        Field(keys.KEY_UNCERTAINTY, "location uncertainty", "flag"),
        Field(keys.KEY_PLACE, "place", "text", known=place_known, from_data=True),
        Field(keys.KEY_NEAR_ON, "only events near the place", "flag"),
        Field(keys.KEY_RADIUS_KM, "radius", "number", low=MIN_RADIUS_KM, high=MAX_RADIUS_KM),
        Field(keys.KEY_TAB, "tab", "one", same(keys.TABS)),
        Field(
            keys.KEY_REPRESENTATION,
            "map representation",
            "one",
            {label: key for key, label in REPRESENTATIONS.items()},
            aliases=dict(REPRESENTATIONS),
        ),
        Field(
            keys.KEY_MEASURE,
            "choropleth figure",
            "one",
            {label: key for key, label in CHOROPLETH_MEASURES.items()},
            aliases=dict(CHOROPLETH_MEASURES),
        ),
        # The Compare periods tab (its custom dates are not carried: they start from the sidebar's).
        Field(keys.KEY_COMPARE_A, "period A", "one", same(keys.COMPARE_A_CHOICES)),
        Field(keys.KEY_COMPARE_B, "period B", "one", same(keys.COMPARE_B_CHOICES)),
        Field(keys.KEY_COMPARE_BY, "comparison units", "one", same(keys.COMPARE_BY)),
        Field(keys.KEY_COMPARE_MIN, "fewest events to compare", "number", low=1, high=1000, integer=True),
        CENTER_FIELD,
        ZOOM_FIELD,
        AREA_FIELD,
    ]


def read_link() -> None:
    """Keep the address this session was opened with, before anything on the page changes it."""
    if keys.KEY_LINK not in st.session_state:
        st.session_state[keys.KEY_LINK] = {name: st.query_params.get_all(name) for name in st.query_params}


def open_link(table: EventTable) -> None:
    """Once per session: check the link against this table; rewrite the address and run again if
    anything in it cannot be used, so that the bound widgets start from checked values only."""
    link: dict[str, list[str]] | None = st.session_state.get(keys.KEY_LINK)
    if link is None or keys.KEY_LINK_NOTE in st.session_state:
        return
    fields = link_fields(table)
    expects_uploads = keys.PARAM_UPLOADS in link and not st.session_state.get(keys.KEY_UPLOAD)
    check = check_link(link, fields, period_of(table), PASSTHROUGH, expects_uploads)
    st.session_state[keys.KEY_LINK_NOTE] = check.sentence()
    if expects_uploads:
        # Every value that depends on the data waits, the valid ones too: a file's arrival would otherwise
        # reset the dates to its own period, and its provinces and actors are not known before.
        from_data = {f.name for f in fields if f.from_data}
        st.session_state[keys.KEY_LINK_WAITING] = {k: v for k, v in link.items() if k in from_data}
    if check.params != link:
        st.query_params.from_dict(check.params)
        st.rerun()


def show_link_note() -> None:
    """The one sentence about what the opened link asked for that is not shown (if anything)."""
    note = st.session_state.get(keys.KEY_LINK_NOTE)
    if note:
        st.info(literal_markdown(note))


def apply_waiting_link(table: EventTable) -> bool:
    """When uploaded files have been loaded: set the link's values that waited for them.

    Returns whether the link's date range was set (then the dates are not reset to the files' period).
    """
    waiting: Mapping[str, list[str]] | None = st.session_state.get(keys.KEY_LINK_WAITING)
    if not waiting or not st.session_state.get(keys.KEY_UPLOAD):
        return False
    del st.session_state[keys.KEY_LINK_WAITING]
    fields = link_fields(table)
    period = period_of(table)
    check: LinkCheck = check_link(waiting, fields, period)
    by_name = {f.name: f for f in fields}
    for name, values in check.params.items():
        st.session_state[name] = by_name[name].value_of(values)
    if keys.KEY_DATES in check.params:
        st.session_state[keys.KEY_PRESET] = period.name(st.session_state[keys.KEY_DATES])
    left = check.sentence()
    st.session_state[keys.KEY_LINK_NOTE] = left.replace("not known here", "not in the uploaded files") if left else None
    return keys.KEY_DATES in check.params


def apply_link_dates(table: EventTable) -> bool:
    """On the session's first data: the link's date range (checked by ``open_link``), if it has one."""
    if st.session_state.get(keys.KEY_LINK_DATES_USED):
        return False
    st.session_state[keys.KEY_LINK_DATES_USED] = True
    given = st.query_params.get_all(keys.KEY_DATES)
    if not given:
        return False
    dates = next(f for f in link_fields(table) if f.name == keys.KEY_DATES)
    kept, _ = dates.clean(given)
    if not kept:
        return False
    st.session_state[keys.KEY_DATES] = dates.value_of(kept)
    st.session_state[keys.KEY_PRESET] = period_of(table).name(st.session_state[keys.KEY_DATES])
    return True


def keep_dates_in_address(dates: tuple[dt.date, dt.date], span: tuple[dt.date, dt.date]) -> None:
    """Write the date range in force into the address; the whole period is the default, left out."""
    wanted = [] if dates == span else [d.isoformat() for d in dates]
    if st.query_params.get_all(keys.KEY_DATES) != wanted:
        if wanted:
            st.query_params[keys.KEY_DATES] = wanted
        else:
            del st.query_params[keys.KEY_DATES]


def linked_view(default: MapView) -> MapView:
    """The map's first view: the link's centre and zoom where it has them, else ``default``."""
    center, zoom = default.center, default.zoom
    center_given = CENTER_FIELD.clean(st.query_params.get_all(keys.PARAM_CENTER))[0]
    zoom_given = ZOOM_FIELD.clean(st.query_params.get_all(keys.PARAM_ZOOM))[0]
    if center_given:
        center = CENTER_FIELD.value_of(center_given)
    if zoom_given:
        zoom = ZOOM_FIELD.value_of(zoom_given)
    return MapView(center=center, zoom=zoom)


def keep_view_in_address(state: Mapping | None) -> None:
    """Write the view the map reported (centre, zoom) into the address, when it changed."""
    center = (state or {}).get("center")
    zoom = (state or {}).get("zoom")
    if not isinstance(center, dict) or not isinstance(zoom, int | float):
        return  # the browser has not reported the map yet
    wanted = view_params((float(center["lat"]), float(center["lng"])), int(zoom), keys.PARAM_CENTER, keys.PARAM_ZOOM)
    if any(st.query_params.get(name) != value for name, value in wanted.items()):
        st.query_params.update(wanted)


def linked_area() -> Area | None:
    """The area the address carries (checked by ``open_link``), or None."""
    kept, _ = AREA_FIELD.clean(st.query_params.get_all(keys.PARAM_AREA))
    if not kept:
        return None
    try:
        return area_from_polygons(AREA_FIELD.value_of(kept), FROM_LINK)
    except AreaError:  # each polygon encloses something, so their union does too; kept for safety's sake
        return None


def keep_area_in_address(area: Area | None) -> bool:
    """Write the area filter into the address as coordinates; False if it has too many vertices for a link
    (then the address carries no area)."""
    carried, wanted = True, []
    if area is not None:
        # A file's area is counted on its geometry (once: the Area is cached), and spelled only when it fits.
        parts = sum(len(ring) - 1 for rings in area.parts for ring in rings) if area.parts else area.vertices
        carried = parts <= AREA_MAX_VERTICES
        wanted = area_values(area.polygons()) if carried else []
    if st.query_params.get_all(keys.PARAM_AREA) != wanted:
        if wanted:
            st.query_params[keys.PARAM_AREA] = wanted
        else:
            del st.query_params[keys.PARAM_AREA]
    return carried


# The page's address is known in the browser: copied from there, it is exactly what a reload would open.
COPY_BUTTON = """
<button id="copy" style="font: 14px sans-serif; padding: 6px 12px; border: 1px solid #bbb;
  border-radius: 6px; background: #fff; cursor: pointer;">Copy link to this view</button>
<span id="done" style="font: 13px sans-serif; margin-left: 8px; color: #2e7d32;"></span>
<script>
const button = document.getElementById("copy"), done = document.getElementById("done");
button.addEventListener("click", async () => {
  const link = window.parent.location.href;
  try { await navigator.clipboard.writeText(link); }
  catch (error) {
    const box = document.createElement("textarea");
    box.value = link; document.body.appendChild(box); box.select();
    document.execCommand("copy"); box.remove();
  }
  done.textContent = "Copied";
  window.__copied = link;
});
</script>
"""


def current_link() -> str:
    """The page address of this view (the filters, tab and map view in its query), or "" when unknown."""
    query = urlencode({name: st.query_params.get_all(name) for name in st.query_params}, doseq=True)
    base = st.context.url or ""
    return f"{base}?{query}" if query else base


def share_link() -> None:
    """The sidebar's link to this view: a button that copies it, and the link as text."""
    sb = st.sidebar
    sb.header("Share")
    sb.iframe(COPY_BUTTON, height=44)
    # Inline code, not st.code: the code block's syntax highlighter is a 1.5 MB script the page would
    # otherwise fetch and compile on every first visit, for one line of plain text.
    link = current_link().replace("`", "%60")  # the address is percent-encoded; a backtick would end the code
    sb.markdown(f"`{link}`" if link else "(this page)")
    sb.caption(
        "The link holds the filters, the open tab and the map view. With uploaded files, it restores "
        "the view once the same files are uploaded again."
    )
