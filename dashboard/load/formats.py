"""Recognise an events table by its header and map it onto the project schema.

Known formats: the project's own, ACLED exports (the 31-column format in use
since March 2023 and the older one with data_id / event_id_no_cnty / iso3,
either with the population columns) and UCDP GED 23.1/24.1 CSV (also monthly
Candidate files, which may come without a header). Other tables with a date,
a latitude and a longitude column can be mapped by hand (``ColumnMapping``).
The mapping of each format is documented in data/README.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.errors import EventFileError, UnknownFormatError
from dashboard.vocab import REQUIRED_COLUMNS

PROJECT = "project"
ACLED = "ACLED"
UCDP = "UCDP GED"
MAPPED = "mapped by hand"

ACLED_2023_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
# UCDP columns whose figures become claims (dashboard/load/claims.py); the prefix marks them as passing through.
UCDP_CLAIM_COLUMNS = ("best", "low", "high", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown")
UCDP_CLAIM_PREFIX = "ucdp_claim_"
ACLED_OLD_MARKERS = ("data_id", "event_id_no_cnty", "iso3")
ACLED_POPULATION = ("population_1km", "population_2km", "population_5km", "population_best")
UCDP_COLUMNS = (
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_dset_id",
    "conflict_new_id",
    "conflict_name",
    "dyad_dset_id",
    "dyad_new_id",
    "dyad_name",
    "side_a_dset_id",
    "side_a_new_id",
    "side_a",
    "side_b_dset_id",
    "side_b_new_id",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
    "gwnoa",
    "gwnob",
)

# ACLED sub_event_type -> project type; otherwise ACLED_TYPE decides.
ACLED_SUB_TYPE = {
    "Air/drone strike": "Air/missile strike",
    "Shelling/artillery/missile attack": "Shelling/artillery",
    "Agreement": "Ceasefire/agreement",
    "Non-violent transfer of territory": "Incursion",
    "Headquarters or base established": "Incursion",
}
ACLED_TYPE = {
    "Battles": "Battle",
    "Explosions/Remote violence": "Shelling/artillery",
    "Violence against civilians": "Civilian harm",
    "Protests": "Protest/political",
    "Riots": "Protest/political",
    "Strategic developments": "Protest/political",
}
ACLED_INTER = {
    "1": "State forces",
    "2": "Rebel groups",
    "3": "Political militias",
    "4": "Identity militias",
    "5": "Rioters",
    "6": "Protesters",
    "7": "Civilians",
    "8": "External/Other forces",
}
UCDP_VIOLENCE = {
    "1": ("Battle", "State-based conflict"),
    "2": ("Battle", "Non-state conflict"),
    "3": ("Civilian harm", "One-sided violence"),
}


@dataclass(frozen=True)
class Detection:
    """What was recognised, shown to the analyst: 'Detected: ACLED 2023+ export; 31 columns; used: …'."""

    dataset: str
    label: str
    n_columns: int
    used: tuple[str, ...]
    ignored: tuple[str, ...]
    read_as: str = ""  # packaging, encoding and delimiter, e.g. "gzip-compressed CSV, utf-8, ';'"

    def sentence(self) -> str:
        """What was recognised and which columns were used or ignored, as the Data quality tab says it."""
        ignored = ", ".join(self.ignored) if self.ignored else "none"
        read_as = f" Read as {self.read_as}." if self.read_as else ""
        return (
            f"Detected: {self.label}; {self.n_columns} columns; used: {', '.join(self.used)}; "
            f"ignored: {ignored}.{read_as}"
        )


@dataclass(frozen=True)
class ColumnMapping:
    """For tables of no known format: which column holds what (event_type may be one value for all rows)."""

    event_date: str
    latitude: str
    longitude: str
    event_id: str | None = None
    event_type_column: str | None = None
    event_type_value: str | None = None
    location: str | None = None
    notes: str | None = None
    source: str | None = None
    fatalities: str | None = None


def detect(columns: list[str]) -> str | None:
    """Which known format a header belongs to (ACLED, UCDP GED, the project's), or None."""
    present = {c.strip().lower() for c in columns}
    if {"event_id_cnty", "event_date", "latitude", "longitude", "sub_event_type"} <= present:
        return ACLED
    if {"id", "type_of_violence", "date_start", "latitude", "longitude", "best"} <= present:
        return UCDP
    if set(REQUIRED_COLUMNS) <= present:
        return PROJECT
    return None


def name_headerless_ucdp(frame: pd.DataFrame) -> pd.DataFrame:
    """Give a header-less UCDP Candidate file its 49 column names (the user said what it is)."""
    cells = [c for c in frame.columns if c != "line"]
    if len(cells) != len(UCDP_COLUMNS):
        raise EventFileError(
            f"A UCDP Candidate file without header has {len(UCDP_COLUMNS)} columns; this one has {len(cells)}."
        )
    return frame.rename(columns=dict(zip(cells, UCDP_COLUMNS, strict=True)))


def to_project(frame: pd.DataFrame, mapping: ColumnMapping | None = None) -> tuple[pd.DataFrame, Detection]:
    """The table in the project schema (text cells, ``line`` kept) and what was detected."""
    frame = frame.rename(columns={c: c.strip().lower() for c in frame.columns if c != "line"})
    columns = [c for c in frame.columns if c != "line"]
    if mapping is not None:
        return _from_mapping(frame, mapping)
    kind = detect(columns)
    if kind == ACLED:
        return _from_acled(frame)
    if kind == UCDP:
        return _from_ucdp(frame)
    if kind == PROJECT:
        out = frame.copy()
        out["dataset"] = out.get("dataset", PROJECT)
        return out, Detection(PROJECT, "project schema", len(columns), tuple(columns), ())
    raise UnknownFormatError(
        "The columns do not match the project schema, an ACLED export or a UCDP GED file "
        f"(found: {', '.join(columns[:15])}{'…' if len(columns) > 15 else ''}). "
        "Choose which columns hold the date, latitude and longitude to load it."
    )


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].str.strip() if name in frame else pd.Series("", index=frame.index, dtype=str)


