"""The data package: the shown events and their casualty claims as plain CSV files in one ZIP, described
by a Frictionless Data Package (``datapackage.json``: every column with its type and meaning, the
sources and the licences) and a short ``README.txt`` (filters, generation time, counts, how to open).

The CSV files are the same bytes as the bare CSV export (UTF-8 with a byte order mark, a header row,
formulas defused), so that whoever opens them needs no instructions; what was asked and when is here,
beside them, not in lines a reader would have to skip.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Final

import pandas as pd

from dashboard.export.datafiles import DATA_NOTE, table_csv_bytes
from dashboard.load.claims import CATEGORY_COLUMNS
from dashboard.summary.table import export_table
from dashboard.vocab import (
    BOUNDARY_DISCLAIMER,
    CRISIS_GROUP_ATTRIBUTION,
    GEONAMES_ATTRIBUTION,
    GEONAMES_URL,
    NK_FROM_CRISIS_GROUP,
    OSM_ATTRIBUTION,
    OSM_COPYRIGHT_URL,
)

EVENTS_FILE: Final = "events.csv"
CLAIMS_FILE: Final = "claims.csv"
DESCRIPTOR_FILE: Final = "datapackage.json"
README_FILE: Final = "README.txt"
PACKAGE_FILES: Final = (EVENTS_FILE, CLAIMS_FILE, DESCRIPTOR_FILE, README_FILE)

# What each column means, in the words of data/README.md (a test checks every column it lists is here).
EVENT_COLUMNS: Final[dict[str, str]] = {
    "event_id": "Identifier of the event in its dataset, e.g. AA-043.",
    "event_date": "Local date of the event (or of the report or campaign start, see date_note), YYYY-MM-DD.",
    "date_note": "Why the date is approximate, when it is.",
    "event_type": "One of the project's nine event types (data/README.md, Event types).",
    "sub_event_type": "The ACLED sub-event type this event corresponds to.",
    "actor1": "First actor; several actors separated by ';'.",
    "actor2": "Second actor; several actors separated by ';'.",
    "location": "The place as the sources name it.",
    "location_alt_names": "Other names and spellings of the place seen in the sources, ';'-separated.",
    "admin_region_reported": "The administrative region as reported (the region columns come from the shapes).",
    "latitude": "Latitude in decimal degrees, WGS84; empty where no verified coordinates exist (unmapped).",
    "longitude": "Longitude in decimal degrees, WGS84; empty where no verified coordinates exist (unmapped).",
    "geo_precision": "Location precision as ACLED: 1 the named place, 2 a nearby or representative place, "
    "3 an area (the point only indicative).",
    "location_note": "What the point represents and the page its coordinates were read from.",
    "fatalities": "The best single figure of people killed, where the reporters agree; empty where they "
    "disagree or for tallies that include other rows' deaths.",
    "fatalities_reported": "Every figure as published, including injuries and changing tallies.",
    "fatalities_reported_by": "Who gave those figures.",
    "notes": "Neutral one- or two-sentence description.",
    "disputes": "Who claimed what where sources disagree.",
    "source": "Outlet of the primary source.",
    "source_title": "Headline as shown in the source.",
    "source_url": "URL of the primary source.",
    "additional_sources": "Further source URLs, ';'-separated.",
    "campaign": "Grouping label, e.g. 2020 Nagorno-Karabakh war.",
    "dataset": "The dataset the row comes from (the bundled events, an ACLED or UCDP file, an uploaded file).",
    "file": "The file the row was read from.",
    "precision_km": "Radius in km of the circle of uncertainty drawn around an approximately located event; "
    "empty for an exact point.",
    "ucdp_where_prec": "UCDP GED's own location precision where_prec (1-7), for UCDP files.",
    "claims_text": "The event's casualty claims in words, one line per claim (claims.csv has them as rows).",
    "country": "Armenia or Azerbaijan from the boundary shapes; empty outside both.",
    "province": "First-level unit (province or rayon) from the boundary shapes.",
    "province_code": "ISO 3166-2 code of the province.",
    "in_nkao_1991": "Inside the Soviet-era Nagorno-Karabakh Autonomous Oblast (1991, Natural Earth).",
    "in_nk_1994_2020": "Inside the area held by Armenian forces 1994-2020 (Natural Earth ceasefire line).",
    "in_peacekeeping_2020_2023": "Inside the Russian peacekeeping zone of Nov 2020 - Sept 2023 "
    f"({CRISIS_GROUP_ATTRIBUTION}).",
    "border_distance_km": "Distance in km to the Armenia-Azerbaijan international border (UTM 38N).",
    "border_sector": "The Armenian and Azerbaijani units facing each other across the nearest stretch of border, "
    "for events within 25 km of it.",
    "on_border": "Within 0.5 km of the international border.",
    "snapped": "The point lay up to 1 km outside every outline and was given the nearest unit.",
    "region": "Nagorno-Karabakh when inside the chosen boundary, else the country, else Outside.",
}
CLAIM_COLUMNS: Final[dict[str, str]] = {
    "dataset": "The dataset of the event the figure is about.",
    "event_id": "The event (events.csv) the figure is about.",
    "reported_by": "The institution or outlet that reported the figure.",
    "reporter_side": "Who the reporter is: a side's institutions, an international organisation, civil society, "
    "media or a dataset.",
    "about": "Whose casualties the figure counts.",
    "killed": "People killed, as reported; empty where the reporter gave none.",
    "wounded": "People wounded, as reported; empty where the reporter gave none.",
    "missing": "People missing, as reported; empty where the reporter gave none.",
    "captured": "People captured, as reported; empty where the reporter gave none.",
    "kind": "What killed counts: killed, dead or missing, killed or wounded.",
    "qualifier": "at least, more than, up to, about, or empty.",
    "scope": "event: this event's own casualties; total: a running tally including other events' casualties.",
    "as_of": "Date of the figure, YYYY-MM-DD, YYYY-MM or YYYY; empty where the source gives none.",
    "status": "initial, updated or final, as the source says; empty otherwise.",
    "source_url": "The page the figure was read from.",
    "quote": "The exact words of the research record the numbers come from.",
    "note": "What the numbers leave out.",
    "about_adversary": "The reporter speaks of the other side's losses.",
}
UNKNOWN_COLUMN: Final = "A column of the input file, as read."

ODBL: Final = {
    "name": "ODbL-1.0",
    "path": "https://opendatacommons.org/licenses/odbl/1-0/",
    "title": f"Open Database License 1.0: the region columns are joined to boundaries {OSM_ATTRIBUTION}",
}
GPL: Final = {
    "name": "GPL-3.0",
    "path": "https://www.gnu.org/licenses/gpl-3.0.html",
    "title": f"in_peacekeeping_2020_2023 is derived from the layer of {CRISIS_GROUP_ATTRIBUTION}",
}
NATURAL_EARTH: Final = {
    "name": "public-domain",
    "path": "https://www.naturalearthdata.com/about/terms-of-use/",
    "title": "Natural Earth (public domain): province and Nagorno-Karabakh lines",
}
SOURCES: Final = (
    {"title": "Public reporting, cited per event (source, source_title, source_url)"},
    {"title": f"OpenStreetMap boundaries, {OSM_ATTRIBUTION}", "path": OSM_COPYRIGHT_URL},
    {"title": "geoBoundaries 2.0.1 (Runfola et al. 2020, PLoS ONE 15(4): e0231866)"},
    {"title": "Natural Earth", "path": "https://www.naturalearthdata.com"},
    {"title": CRISIS_GROUP_ATTRIBUTION},
)


def field_type(series: pd.Series, name: str) -> str:
    """The Table Schema type a column is written as: date, integer, number, boolean or string."""
    if name == "event_date":
        return "date"
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def table_schema(table: pd.DataFrame, meanings: dict[str, str]) -> dict[str, object]:
    """A Table Schema listing every column of ``table`` in order, with its type and meaning."""
    fields = [
        {
            "name": str(name),
            "type": field_type(table[name], str(name)),
            "description": meanings.get(str(name), UNKNOWN_COLUMN),
        }
        for name in table.columns
    ]
    return {"fields": fields, "missingValues": [""]}


def claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as the package writes them: repeated texts as plain text."""
    return claims.astype({c: object for c in CATEGORY_COLUMNS if c in claims.columns}).reset_index(drop=True)


