"""HTML for an event's popup and tooltip.

Every value from the data is escaped here, once, because Leaflet inserts
popups and tooltips as HTML; a source URL becomes a link only when it is http(s).
"""

from __future__ import annotations

import html

from dashboard.style import EVENT_TYPE_COLOURS, UNKNOWN_TYPE_COLOUR
from dashboard.summary.claims import CLAIM_LINE_SEPARATOR, CLAIMS_TEXT
from dashboard.text import (
    Row,
    actors_text,
    clean_text,
    fatalities_line,
    format_date,
    location_precision_text,
    place_text,
    region_text,
    safe_url,
    source_label,
)


def event_tooltip(row: Row) -> str:
    """The one-line hover text of an event (date, type, place), HTML-escaped."""
    return html.escape(f"{format_date(row['event_date'])} · {row['event_type']} · {clean_text(row.get('location'))}")


def event_popup_html(row: Row) -> str:
    """An event's popup: date, type, place, region, precision (approximate locations say so), actors,
    reported figures with who reported them, notes, disputes and the source (a link only for http(s));
    every value escaped.
    """
    e = html.escape
    colour = EVENT_TYPE_COLOURS.get(row["event_type"], UNKNOWN_TYPE_COLOUR)
    lines = [
        '<div class="ccm-popup">',
        f'<div class="ccm-popup-head">{e(format_date(row["event_date"]))}'
        + (
            f' <span class="ccm-muted">({e(clean_text(row.get("date_note")))})</span>'
            if clean_text(row.get("date_note"))
            else ""
        )
        + "</div>",
        f'<div><span class="ccm-swatch" style="background:{colour}"></span>'
        f"{e(row['event_type'])}"
        + (f" · {e(clean_text(row.get('sub_event_type')))}" if clean_text(row.get("sub_event_type")) else "")
        + "</div>",
        _field("Place", place_text(row)),
        _field("Region", region_text(row)),
    ]
    precision = location_precision_text(row)
    if precision:
        lines.append(_field("Location precision", precision))
    lines.append(_field("Actors", actors_text(row)))
    lines.append(_field("Fatalities", fatalities_line(row)))
    claims = clean_text(row.get(CLAIMS_TEXT))
    if claims:
        lines.append(
            '<div class="ccm-claims"><div class="ccm-muted">Casualty claims:</div>'
            + "".join(f'<div class="ccm-claim">{e(line)}</div>' for line in claims.split(CLAIM_LINE_SEPARATOR))
            + "</div>"
        )
    if clean_text(row.get("notes")):
        lines.append(f'<div class="ccm-gap">{e(clean_text(row.get("notes")))}</div>')
    if clean_text(row.get("disputes")):
        lines.append(f'<div class="ccm-gap"><b>Disputed:</b> {e(clean_text(row.get("disputes")))}</div>')
    lines.append(_source_html(row))
    lines.append("</div>")
    return "".join(lines)


def _field(label: str, value: str) -> str:
    return f'<div><span class="ccm-muted">{html.escape(label)}:</span> {html.escape(value)}</div>'


def _source_html(row: Row) -> str:
    label = source_label(row)
    url = safe_url(row.get("source_url"))
    if url:
        body = (
            f'<a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(label)}</a>"
        )
    else:
        raw = clean_text(row.get("source_url"))
        body = html.escape(label) + (f" ({html.escape(raw)}, not a web link)" if raw else "")
    return f'<div class="ccm-gap"><span class="ccm-muted">Source:</span> {body}</div>'