def _join(*parts: pd.Series, sep: str = "; ") -> pd.Series:
    """Non-empty parts joined with ``sep``, row by row, without a Python loop over rows."""
    joined = parts[0].fillna("").astype(str)
    for part in parts[1:]:
        text = part.fillna("").astype(str)
        glue = pd.Series(np.where((joined != "") & (text != ""), sep, ""), index=joined.index, dtype=str)
        joined = joined + glue + text
    return joined


def _iso_dates(text: pd.Series) -> pd.Series:
    """'2022-09-13', '13 September 2022' or '2022-09-13 00:00:00.000' -> '2022-09-13'; other text unchanged."""
    iso = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    spelled = pd.to_datetime(text, format="%d %B %Y", errors="coerce")
    parsed = iso.fillna(spelled)
    return parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), text)


def _detection(dataset: str, label: str, frame: pd.DataFrame, used: list[str]) -> Detection:
    columns = [c for c in frame.columns if c != "line"]
    used_present = tuple(c for c in used if c in columns)
    return Detection(dataset, label, len(columns), used_present, tuple(c for c in columns if c not in used_present))


def _acled_label(columns: list[str]) -> str:
    old = any(m in columns for m in ACLED_OLD_MARKERS)
    label = "ACLED pre-2023 export" if old else "ACLED 2023+ export"
    if any(p in columns for p in ACLED_POPULATION):
        label += " with population columns"
    return label


def _acled_actor(frame: pd.DataFrame, actor: str, assoc: str, inter: str) -> pd.Series:
    role = _col(frame, inter).map(lambda v: ACLED_INTER.get(v, v))
    return _join(_col(frame, actor), _col(frame, assoc), role.where(role == "", "(" + role + ")"), sep="; ")


