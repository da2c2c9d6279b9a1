"""The tables shown under the map and written by the data exports."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.geo.join import JOINED_COLUMNS
from dashboard.text import safe_url

DISPLAY_COLUMNS = {
    "event_date": "Date",
    "event_type": "Type",
    "location": "Place",
    "region": "Region",
    "province": "Province",
    "actor1": "Actor 1",
    "actor2": "Actor 2",
    "fatalities": "Fatalities",
    "fatalities_reported": "Fatalities as reported",
    "fatalities_reported_by": "Reported by",
    "geo_precision": "Precision",
    "border_distance_km": "Border km",
    "source": "Source",
    "source_url": "Link",
    "event_id": "ID",
}
# A cell, or any line of it, that a spreadsheet would run as a formula: one starting with = + - @ tab or CR.
FORMULA_START = re.compile(r"(?:^|(?<=[\r\n]))(?=[=+\-@\t\r])")
INTERNAL_COLUMNS = ("line",)


def display_table(events: pd.DataFrame) -> pd.DataFrame:
    """Readable columns; a source URL that is not http(s) is left out rather than made a link."""
    table = events[list(DISPLAY_COLUMNS)].copy()
    table["source_url"] = table["source_url"].map(safe_url)
    table["event_date"] = table["event_date"].dt.date
    return table.rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def export_table(events: pd.DataFrame) -> pd.DataFrame:
    """Every input column, then the joined columns; dates as YYYY-MM-DD (cells as in the data)."""
    inputs = [c for c in events.columns if c not in INTERNAL_COLUMNS and c not in JOINED_COLUMNS]
    table = pd.DataFrame(events[inputs + list(JOINED_COLUMNS)]).copy()
    table["event_date"] = table["event_date"].dt.strftime("%Y-%m-%d")
    return table.reset_index(drop=True)


def neutralise_formula(value: str) -> str:
    """Prefix a quote to the cell and to each line of it that a spreadsheet would run as a formula."""
    return FORMULA_START.sub("'", value)


def neutralised(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` with every text cell and column name defused for spreadsheets (CSV injection)."""
    safe = table.copy()
    for column in safe.columns:
        if pd.api.types.is_string_dtype(safe[column]) or safe[column].dtype == object:
            safe[column] = safe[column].map(
                lambda v: neutralise_formula(v) if isinstance(v, str) else v, na_action="ignore"
            )
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    return safe
