"""The tables shown under the map and written by the data exports."""

from __future__ import annotations

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
# Characters that make a spreadsheet treat a cell as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
INTERNAL_COLUMNS = ("line",)


def display_table(events: pd.DataFrame) -> pd.DataFrame:
    """Readable columns; a source URL that is not http(s) is left out rather than made a link."""
    table = events[list(DISPLAY_COLUMNS)].copy()
    table["source_url"] = table["source_url"].map(safe_url)
    table["event_date"] = table["event_date"].dt.date
    return table.rename(columns=DISPLAY_COLUMNS).reset_index(drop=True)


def export_table(events: pd.DataFrame, neutralise: bool = True) -> pd.DataFrame:
    """Every input column, then the joined columns; dates as YYYY-MM-DD.

    ``neutralise`` defuses cells a spreadsheet would run as formulas (for CSV).
    """
    inputs = [c for c in events.columns if c not in INTERNAL_COLUMNS and c not in JOINED_COLUMNS]
    table = pd.DataFrame(events[inputs + list(JOINED_COLUMNS)]).copy()
    table["event_date"] = table["event_date"].dt.strftime("%Y-%m-%d")
    if not neutralise:
        return table.reset_index(drop=True)
    for column in table.columns:
        if pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].map(neutralise_formula, na_action="ignore")
    return table.reset_index(drop=True)


def neutralise_formula(value: str) -> str:
    """Prefix a quote to cells a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value