def _from_acled(frame: pd.DataFrame) -> tuple[pd.DataFrame, Detection]:
    sub_type = _col(frame, "sub_event_type")
    acled_type = _col(frame, "event_type")
    event_type = sub_type.map(ACLED_SUB_TYPE).fillna(acled_type.map(ACLED_TYPE)).fillna(acled_type)
    precision = _col(frame, "time_precision")
    out = pd.DataFrame(
        {
            "line": frame["line"],
            "dataset": ACLED,
            "event_id": _col(frame, "event_id_cnty"),
            "event_date": _iso_dates(_col(frame, "event_date")),
            "date_note": np.where(precision.isin(["2", "3"]), "ACLED time precision " + precision, ""),
            "event_type": event_type,
            "sub_event_type": _join(acled_type, sub_type, sep=": "),
            "actor1": _acled_actor(frame, "actor1", "assoc_actor_1", "inter1"),
            "actor2": _acled_actor(frame, "actor2", "assoc_actor_2", "inter2"),
            "location": _col(frame, "location"),
            "admin_region_reported": _join(
                _col(frame, "country"), _col(frame, "admin1"), _col(frame, "admin2"), sep=" / "
            ),
            "latitude": _col(frame, "latitude"),
            "longitude": _col(frame, "longitude"),
            "geo_precision": _col(frame, "geo_precision"),
            "location_note": "coordinates as given by ACLED",
            "fatalities": _col(frame, "fatalities"),
            "fatalities_reported": np.where(
                _col(frame, "fatalities") != "", _col(frame, "fatalities") + " (ACLED)", ""
            ),
            "fatalities_reported_by": "ACLED",
            "notes": _col(frame, "notes"),
            "source": _col(frame, "source"),
            "source_title": "",
            "source_url": "",
            "campaign": _col(frame, "disorder_type"),
        }
    )
    used = [
        "event_id_cnty",
        "event_date",
        "time_precision",
        "disorder_type",
        "event_type",
        "sub_event_type",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "country",
        "admin1",
        "admin2",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "source",
        "notes",
        "fatalities",
    ]
    return out, _detection(ACLED, _acled_label(list(frame.columns)), frame, used)


def _from_ucdp(frame: pd.DataFrame) -> tuple[pd.DataFrame, Detection]:
    violence = _col(frame, "type_of_violence").map(UCDP_VIOLENCE)
    start, end = _iso_dates(_col(frame, "date_start")), _iso_dates(_col(frame, "date_end"))
    where_prec = _col(frame, "where_prec")
    deaths = (
        "best "
        + _col(frame, "best")
        + " (low "
        + _col(frame, "low")
        + ", high "
        + _col(frame, "high")
        + "); side A "
        + _col(frame, "deaths_a")
        + ", side B "
        + _col(frame, "deaths_b")
        + ", civilians "
        + _col(frame, "deaths_civilians")
        + ", unknown "
        + _col(frame, "deaths_unknown")
    )
    date_prec = _col(frame, "date_prec")
    date_note = _join(
        pd.Series(np.where(end != start, "until " + end, ""), index=frame.index),
        pd.Series(np.where(date_prec.isin(["", "1"]), "", "UCDP date precision " + date_prec), index=frame.index),
    )
    out = pd.DataFrame(
        {
            "line": frame["line"],
            "dataset": UCDP,
            "event_id": _col(frame, "id"),
            "event_date": start,
            "date_note": date_note,
            "event_type": violence.map(lambda v: v[0] if isinstance(v, tuple) else "").where(violence.notna(), ""),
            "sub_event_type": violence.map(lambda v: v[1] if isinstance(v, tuple) else "").where(violence.notna(), ""),
            "actor1": _col(frame, "side_a"),
            "actor2": _col(frame, "side_b"),
            "location": _col(frame, "where_coordinates"),
            "admin_region_reported": _join(
                _col(frame, "country"), _col(frame, "adm_1"), _col(frame, "adm_2"), sep=" / "
            ),
            "latitude": _col(frame, "latitude"),
            "longitude": _col(frame, "longitude"),
            "geo_precision": where_prec.map(lambda p: p if p in ("1", "2") else ("3" if p else "")),
            "location_note": np.where(where_prec != "", "UCDP where_prec " + where_prec, ""),
            # geo_precision folds 3-7 into 3 for the precision filter; the circle and the popup need the level.
            "ucdp_where_prec": where_prec,
            "fatalities": _col(frame, "best"),
            "fatalities_reported": deaths,
            "fatalities_reported_by": "UCDP GED",
            "notes": _join(_col(frame, "where_description"), _col(frame, "dyad_name")),
            "source": _col(frame, "source_office"),
            "source_title": _col(frame, "source_headline"),
            "source_url": "",
            "additional_sources": _col(frame, "source_article"),
            "campaign": _col(frame, "conflict_name"),
            # UCDP's own figures, turned into claims by load.claims and then dropped.
            **{f"{UCDP_CLAIM_PREFIX}{c}": _col(frame, c) for c in UCDP_CLAIM_COLUMNS},
            f"{UCDP_CLAIM_PREFIX}country": _col(frame, "country"),
        }
    )
    used = [
        "id",
        "type_of_violence",
        "conflict_name",
        "dyad_name",
        "side_a",
        "side_b",
        "source_article",
        "source_office",
        "source_headline",
        "where_prec",
        "where_coordinates",
        "where_description",
        "adm_1",
        "adm_2",
        "latitude",
        "longitude",
        "country",
        "date_prec",
        "date_start",
        "date_end",
        "deaths_a",
        "deaths_b",
        "deaths_civilians",
        "deaths_unknown",
        "best",
        "high",
        "low",
    ]
    label = "UCDP GED" + (
        " Candidate"
        if "code_status" in frame
        and (_col(frame, "code_status") != "").any()
        and _col(frame, "code_status").str.contains("Candidate", case=False).any()
        else ""
    )
    return out, _detection(UCDP, label + " CSV", frame, used)


