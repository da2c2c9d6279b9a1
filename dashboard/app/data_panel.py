"""Streamlit: which events the dashboard shows — the bundled file and/or the analyst's uploads.

Uploads stay in memory (Streamlit's UploadedFile); they are only parsed as
text or xlsx, never executed or unpickled, and never written to disk. Results
are cached by file content and shared across sessions (another session gets a
result only by supplying the same bytes), so a filter change never re-reads or re-joins.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.app import keys
from dashboard.app.cache import cached_file, cached_merge, cached_path
from dashboard.config import claims_path_beside, default_events_path
from dashboard.describe import literal_markdown
from dashboard.errors import EventFileError, UnknownFormatError
from dashboard.load.events import EventTable
from dashboard.load.formats import ColumnMapping, guess_mapping
from dashboard.load.reading import Limits, check_file, read_source
from dashboard.vocab import EVENT_TYPES

UPLOAD_TYPES = ["csv", "tsv", "txt", "gz", "zip", "xlsx"]


@dataclass(frozen=True)
class SourceReport:
    name: str
    table: EventTable | None
    error: str | None = None


def bundled_report() -> SourceReport:
    """The bundled (or CCM_EVENTS_PATH) events file, loaded once per process and shared by every session."""
    path = default_events_path()
    try:
        check_file(path, Limits.from_env())
        stat = path.stat()
        claims_path = claims_path_beside(path)
        claims_stat = claims_path.stat() if claims_path is not None else None
        claims_stamp = (claims_stat.st_mtime_ns, claims_stat.st_size) if claims_stat is not None else None
        return SourceReport(path.name, cached_path(str(path), stat.st_mtime_ns, stat.st_size, claims_stamp))
    except FileNotFoundError:
        return SourceReport(
            path.name, None, f"The events file {path} does not exist. Check CCM_EVENTS_PATH or restore data/events.csv."
        )
    except (EventFileError, OSError) as exc:
        return SourceReport(path.name, None, f"The events in {path.name} could not be loaded. {exc}")


def _mapping_widgets(name: str, data: bytes) -> ColumnMapping | None:
    """Ask which columns hold what, for a table of no known format; None until date/lat/lon are chosen."""
    try:
        columns = [c for c in read_source(data, name).frame.columns if c != "line"]
    except EventFileError:
        return None
    guess = guess_mapping(columns)
    none = "—"
    with st.sidebar.expander(f"Map the columns of {literal_markdown(name)}", expanded=True):
        st.caption(
            "This table is not in a known format. Say which columns hold what; the choice is kept for this session."
        )

        def choose(label: str, field: str, options: list[str]) -> str:
            default = guess.get(field)
            index = options.index(default) if default in options else 0
            return str(st.selectbox(label, options, index=index, key=f"{keys.KEY_MAPPING}:{name}:{field}"))

        def pick(label: str, field: str) -> str | None:
            value = choose(label, field, [none, *columns])
            return None if value == none else value

        date, lat, lon = (
            choose("Date", "event_date", columns),
            choose("Latitude", "latitude", columns),
            choose("Longitude", "longitude", columns),
        )
        event_id = pick("Event id", "event_id")
        type_column = pick("Event type column", "event_type_column")
        type_value = None
        if type_column is None:
            type_value = st.selectbox("Event type for every row", EVENT_TYPES, key=f"{keys.KEY_MAPPING}:{name}:type")
        optional = {
            field: pick(label, field)
            for field, label in (
                ("location", "Place"),
                ("notes", "Notes"),
                ("source", "Source"),
                ("fatalities", "Fatalities"),
            )
        }
        if not st.checkbox("Load with this mapping", key=f"{keys.KEY_MAPPING}:{name}:go"):
            return None
    return ColumnMapping(
        event_date=date,
        latitude=lat,
        longitude=lon,
        event_id=event_id,
        event_type_column=type_column,
        event_type_value=type_value,
        **optional,
    )


def _upload_report(upload, headerless: bool) -> SourceReport:
    data = upload.getvalue()
    try:
        return SourceReport(upload.name, cached_file(data, upload.name, headerless))
    except UnknownFormatError as exc:
        message = str(exc)
        mapping = _mapping_widgets(upload.name, data)
        if mapping is not None:
            try:
                return SourceReport(upload.name, cached_file(data, upload.name, headerless, mapping))
            except EventFileError as exc:
                message = str(exc)
    except EventFileError as exc:
        message = str(exc)
    return SourceReport(upload.name, None, f"{upload.name}: {message}")


def choose_events() -> tuple[EventTable | None, list[SourceReport]]:
    """The sidebar's data section; the table to show (None if nothing loaded) and a report per file."""
    sb = st.sidebar
    sb.header("Data")
    uploads = sb.file_uploader(
        "Add event files: ACLED or UCDP GED exports, or the project's CSV (.csv, .csv.gz, .zip, .xlsx)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=keys.KEY_UPLOAD,
    )
    _notice_lost_uploads(uploads)
    headerless = False
    merged_with_bundled = True
    if uploads:
        merged_with_bundled = (
            sb.radio("Show", [keys.UPLOADS_ALONE, keys.UPLOADS_MERGED], key=keys.KEY_DATA_MODE) == keys.UPLOADS_MERGED
        )
        headerless = sb.checkbox("Files without a header row are UCDP Candidate files", key=keys.KEY_HEADERLESS)
    reports = [_upload_report(upload, headerless) for upload in uploads or []]
    if not uploads or merged_with_bundled:
        reports.insert(0, bundled_report())
    tables = [r.table for r in reports if r.table is not None]
    if not tables:
        return None, reports
    if len(tables) == 1:
        return tables[0], reports
    return cached_merge(tuple(t.key for t in tables), tables), reports


def _notice_lost_uploads(uploads: list | None) -> None:
    """Say so when the uploads this page showed are gone (the server restarted and forgot them).

    Session state does not survive a restart, but the page's address does: while files are uploaded
    it carries their number, so a page that comes back with that number and no files can tell the
    analyst, instead of silently showing the bundled data under the names the uploader still lists.
    """
    if uploads:
        if st.query_params.get(keys.PARAM_UPLOADS) != str(len(uploads)):  # the address changes only when needed
            st.query_params[keys.PARAM_UPLOADS] = str(len(uploads))
        st.session_state[keys.KEY_HAD_UPLOADS] = True
        return
    if keys.PARAM_UPLOADS not in st.query_params:
        return
    if not st.session_state.get(keys.KEY_HAD_UPLOADS):
        st.warning(
            "The files uploaded earlier on this page are no longer on the server (it was restarted, or the "
            "session expired); the bundled events are shown. Upload the files again to see them."
        )
    del st.query_params[keys.PARAM_UPLOADS]
    st.session_state[keys.KEY_HAD_UPLOADS] = False
