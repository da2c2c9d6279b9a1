"""HTML for an event's popup and tooltip.

Every value from the data is escaped here, once, because Leaflet inserts
popups and tooltips as HTML; a source URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlparse

import pandas as pd

from dashboard.settings import EVENT_TYPE_COLOURS, GEO_PRECISION_LABELS

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


def _text(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def fatalities_text(row: Row) -> str:
    """Reported fatalities as the sources give them; an unknown figure is 'not reported', never 0."""
    reported = _text(row.get("fatalities_reported"))
    if reported and reported.lower() != "n/a":
        return reported
    number = row.get("fatalities")
    if number is not None and not pd.isna(number):
        return str(int(number))
    return NOT_REPORTED


def fatalities_line(row: Row) -> str:
    """The figure and, when known, who reported it."""
    fatalities = fatalities_text(row)
    by = _text(row.get("fatalities_reported_by"))
    return fatalities + (f" (reported by {by})" if by and fatalities != NOT_REPORTED else "")


def actors_text(row: Row) -> str:
    actors = " — ".join(a for a in (_text(row.get("actor1")), _text(row.get("actor2"))) if a)
    return actors or NOT_REPORTED


def place_text(row: Row) -> str:
    location = _text(row.get("location"))
    alt = _text(row.get("location_alt_names"))
    names = [n.strip() for n in alt.split(";") if n.strip() and n.strip() != location]
    return f"{location} ({' / '.join(names)})" if names else location


def region_text(row: Row) -> str:
    place = " · ".join(p for p in (_text(row.get("region")), _text(row.get("province"))) if p)
    if bool(row.get("on_border")):
        return (
            f"on the Armenia–Azerbaijan border ({row['border_distance_km']:.2f} km from the line, "
            f"drawn on the {place} side; too close to attribute to either side)"
        )
    if bool(row.get("snapped")):
        return f"{place} (point just outside the outline, placed in the nearest unit)"
    return place


def event_tooltip(row: Row) -> str:
    return html.escape(f"{format_date(row['event_date'])} · {row['event_type']} · {_text(row.get('location'))}")


def event_popup_html(row: Row) -> str:
    e = html.escape
    colour = EVENT_TYPE_COLOURS.get(row["event_type"], "#666666")
    lines = [
        '<div class="ccm-popup" style="font:13px/1.35 sans-serif;max-width:340px">',
        f'<div style="font-weight:600">{e(format_date(row["event_date"]))}'
        + (
            f' <span style="font-weight:400;color:#555">({e(_text(row.get("date_note")))})</span>'
            if _text(row.get("date_note"))
            else ""
        )
        + "</div>",
        f'<div><span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
        f'background:{colour};border:1px solid #333;margin-right:4px"></span>'
        f"{e(row['event_type'])}"
        + (f" · {e(_text(row.get('sub_event_type')))}" if _text(row.get("sub_event_type")) else "")
        + "</div>",
        _field("Place", place_text(row)),
        _field("Region", region_text(row)),
    ]
    precision = row.get("geo_precision")
    if precision is not None and not pd.isna(precision):
        lines.append(_field("Location precision", GEO_PRECISION_LABELS.get(int(precision), str(precision))))
    lines.append(_field("Actors", actors_text(row)))
    lines.append(_field("Fatalities", fatalities_line(row)))
    if _text(row.get("notes")):
        lines.append(f'<div style="margin-top:4px">{e(_text(row.get("notes")))}</div>')
    if _text(row.get("disputes")):
        lines.append(f'<div style="margin-top:4px"><b>Disputed:</b> {e(_text(row.get("disputes")))}</div>')
    lines.append(_source_html(row))
    lines.append("</div>")
    return "".join(lines)


def _field(label: str, value: str) -> str:
    return f'<div><span style="color:#555">{html.escape(label)}:</span> {html.escape(value)}</div>'


def source_label(row: Row) -> str:
    """Outlet and headline, or 'source' when the row names neither."""
    return " — ".join(p for p in (_text(row.get("source")), _text(row.get("source_title"))) if p) or "source"


def _source_html(row: Row) -> str:
    label = source_label(row)
    url = safe_url(row.get("source_url"))
    if url:
        body = (
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(label)}</a>"
        )
    else:
        raw = _text(row.get("source_url"))
        body = html.escape(label) + (f" ({html.escape(raw)}, not a web link)" if raw else "")
    return f'<div style="margin-top:4px"><span style="color:#555">Source:</span> {body}</div>'