def _from_mapping(frame: pd.DataFrame, mapping: ColumnMapping) -> tuple[pd.DataFrame, Detection]:
    columns = [c for c in frame.columns if c != "line"]
    chosen = {
        field: getattr(mapping, field)
        for field in ColumnMapping.__dataclass_fields__
        if field != "event_type_value" and getattr(mapping, field)
    }
    chosen = {field: column.strip().lower() for field, column in chosen.items()}
    missing = [column for column in chosen.values() if column not in columns]
    if missing:
        raise EventFileError(f"The chosen column(s) {', '.join(missing)} are not in the file.")
    out = pd.DataFrame({"line": frame["line"], "dataset": MAPPED})
    out["event_id"] = _col(frame, chosen["event_id"]) if "event_id" in chosen else "row-" + frame["line"].astype(str)
    out["event_date"] = _iso_dates(_col(frame, chosen["event_date"]))
    out["latitude"] = _col(frame, chosen["latitude"])
    out["longitude"] = _col(frame, chosen["longitude"])
    if "event_type_column" in chosen:
        out["event_type"] = _col(frame, chosen["event_type_column"])
    else:
        out["event_type"] = mapping.event_type_value or ""
    for field in ("location", "notes", "source", "fatalities"):
        out[field] = _col(frame, chosen[field]) if field in chosen else ""
    used = list(dict.fromkeys(chosen.values()))
    return out, _detection(MAPPED, "table mapped by hand", frame, used)


def guess_mapping(columns: list[str]) -> dict[str, str | None]:
    """Best guesses for the mapping widgets: a column whose name suggests date, latitude, longitude…"""
    lowered = {c.lower(): c for c in columns}

    def find(*hints: str) -> str | None:
        for hint in hints:
            for low, original in lowered.items():
                if low == hint or low.startswith(hint):
                    return original
        return None

    return {
        "event_date": find("event_date", "date", "day", "when"),
        "latitude": find("latitude", "lat", "y"),
        "longitude": find("longitude", "lon", "lng", "long", "x"),
        "event_id": find("event_id", "id"),
        "event_type_column": find("event_type", "type", "category"),
        "location": find("location", "place", "village", "town"),
        "notes": find("notes", "description", "summary"),
        "source": find("source", "url"),
        "fatalities": find("fatalities", "deaths", "killed"),
    }
