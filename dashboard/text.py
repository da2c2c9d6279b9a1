"""How an event's fields read in words: dates, places, actors, reported figures, sources.

Plain text, no markup: the popups (HTML, escaped there), the packed layer (set as
textContent in the browser), the tables and the snapshots all read an event the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import numpy as np
import pandas as pd

from dashboard.vocab import GEO_PRECISION_LABELS, PRECISION_LEVELS, UCDP_WHERE_PREC_LEVELS, PrecisionLevel

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


def _level(value: object) -> int | None:
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def location_precision_text(row: Row) -> str:
    """How well the point is known, or "" when the row does not say.

    An exact point reads as its level ("1 · the named place"); any other says the location is
    approximate and what is known, by UCDP's where_prec where the row has one: "location
    approximate (precision 2: near Sotk)", "location approximate (UCDP where_prec 4: only the
    province is known)".
    """
    where_prec, precision = _level(row.get("ucdp_where_prec")), _level(row.get("geo_precision"))
    if where_prec is not None and where_prec in UCDP_WHERE_PREC_LEVELS:
        if where_prec == 1:
            return GEO_PRECISION_LABELS[1]
        scale, level, known = "UCDP where_prec", where_prec, UCDP_WHERE_PREC_LEVELS[where_prec].known
    elif precision is not None and precision in PRECISION_LEVELS:
        if precision == 1:
            return GEO_PRECISION_LABELS[1]
        scale, level, known = "precision", precision, PRECISION_LEVELS[precision].known
    else:
        return "" if precision is None else str(precision)
    return f"location approximate ({scale} {level}: {known.format(place=_near_what(row))})"


def location_precision_names_place(geo_precision: pd.Series, ucdp_where_prec: pd.Series | None) -> np.ndarray:
    """Per row, whether location_precision_text names the row's place (so depends on it), vectorised."""
    naming = [level for level, meaning in PRECISION_LEVELS.items() if "{place}" in meaning.known]
    naming_ucdp = [level for level, meaning in UCDP_WHERE_PREC_LEVELS.items() if "{place}" in meaning.known]
    by_project = geo_precision.isin(naming).to_numpy(dtype=bool)
    if ucdp_where_prec is None:
        return by_project
    ucdp = ucdp_where_prec.isin(list(UCDP_WHERE_PREC_LEVELS)).to_numpy(dtype=bool)
    return np.where(ucdp, ucdp_where_prec.isin(naming_ucdp).to_numpy(dtype=bool), by_project)


def _near_what(row: Row) -> str:
    """The place a "near …" names: the location without a "near" of its own ("Near Yeraskh …")."""
    location = clean_text(row.get("location"))
    if location.lower().startswith("near "):
        location = location[5:].strip()
    return location or "the named place"


def precision_radii_text() -> str:
    """The circles' radii per level in words: "precision 2: 5 km, 3: 25 km; UCDP where_prec 2: 25 km, …"."""

    def radii(levels: dict[int, PrecisionLevel]) -> str:
        return ", ".join(f"{level}: {m.radius_km:g} km" for level, m in levels.items() if m.radius_km is not None)

    return (
        f"precision {radii(PRECISION_LEVELS)}; UCDP where_prec {radii(UCDP_WHERE_PREC_LEVELS)} "
        "(UCDP 6, only the country known, and 7, international waters or airspace: none, the popup says so)"
    )
