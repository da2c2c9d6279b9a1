"""Load an events file (any supported format) and validate every row.

Valid rows come back typed; rows without coordinates are kept and marked
unmapped; every other problem rejects the row with its line number, the column
and a reason. Nothing is dropped silently: ``len(events) + len(rejected)`` is
always the number of data rows in the file.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute

from dashboard.config import claims_path_beside, study_area_margin_km
from dashboard.errors import EventFileError
from dashboard.load.claims import EVENT_KEY, claims_from_events, empty_claims, read_claims, typed_claims
from dashboard.load.formats import (
    ACLED,
    UCDP,
    UCDP_CLAIM_PREFIX,
    UCDP_COLUMNS,
    ColumnMapping,
    Detection,
    name_headerless_ucdp,
    to_project,
)
from dashboard.load.reading import Limits, read_source
from dashboard.load.studyarea import StudyArea, distance_outside_km
from dashboard.vocab import (
    EARLIEST_EVENT_DATE,
    EVENT_TYPES,
    PRECISION_LEVELS,
    REQUIRED_COLUMNS,
    STUDY_AREA_BBOX,
    UCDP_WHERE_PREC_LEVELS,
    PrecisionLevel,
)

__all__ = ["EventFileError", "EventTable", "load_events", "merge_tables", "precision_radius_km", "validate_events"]

TEXT_COLUMNS = (
    "dataset",
    "date_note",
    "sub_event_type",
    "actor1",
    "actor2",
    "location",
    "location_alt_names",
    "admin_region_reported",
    "location_note",
    "fatalities_reported",
    "fatalities_reported_by",
    "notes",
    "disputes",
    "source",
    "source_title",
    "source_url",
    "additional_sources",
    "campaign",
)
NUMBER_COLUMNS = ("geo_precision", "fatalities")
# UCDP's own precision level (1-7), kept beside geo_precision by load/formats.py; absent for other data.
UCDP_WHERE_PREC = "ucdp_where_prec"
REJECTED_COLUMNS = ("line", "event_id", "column", "reason")
INVISIBLE = "[\ufeff\u200b\u200c\u200d\u2060]"  # BOM, zero-width space / joiners, word joiner


@dataclass(frozen=True)
class EventTable:
    """The outcome of loading one or more events files.

    ``events``: accepted rows (mapped and unmapped), typed, with ``line``, ``file`` and ``dataset``.
    ``rejected``: one row per rejected input row: line, event_id, column, reason, then its cells.
    ``n_rows`` counts the data rows of the file(s); ``n_outside`` those outside the study area, counted
    and never read (load/studyarea.py); ``n_duplicates`` the rows dropped as exact duplicates when
    files are merged, so that events + rejected + outside + duplicates = rows; ``n_blank`` the
    blank lines skipped, which the accounting states beside them.
    ``key`` names the content the table came from (set by whoever loaded it, e.g. a digest of
    the file's bytes), so that work derived from the table can be cached under it.
    ``claims``: the casualty figures reported for the events, one row per figure
    (dashboard/load/claims.py), keyed by ``dataset`` and ``event_id``.
    """

    events: pd.DataFrame
    rejected: pd.DataFrame
    n_rows: int
    detections: tuple[Detection, ...] = ()
    n_duplicates: int = 0
    key: str = ""
    n_blank: int = 0  # blank lines skipped in the file(s), counted so that the accounting adds up
    claims: pd.DataFrame = field(default_factory=empty_claims)
    n_outside: int = 0  # rows outside the study area: counted, not loaded

    @property
    def mapped(self) -> pd.DataFrame:
        """The events with coordinates."""
        return self.events[self.events["latitude"].notna()]

    @property
    def unmapped(self) -> pd.DataFrame:
        """The events accepted without coordinates (no verified location); they are counted, not drawn."""
        return self.events[self.events["latitude"].isna()]

    def with_columns(self, events: pd.DataFrame) -> EventTable:
        """This table with ``events`` in place of its events: the same rows in the same order, with
        columns added (the join's). What is known per row, ``claim_rows``, is kept rather than found again."""
        table = replace(self, events=events)
        if "claim_rows" in self.__dict__:
            table.__dict__["claim_rows"] = self.__dict__["claim_rows"]  # functools.cached_property's slot
        return table

    @functools.cached_property
    def claim_rows(self) -> np.ndarray | None:
        """For each row of ``claims``, the position in ``events`` of the event it is about (-1: none), or
        None when two events share a dataset and event id (then claims are matched by key each time).

        Computed once per table: matching the keys of a million events costs ~0.6–0.9 s, and every filter
        change needs the claims of the events it keeps (pipeline.select_events).
        """
        dataset, event_id = EVENT_KEY
        datasets = self.events[dataset].astype(str)
        if len(datasets) and (datasets == datasets.iloc[0]).all():
            # One dataset (any single file): the id alone is the key, and strings hash far faster than tuples.
            ids = pd.Index(self.events[event_id].astype(str))
            if not ids.is_unique:
                return None
            if self.claims.empty:
                return np.empty(0, dtype=np.intp)
            # pyarrow's hash lookup: about half of pandas' get_indexer on a million strings.
            found = pa.compute.index_in(
                pa.array(self.claims[event_id].astype(str).array), value_set=pa.array(ids.array)
            )
            rows = pa.compute.fill_null(found, -1).to_numpy().astype(np.intp)
            rows[self.claims[dataset].astype(str).to_numpy() != datasets.iloc[0]] = -1
            return rows
        keys = pd.MultiIndex.from_frame(self.events[EVENT_KEY].astype(str))
        if not keys.is_unique:
            return None
        if self.claims.empty:
            return np.empty(0, dtype=np.intp)
        return keys.get_indexer(pd.MultiIndex.from_frame(self.claims[EVENT_KEY].astype(str)))


def load_events(
    source: str | Path | bytes,
    name: str = "",
    headerless_ucdp: bool = False,
    mapping: ColumnMapping | None = None,
    limits: Limits | None = None,
    claims: str | Path | bytes | None = None,
) -> EventTable:
    """Read, recognise, map and validate one events file given as a path or as bytes named ``name``.

    ``claims`` is the file's claims table (data/claims.csv's format), when it has one; a file read
    by path has the ``claims.csv`` beside it, if there is one. Without a table, the file's own
    figures become its claims (ACLED's and a project file's ``fatalities``, UCDP's deaths).
    Rows outside the study area (with CCM_STUDY_AREA_MARGIN_KM) are counted in ``n_outside``, not read.
    """
    if claims is None and isinstance(source, (str, Path)):
        claims = claims_path_beside(Path(source))
    name = name or (Path(source).name if isinstance(source, (str, Path)) else "upload")
    margin_km = study_area_margin_km()
    area = study_area(margin_km, headerless_ucdp, mapping)
    raw = read_source(source, name, header=not headerless_ucdp, limits=limits, area=area)
    frame = name_headerless_ucdp(raw.frame) if headerless_ucdp else raw.frame
    projected, detection = to_project(frame, mapping)
    n_outside = raw.outside
    if detection.dataset in (ACLED, UCDP):
        # Their coordinates come from a gazetteer, never typed by hand: a point that would fit if swapped
        # is an event elsewhere (southern Russia), not a mistake to point out.
        far = area.outside(
            pa.array(projected["latitude"], type=pa.string()),
            pa.array(projected["longitude"], type=pa.string()),
            swapped_kept=False,
        )
        if far.any():
            projected, n_outside = projected[~far], n_outside + int(far.sum())
    table = validate_events(projected, margin_km)
    events = table.events.assign(file=name)
    if claims is not None:
        dataset = str(events["dataset"].iloc[0]) if len(events) else ""
        claim_table = read_claims(claims, dataset, events["event_id"])
    else:
        claim_table = claims_from_events(events)
    events = events.drop(columns=[c for c in events.columns if c.startswith(UCDP_CLAIM_PREFIX)])
    malformed = pd.DataFrame(raw.malformed, columns=["line", "event_id", "reason"]).assign(column="")
    malformed = malformed[list(REJECTED_COLUMNS)]  # the order every rejected-rows table has
    rejected = pd.concat([malformed, table.rejected], ignore_index=True) if raw.malformed else table.rejected.copy()
    rejected = rejected.sort_values("line", kind="stable").reset_index(drop=True)
    rejected.insert(0, "file", name)
    detection = replace(detection, read_as=raw.description())
    return replace(
        table,
        events=events,
        rejected=rejected,
        detections=(detection,),
        n_rows=table.n_rows + len(raw.malformed) + n_outside,
        n_blank=raw.blank_lines,
        claims=claim_table,
        n_outside=n_outside,
    )


def study_area(margin_km: float, headerless_ucdp: bool = False, mapping: ColumnMapping | None = None) -> StudyArea:
    """The study area rows are read in, with the columns that hold their coordinates in this file."""
    if mapping is not None:
        return StudyArea(STUDY_AREA_BBOX, margin_km, mapping.latitude, mapping.longitude)
    if headerless_ucdp:  # columns are named column_1 … until name_headerless_ucdp names them
        lat, lon = UCDP_COLUMNS.index("latitude") + 1, UCDP_COLUMNS.index("longitude") + 1
        return StudyArea(STUDY_AREA_BBOX, margin_km, f"column_{lat}", f"column_{lon}")
    return StudyArea(STUDY_AREA_BBOX, margin_km)  # ACLED, UCDP GED and the project's schema name them alike


def validate_events(raw: pd.DataFrame, margin_km: float | None = None) -> EventTable:
    """Type and check every row of a frame in the project schema (text cells, plus ``line``).

    A point farther than ``margin_km`` (default: CCM_STUDY_AREA_MARGIN_KM) from the study area is
    rejected; reading sets most such rows aside before (``load_events``), all but those that fit
    once latitude and longitude are swapped, which are rejected with that hint.
    """
    margin = study_area_margin_km() if margin_km is None else margin_km
    raw = raw.copy()
    for column in TEXT_COLUMNS + NUMBER_COLUMNS:
        if column not in raw.columns:
            raw[column] = ""
    if "line" not in raw.columns:
        raw.insert(0, "line", np.arange(2, len(raw) + 2))
    if raw.empty:
        return EventTable(events=_typed(raw), rejected=_rejected_rows(raw, pd.Series()), n_rows=0)
    stripped = {c: raw[c].str.strip() for c in REQUIRED_COLUMNS + NUMBER_COLUMNS}
    # A byte-order mark or zero-width space pasted into an id is invisible but would make "A1" and
    # "\ufeffA1" two events: dropped like the surrounding whitespace (other columns then fail to parse).
    if stripped["event_id"].str.contains(INVISIBLE, regex=True).any():
        stripped["event_id"] = stripped["event_id"].str.replace(INVISIBLE, "", regex=True).str.strip()

    # Per check, the reason text of the rows that fail it. Texts are built for those rows
    # only: a million clean rows should not pay for a million error messages.
    problems: list[pd.Series] = []

    def check(failed: pd.Series | np.ndarray, column: str, reason: str | Callable[[np.ndarray], pd.Series]) -> None:
        """Record ``reason`` for the rows where ``failed`` is true; a callable gets that row mask."""
        rows = pd.Series(failed, index=raw.index).fillna(False).astype(bool).to_numpy()
        if not rows.any():
            return
        index = raw.index[rows]
        text = pd.Series(reason, index=index) if isinstance(reason, str) else reason(rows)
        problems.append(column + "\t" + text.astype(str))

    event_id = stripped["event_id"]
    check(event_id == "", "event_id", "missing event id")
    duplicate = (event_id != "") & event_id.duplicated(keep="first")

    def first_use(rows: np.ndarray) -> pd.Series:
        first_line = raw["line"][~duplicate].groupby(event_id[~duplicate]).min()
        return "duplicate event id (first used on line " + event_id[rows].map(first_line).astype(str) + ")"

    check(duplicate, "event_id", first_use)

    date_text = stripped["event_date"]
    dates = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce")
    check(date_text == "", "event_date", "missing date")
    check(
        (date_text != "") & dates.isna(),
        "event_date",
        lambda rows: "unreadable date '" + date_text[rows].str.slice(0, 40) + "' (expected YYYY-MM-DD)",
    )
    latest = pd.Timestamp(dt.date.today()) + pd.Timedelta(days=1)  # a day's grace for time zones
    check(
        dates.notna() & ((dates < pd.Timestamp(EARLIEST_EVENT_DATE)) | (dates > latest)),
        "event_date",
        lambda rows: (
            "date " + date_text[rows] + f" is outside {EARLIEST_EVENT_DATE:%Y-%m-%d} to today; a mistyped year?"
        ),
    )

    event_type = stripped["event_type"]
    check(event_type == "", "event_type", "missing event type")
    check(
        (event_type != "") & ~event_type.isin(EVENT_TYPES),
        "event_type",
        lambda rows: (
            "unknown event type '"
            + event_type[rows].str.slice(0, 40)
            + "' (expected one of: "
            + ", ".join(EVENT_TYPES)
            + ")"
        ),
    )

    lat_text, lon_text = stripped["latitude"], stripped["longitude"]
    lat = _numbers(lat_text)
    lon = _numbers(lon_text)
    check((lat_text == "") != (lon_text == ""), "latitude", "only one of latitude and longitude is given")
    check(
        (lat_text != "") & (lat.isna() | ~np.isfinite(lat)),
        "latitude",
        lambda rows: "latitude '" + lat_text[rows].str.slice(0, 40) + "' is not a number",
    )
    check(
        (lon_text != "") & (lon.isna() | ~np.isfinite(lon)),
        "longitude",
        lambda rows: "longitude '" + lon_text[rows].str.slice(0, 40) + "' is not a number",
    )
    check(lat.abs() > 90, "latitude", lambda rows: "latitude " + lat_text[rows] + " is outside -90..90")
    check(lon.abs() > 180, "longitude", lambda rows: "longitude " + lon_text[rows] + " is outside -180..180")
    off_km = distance_outside_study_area_km(lat, lon)
    in_range = (lat.abs() <= 90) & (lon.abs() <= 180)

    def outside(rows: np.ndarray) -> pd.Series:
        swapped_fits = distance_outside_study_area_km(lon[rows], lat[rows]) <= margin
        hint = np.where(swapped_fits, "; are latitude and longitude swapped?", "")
        return (
            "point "
            + lat_text[rows]
            + ", "
            + lon_text[rows]
            + " lies "
            + off_km[rows].map("{:,.0f}".format)
            + f" km outside the study area (Armenia and Azerbaijan, {margin:g} km margin)"
            + hint
        )

    check(in_range & (off_km > margin), "latitude", outside)

    precision_text = stripped["geo_precision"]
    precision = _numbers(precision_text)
    check(
        (precision_text != "") & ~precision.isin([1, 2, 3]),
        "geo_precision",
        lambda rows: "geo_precision '" + precision_text[rows].str.slice(0, 20) + "' is not 1, 2 or 3",
    )
    where_prec = None
    if UCDP_WHERE_PREC in raw.columns:
        where_text = raw[UCDP_WHERE_PREC].fillna("").astype(str).str.strip()
        where_prec = _numbers(where_text)
        check(
            (where_text != "") & ~where_prec.isin(list(UCDP_WHERE_PREC_LEVELS)),
            "where_prec",
            lambda rows: "UCDP where_prec '" + where_text[rows].str.slice(0, 20) + "' is not 1–7",
        )
    fatalities_text = stripped["fatalities"]
    fatalities = _numbers(fatalities_text)
    bad_fatalities = (fatalities_text != "") & ~((fatalities >= 0) & (fatalities % 1 == 0))
    check(
        bad_fatalities,
        "fatalities",
        lambda rows: "fatalities '" + fatalities_text[rows].str.slice(0, 20) + "' is not a whole number ≥ 0",
    )

    found = pd.concat(problems) if problems else pd.Series(dtype=object)
    failed = raw.index.isin(found.index)
    # Reasons of a row in the order of the checks.
    reasons = found.groupby(level=0, sort=True).agg(list).reindex(raw.index[failed])

    rejected = _rejected_rows(raw[failed], reasons)
    raw["event_id"], raw["event_type"] = event_id, event_type
    raw["event_date"], raw["latitude"], raw["longitude"] = dates, lat, lon
    raw["geo_precision"], raw["fatalities"] = precision, fatalities
    if where_prec is not None:
        raw[UCDP_WHERE_PREC] = where_prec
    return EventTable(events=_typed(raw[~failed]), rejected=rejected, n_rows=len(raw))


def _numbers(text: pd.Series) -> pd.Series:
    """Numbers from text cells (NaN where a cell is empty or not a number).

    pyarrow's cast is many times faster than pd.to_numeric on large files; it
    refuses a column with any non-number, which then goes cell by cell.
    """
    try:
        values = pa.compute.cast(pa.array(text.where(text != ""), type=pa.string()), pa.float64())
        return pd.Series(values.to_numpy(zero_copy_only=False), index=text.index)
    except pa.ArrowException:
        return pd.to_numeric(text, errors="coerce")


def _typed(events: pd.DataFrame) -> pd.DataFrame:
    """The accepted rows with their number columns typed and the circle of uncertainty computed."""
    types = {
        "event_date": "datetime64[us]",
        "latitude": "float64",
        "longitude": "float64",
        "geo_precision": "Int64",
        "fatalities": "Int64",
    }
    if UCDP_WHERE_PREC in events.columns:
        types[UCDP_WHERE_PREC] = "Int64"
    typed = events.astype(types).reset_index(drop=True)
    typed["precision_km"] = precision_radius_km(typed["geo_precision"], typed.get(UCDP_WHERE_PREC))
    return typed


def precision_radius_km(geo_precision: pd.Series, ucdp_where_prec: pd.Series | None = None) -> np.ndarray:
    """The radius (km) of each event's circle of uncertainty; NaN where none is drawn.

    By UCDP's finer where_prec where a row has one, else by geo_precision (vocab.PRECISION_LEVELS,
    which ACLED and the project share); NaN for an exact point, an unknown precision, or a level
    too wide for a circle (UCDP 6, 7). A table lookup, so a million rows cost milliseconds.
    """
    radius = _radius_of(geo_precision, PRECISION_LEVELS)
    if ucdp_where_prec is not None:
        by_ucdp = _radius_of(ucdp_where_prec, UCDP_WHERE_PREC_LEVELS)
        radius = np.where(ucdp_where_prec.notna().to_numpy(), by_ucdp, radius)
    return radius


def _radius_of(levels: pd.Series, scale: dict[int, PrecisionLevel]) -> np.ndarray:
    """Each level's radius on ``scale`` (km), NaN for a missing level or one without a circle."""
    by_level = np.full(max(scale) + 1, np.nan)
    for level, meaning in scale.items():
        if meaning.radius_km is not None:
            by_level[level] = meaning.radius_km
    codes = levels.to_numpy(dtype="float64", na_value=np.nan)
    known = np.isfinite(codes) & (codes >= 0) & (codes < len(by_level))
    radius = np.full(len(codes), np.nan)
    radius[known] = by_level[codes[known].astype(np.intp)]
    return radius


def distance_outside_study_area_km(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Approximate distance (km) from each point to the study-area box; 0 inside, NaN without coordinates."""
    distance = distance_outside_km(lat.to_numpy(dtype=float), lon.to_numpy(dtype=float), STUDY_AREA_BBOX)
    return pd.Series(distance, index=lat.index)


def _rejected_rows(rows: pd.DataFrame, reasons: pd.Series) -> pd.DataFrame:
    """One output row per rejected input row; several problems are joined with '; '."""
    if rows.empty:
        return pd.DataFrame(columns=list(REJECTED_COLUMNS) + [c for c in rows.columns if c not in ("line", "event_id")])
    columns = reasons.map(lambda ps: ", ".join(dict.fromkeys(p.split("\t")[0] for p in ps)))
    text = reasons.map(lambda ps: "; ".join(p.split("\t")[1] for p in ps))
    head = pd.DataFrame(
        {
            "line": rows["line"],
            "event_id": rows["event_id"].str.strip(),
            "column": columns,
            "reason": text,
        }
    )
    original = rows.drop(columns=["line", "event_id"])
    return pd.concat([head, original], axis=1).reset_index(drop=True)


def merge_tables(tables: list[EventTable]) -> EventTable:
    """Several loaded files as one: the same dataset + event id twice is kept once if identical,
    and kept twice, flagged ``conflict``, if the two rows differ."""
    events = pd.concat([t.events for t in tables], ignore_index=True)
    rejected = pd.concat([t.rejected for t in tables], ignore_index=True)
    content = [c for c in events.columns if c not in ("line", "file")]
    exact = events.duplicated(subset=content, keep="first")
    events = events[~exact].reset_index(drop=True)
    events["conflict"] = events.duplicated(subset=["dataset", "event_id"], keep=False)
    return EventTable(
        events=events,
        rejected=rejected,
        n_rows=sum(t.n_rows for t in tables),
        detections=tuple(d for t in tables for d in t.detections),
        n_duplicates=int(exact.sum()) + sum(t.n_duplicates for t in tables),
        n_outside=sum(t.n_outside for t in tables),
        key="+".join(t.key for t in tables),
        n_blank=sum(t.n_blank for t in tables),
        # The same file twice gives the same claims twice: kept once, like its events.
        claims=pd.concat([t.claims.astype(object) for t in tables], ignore_index=True)
        .drop_duplicates()
        .pipe(typed_claims),
    )
