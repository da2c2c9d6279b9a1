"""Streamlit: the area filter — drawn on the map, uploaded as GeoJSON, or opened from a link; one at a time.

Whichever came last is in force: a new drawing replaces an uploaded file's area (and empties the
uploader), a new file replaces the drawing, and a link opens with its area drawn on the map, ready to
edit. The shapes drawn together are one area. The sidebar names the area in force and clears it; the
address carries it as coordinates (link_panel.keep_area_in_address).

The map reports its drawn shapes through streamlit-folium (``all_drawings``), which keeps reporting the
same shapes until the next draw, edit or delete: only a report that differs from the last one acted on
changes the area, so that a cleared area does not come back from a stale report. Each change counts a
revision the map is sent with the area (``area_revision``): the map re-applies the area whenever it
changed, even if a rerun that would have sent it was cut short by the next click.
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from dashboard.app import keys
from dashboard.app.cache import cached_area
from dashboard.app.link_panel import keep_area_in_address, linked_area
from dashboard.describe import literal_markdown
from dashboard.errors import AreaError
from dashboard.geo.areas import Area, area_from_drawings
from dashboard.links import AREA_MAX_VERTICES

HOW_TO = (
    "Draw a rectangle or polygon on the map (the toolbar under the zoom buttons) to keep only the events inside "
    "it, or upload a GeoJSON polygon among the filters below. One area at a time: a new drawing replaces an "
    "uploaded file, a new file replaces the drawing; shapes drawn together are one area."
)


def area_filter() -> Area | None:
    """The area filter in force, after the map's latest drawing and the uploader (drawn here, under More filters).

    On the session's first run, the area the link carries (checked by link_panel.open_link).
    """
    state = st.session_state
    if keys.KEY_AREA_IN_FORCE not in state:
        state[keys.KEY_AREA_IN_FORCE] = linked_area()
    _take_drawing()
    upload = st.file_uploader(
        "Only events inside an area (GeoJSON polygon)",
        type=["geojson", "json"],
        key=_uploader_key(),
        help="A Polygon or MultiPolygon in longitude/latitude (WGS84). Several polygons are one area; an outline "
        "that crosses itself is repaired. It replaces an area drawn on the map, and a drawing replaces it; "
        "“Clear area” or removing the file shows every area again.",
    )
    _take_upload(upload)
    return state[keys.KEY_AREA_IN_FORCE]


def show_area(slot: st.delta_generator.DeltaGenerator, area: Area | None) -> None:
    """The area in force in words, with a button that clears it (or, without one, how to set one), in ``slot``."""
    with slot:
        note = st.session_state.get(keys.KEY_AREA_NOTE)
        if note:
            st.info(literal_markdown(note))
        if area is None:
            st.caption(HOW_TO)
            keep_area_in_address(None)
            return
        st.markdown("**Area:** " + literal_markdown(area.describe()) + ".")
        if not keep_area_in_address(area):
            st.caption(
                f"The link does not carry this area: it has {area.vertices:,} vertices, and a link at most "
                f"{AREA_MAX_VERTICES:,}."
            )
        st.button("Clear area", key=keys.KEY_AREA_CLEAR, on_click=clear_area, help="Show the events of every area.")


def area_revision() -> int:
    """How many times the area filter has been set, cleared or refused in this session (see the module)."""
    return int(st.session_state.get(keys.KEY_AREA_REVISION, 0))


def clear_area() -> None:
    """No area filter: off the map, out of the uploader and out of the address."""
    state = st.session_state
    _revised()
    state[keys.KEY_AREA_IN_FORCE] = None
    state[keys.KEY_AREA_NOTE] = None
    if state.get(keys.KEY_AREA_FILE_SEEN) is not None:
        _empty_uploader()


def _revised() -> None:
    st.session_state[keys.KEY_AREA_REVISION] = area_revision() + 1


def _uploader_key() -> str:
    # A file uploader cannot be emptied from the script; a new key gives a new, empty one.
    round_ = st.session_state.get(keys.KEY_AREA_ROUND, 0)
    return keys.KEY_AREA if round_ == 0 else f"{keys.KEY_AREA}_{round_}"


def _empty_uploader() -> None:
    state = st.session_state
    state[keys.KEY_AREA_ROUND] = state.get(keys.KEY_AREA_ROUND, 0) + 1
    state[keys.KEY_AREA_FILE_SEEN] = None


def _take_drawing() -> None:
    """A changed report of the map's drawn shapes becomes the area (none left: no area)."""
    state = st.session_state
    report = (state.get(keys.KEY_MAP) or {}).get("all_drawings")
    if report is None:  # the map has not reported a drawing yet
        return
    seen = json.dumps(report, sort_keys=True)
    if seen == state.get(keys.KEY_AREA_DRAWINGS_SEEN):
        return
    state[keys.KEY_AREA_DRAWINGS_SEEN] = seen
    _revised()  # a refused drawing too: the map then takes the shape that is not in force off again
    before: Area | None = state.get(keys.KEY_AREA_IN_FORCE)
    if not report:  # the shapes were deleted on the map
        if before is not None and not before.from_file:
            state[keys.KEY_AREA_IN_FORCE] = None
            state[keys.KEY_AREA_NOTE] = None
        return
    try:
        area = area_from_drawings(report)
    except AreaError as exc:
        state[keys.KEY_AREA_NOTE] = str(exc)
        return
    state[keys.KEY_AREA_IN_FORCE] = area
    state[keys.KEY_AREA_NOTE] = None
    if before is not None and before.from_file:
        state[keys.KEY_AREA_NOTE] = f"The area drawn on the map replaces the area of {before.source}."
        _empty_uploader()


def _take_upload(upload: UploadedFile | None) -> None:
    """A newly uploaded file's area becomes the area; a file taken out of the uploader takes its area along."""
    state = st.session_state
    before: Area | None = state.get(keys.KEY_AREA_IN_FORCE)
    if upload is None:
        if state.get(keys.KEY_AREA_FILE_SEEN) is not None:
            state[keys.KEY_AREA_FILE_SEEN] = None
            _revised()
            if before is not None and before.from_file:
                state[keys.KEY_AREA_IN_FORCE] = None
        return
    data, name = upload.getvalue(), upload.name
    digest = hashlib.sha256(data).hexdigest() + name
    new = digest != state.get(keys.KEY_AREA_FILE_SEEN)
    if new:
        state[keys.KEY_AREA_FILE_SEEN] = digest
        _revised()
        if before is not None and before.from_file:
            state[keys.KEY_AREA_IN_FORCE] = None  # the file it came from is no longer in the uploader
    try:
        area = cached_area(data, name)
    except AreaError as exc:
        st.error(literal_markdown(str(exc)))
        return
    if new:
        state[keys.KEY_AREA_IN_FORCE] = area
        state[keys.KEY_AREA_NOTE] = (
            f"The area of {name} replaces the area {before.source}."
            if before is not None and not before.from_file
            else None
        )
