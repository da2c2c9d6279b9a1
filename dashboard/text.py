"""How an event's fields read in words: dates, places, actors, reported figures, sources.

Plain text, no markup: the popups (HTML, escaped there), the packed layer (set as
textContent in the browser), the tables and the snapshots all read an event the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pandas as pd

NOT_REPORTED = "not reported"
# A row of the events table: a pandas Series, or a plain dict where speed matters.
Row = pd.Series | Mapping[str, Any]


def safe_url(value: object) -> str | None:
    """The URL if it is an absolute http(s) URL, else None (no javascript:, data:, relative…)."""
    if not isinstance(value, str):
        return None
    url = value.strip()
    try:
        parsed = urlparse(url)
    except ValueError:
        return None
    if parsed.scheme.lower() in ("http", "https") and parsed.netloc:
        return url
    return None


def format_date(value: pd.Timestamp) -> str:
    return f"{value.day} {value:%b %Y}"


def clean_text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def fatalities_text(row: Row) -> str:
    """Reported fatalities as the sources give them; an unknown figure is 'not reported', never 0."""
    reported = clean_text(row.get("fatalities_reported"))
    if reported and reported.lower() != "n/a":
        return reported
    number = row.get("fatalities")
    if number is not None and not pd.isna(number):
        return str(int(number))
    return NOT_REPORTED


def fatalities_line(row: Row) -> str:
    """The figure and, when known, who reported it."""
    fatalities = fatalities_text(row)
    by = clean_text(row.get("fatalities_reported_by"))
    return fatalities + (f" (reported by {by})" if by and fatalities != NOT_REPORTED else "")


def actors_text(row: Row) -> str:
    actors = " — ".join(a for a in (clean_text(row.get("actor1")), clean_text(row.get("actor2"))) if a)
    return actors or NOT_REPORTED


def place_text(row: Row) -> str:
    location = clean_text(row.get("location"))
    alt = clean_text(row.get("location_alt_names"))
    names = [n.strip() for n in alt.split(";") if n.strip() and n.strip() != location]
    return f"{location} ({' / '.join(names)})" if names else location


def region_text(row: Row) -> str:
    place = " · ".join(p for p in (clean_text(row.get("region")), clean_text(row.get("province"))) if p)
    if bool(row.get("on_border")):
        return (
            f"on the Armenia–Azerbaijan border ({row['border_distance_km']:.2f} km from the line, "
            f"drawn on the {place} side; too close to attribute to either side)"
        )
    if bool(row.get("snapped")):
        return f"{place} (point just outside the outline, placed in the nearest unit)"
    return place


def source_label(row: Row) -> str:
    """Outlet and headline, or 'source' when the row names neither."""
    return " — ".join(p for p in (clean_text(row.get("source")), clean_text(row.get("source_title"))) if p) or "source"