def attribution_lines(nk_boundary: str | None = None, places_named: bool = False) -> list[str]:
    """The credits a file made from these events owes: OpenStreetMap and Natural Earth always, Crisis Group
    where its layer decides or is drawn (``nk_boundary`` its key, or None for the data files, which always
    carry its column), GeoNames where its place names are shown; the boundary disclaimer last."""
    lines = [
        f"Boundaries {OSM_ATTRIBUTION} (ODbL 1.0, {OSM_COPYRIGHT_URL}); Azerbaijan's rayons via geoBoundaries "
        "(Runfola et al. 2020, PLoS ONE 15(4): e0231866).",
        "Province lines of Armenia and the Karabakh-area units and the 1991 and 1994–2020 Nagorno-Karabakh lines: "
        "Natural Earth (public domain).",
    ]
    if nk_boundary is None or nk_boundary in NK_FROM_CRISIS_GROUP:
        lines.append(f"Russian peacekeeping zone, Nov 2020 – Sept 2023: {CRISIS_GROUP_ATTRIBUTION}.")
    if places_named:
        lines.append(f"Place names: {GEONAMES_ATTRIBUTION}, {GEONAMES_URL}.")
    lines.append(DATA_NOTE)
    lines.append(BOUNDARY_DISCLAIMER)
    return lines


