"""Every Streamlit cache of the dashboard: the adapters between widgets and the pipeline's steps.

Resource caches, not data caches: the tables are shared read-only across reruns and sessions
(nothing mutates them), so a rerun does not pay for unpickling a copy. Each is keyed by what
the result depends on: a file's content, a table's key (a digest of its bytes) and the boundary.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.config import claims_path_beside
from dashboard.errors import AreaError, EventFileError
from dashboard.filters import EventFilter, FilterChoices, filter_choices
from dashboard.geo.areas import Area, read_area
from dashboard.geo.display import BaseLayers, base_layers
from dashboard.geo.join import Boundaries, load_boundaries
from dashboard.geo.places import Gazetteer
from dashboard.load.events import EventTable, merge_tables
from dashboard.load.formats import ColumnMapping
from dashboard.pipeline import Selection, load_joined_events
from dashboard.summary.claims import ClaimFigures, claim_figures
from dashboard.tablecache import TableCache, table_key
from dashboard.webmap.event_layers import MAX_PACKED
from dashboard.webmap.packing import EventCodes, encode_events

# Loaded tables (and what is derived from them) are shared by every session that opens the same
# content, so they outlive a session: each is dropped an hour after it was loaded, and at most
# 16 files are held (the least recently used goes first). The README says so.
TABLE_TTL_S = 3600


@st.cache_resource(show_spinner="Reading boundary layers…")
def cached_boundaries() -> Boundaries:
    return load_boundaries()


# Unpickling a copy of a joined table would cost ~0.4 s per 100k events on every rerun.
@st.cache_resource(
    show_spinner="Reading, validating and joining events to the boundaries…", max_entries=16, ttl=TABLE_TTL_S
)
def _loaded(
    data: bytes,
    name: str,
    headerless_ucdp: bool = False,
    mapping: ColumnMapping | None = None,
    claims: bytes | None = None,
) -> EventTable | EventFileError:
    # A refused file is remembered as well: every rerun would otherwise read (or inflate) it again.
    key = table_key(data, name, headerless_ucdp, mapping, claims)
    try:
        # The disk cache (tablecache.py) outlives this process and is shared with other replicas.
        return load_joined_events(
            data,
            cached_boundaries(),
            name=name,
            headerless_ucdp=headerless_ucdp,
            mapping=mapping,
            claims=claims,
            cache=TableCache.from_env(),
            key=key,
            write_behind=True,
        )
    except EventFileError as exc:
        return exc


def cached_file(
    data: bytes,
    name: str,
    headerless_ucdp: bool = False,
    mapping: ColumnMapping | None = None,
    claims: bytes | None = None,
) -> EventTable:
    """The joined table of one file's content (with its claims table, if given), loaded once;
    raises the file's EventFileError (also once-read)."""
    outcome = _loaded(data, name, headerless_ucdp, mapping, claims)
    if isinstance(outcome, EventFileError):
        raise type(outcome)(*outcome.args)  # a fresh exception: the cached one keeps no traceback
    return outcome


@st.cache_resource(show_spinner="Merging the files…", max_entries=8, ttl=TABLE_TTL_S)
def cached_merge(keys: tuple[str, ...], _tables: list[EventTable]) -> EventTable:
    """Merged once per combination of files (the underscore keeps Streamlit from hashing the tables)."""
    return merge_tables(_tables)


@st.cache_resource(show_spinner=False, max_entries=4)
def cached_path(path: str, modified_ns: int, size: int, claims_stamp: tuple[int, int] | None = None) -> EventTable:
    """The bundled (or CCM_EVENTS_PATH) file and the claims table beside it, keyed by their modification
    times and sizes, so that a rerun does not read and hash the whole file again just to find the cached table."""
    claims_path = claims_path_beside(Path(path))
    claims = claims_path.read_bytes() if claims_path is not None else None
    return cached_file(Path(path).read_bytes(), Path(path).name, claims=claims)


@st.cache_resource(show_spinner="Preparing the map layers…")
def cached_base_layers() -> BaseLayers:
    return base_layers(cached_boundaries())


@st.cache_resource(show_spinner=False, max_entries=16, ttl=TABLE_TTL_S)
def cached_filter_choices(key: str, _events: pd.DataFrame) -> FilterChoices:
    return filter_choices(_events)


# About 2 s for a million uploaded events (~20,000 place names): worth a word on screen.
@st.cache_resource(show_spinner="Indexing the file's place names for the place box…", max_entries=16, ttl=TABLE_TTL_S)
def cached_gazetteer(key: str, _events: pd.DataFrame) -> Gazetteer:
    """GeoNames places plus this table's own place names, once per table."""
    return Gazetteer.for_events(_events)


# Seconds for a million events, once per file and boundary: worth a word on screen.
@st.cache_resource(show_spinner="Preparing the map's event layer for this file…", max_entries=8, ttl=TABLE_TTL_S)
def cached_event_codes(key: str, nk_boundary: str, _events: pd.DataFrame) -> EventCodes:
    """The packed layer's dictionaries, once per table and boundary; a filter change only subsets them."""
    return encode_events(_events)


_ENCODING_BEHIND: set[tuple[str, str]] = set()  # (table key, boundary) whose codes a thread was started for


def encode_events_behind(key: str, nk_boundary: str, events: pd.DataFrame) -> threading.Thread | None:
    """Fill ``cached_event_codes`` in a thread of its own for a table whose first map is grid cells.

    Such a table (more events than MAX_PACKED) needs no codes for its first map, but its first
    selection small enough to be drawn event by event needed them all at once (~2.5 s at a million
    events). Started once per table and boundary, after the first map is sent; a rerun that needs the
    codes sooner waits for this thread's result instead of computing them again. Returns the thread, if
    one was started.
    """
    if len(events) <= MAX_PACKED or (key, nk_boundary) in _ENCODING_BEHIND:
        return None
    _ENCODING_BEHIND.add((key, nk_boundary))
    thread = threading.Thread(
        target=cached_event_codes, args=(key, nk_boundary, events), name="event-codes", daemon=True
    )
    thread.start()
    return thread


# Seconds for tens of thousands of claims (rules 1–4 per party and event), and the same on every rerun
# that keeps the filters: switching the map's representation, moving the map, opening a tab.
@st.cache_resource(show_spinner=False, max_entries=32, ttl=TABLE_TTL_S)
def cached_claim_figures(key: str, nk_boundary: str, flt: EventFilter, _selection: Selection) -> ClaimFigures:
    """The key figures' reported killed per party, once per table, boundary and filters."""
    return claim_figures(_selection.claims, _selection.reported, matched=True)


@st.cache_resource(show_spinner=False, max_entries=16, ttl=TABLE_TTL_S)
def _area(data: bytes, name: str) -> Area | AreaError:
    try:
        return read_area(data, name)
    except AreaError as exc:
        return exc


def cached_area(data: bytes, name: str) -> Area:
    """An uploaded area file, read once; raises its AreaError (also once-read)."""
    outcome = _area(data, name)
    if isinstance(outcome, AreaError):
        raise AreaError(*outcome.args)
    return outcome