def _resource(name: str, path: str, table: pd.DataFrame, meanings: dict[str, str], title: str) -> dict[str, object]:
    return {
        "name": name,
        "path": path,
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "header": True},
        "schema": table_schema(table, meanings),
    }


def descriptor(
    events: pd.DataFrame, claims: pd.DataFrame, title: str, description: list[str], generated: str
) -> dict[str, object]:
    """The Frictionless Data Package descriptor of the two tables as they are written."""
    return {
        "profile": "tabular-data-package",
        "name": "caucasus-conflict-map-events",
        "title": title,
        "description": "\n".join(description),
        "created": generated,
        "licenses": [ODBL, GPL, NATURAL_EARTH],
        "sources": list(SOURCES),
        "resources": [
            _resource("events", EVENTS_FILE, events, EVENT_COLUMNS, "The shown events with their joined regions"),
            _resource("claims", CLAIMS_FILE, claims, CLAIM_COLUMNS, "The casualty claims of those events"),
        ],
    }


def readme_text(title: str, description: list[str], generated: str, n_events: int, n_claims: int) -> str:
    """The package's README.txt: what it holds, for which filters, when, how to open it, and the credits."""
    lines = [
        title,
        "=" * min(len(title), 78),
        "",
        f"Generated {generated} by Caucasus Conflict Map.",
        "",
        "Filters and counts:",
        *(f"  {line}" for line in description),
        "",
        "Files:",
        f"  {EVENTS_FILE}  {n_events:,} events, every input column and the joined region columns",
        f"  {CLAIMS_FILE}  {n_claims:,} casualty claims of those events (who reported what, about whom)",
        f"  {DESCRIPTOR_FILE}  Frictionless Data Package: every column's type and meaning, sources, licences",
        "",
        "Opening the CSV files: UTF-8 with a byte order mark, comma-separated, one header row.",
        "  pandas: pandas.read_csv('events.csv'); R: read.csv('events.csv') (in a UTF-8 locale; otherwise",
        "  add fileEncoding = 'UTF-8-BOM'); Excel: open the file (the mark tells Excel it is UTF-8).",
        "  Python's csv module: open(path, encoding='utf-8-sig').",
        "  A cell that a spreadsheet would run as a formula (starting with = + - @) begins with ' .",
        "",
        "Credits and licences:",
        *(f"  {line}" for line in attribution_lines()),
        "",
    ]
    return "\r\n".join(lines)


def package_bytes(
    events: pd.DataFrame, claims: pd.DataFrame, title: str, description: list[str], generated: str
) -> bytes:
    """The ZIP of events.csv, claims.csv, datapackage.json and README.txt for ``events`` and their ``claims``."""
    table = export_table(events)
    claim_rows = claims_table(claims)
    meta = descriptor(table, claim_rows, title, description, generated)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(EVENTS_FILE, table_csv_bytes(table, bom=True))  # what csv_bytes writes
        archive.writestr(CLAIMS_FILE, table_csv_bytes(claim_rows, bom=True))
        archive.writestr(DESCRIPTOR_FILE, json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
        archive.writestr(README_FILE, readme_text(title, description, generated, len(table), len(claim_rows)))
    return out.getvalue()
