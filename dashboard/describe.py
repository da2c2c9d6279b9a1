"""Words for a selection: titles, filter captions and file names, shared by the app and exports."""

from __future__ import annotations

import datetime as dt
import re

from dashboard.filters import Counts, EventFilter
from dashboard.vocab import GEO_PRECISION_LABELS, NK_BOUNDARIES


def period_text(start: dt.date | None, end: dt.date | None) -> str:
    """'12–14 Sep 2022', '28 Sep – 10 Nov 2020', '27 Sep 2020 – 13 Feb 2024', 'all dates'."""
    if start is None:
        return "all dates" if end is None else f"until {end.day} {end:%b %Y}"
    if end is None:
        return f"from {start.day} {start:%b %Y}"
    if start == end:
        return f"{start.day} {start:%b %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{end.day} {end:%b %Y}"
    if start.year == end.year:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"


def default_title(flt: EventFilter) -> str:
    """E.g. 'Events 12–14 Sep 2022 · Armenia, Nagorno-Karabakh'."""
    parts = [f"Events {period_text(flt.start, flt.end)}"]
    if flt.regions is not None:
        parts.append(", ".join(flt.regions) if flt.regions else "no region")
    if flt.event_types is not None and len(flt.event_types) <= 3:
        parts.append(", ".join(flt.event_types) if flt.event_types else "no type")
    return " · ".join(parts)


def filter_lines(flt: EventFilter, nk_boundary: str) -> list[str]:
    """One line per active filter part, plus the Nagorno-Karabakh boundary used."""
    lines = [f"Period: {period_text(flt.start, flt.end)}"]
    if flt.event_types is not None:
        lines.append(f"Event types: {', '.join(flt.event_types) or 'none'}")
    if flt.regions is not None:
        lines.append(f"Regions: {', '.join(flt.regions) or 'none'}")
    if flt.province_codes is not None:
        lines.append(f"Provinces: {', '.join(flt.province_codes)}")
    if flt.actors is not None:
        lines.append(f"Actors: {'; '.join(flt.actors)}")
    if flt.text.strip():
        lines.append(f"Text contains: “{flt.text.strip()}”")
    if flt.min_fatalities:
        lines.append(f"At least {flt.min_fatalities} reported fatalities (single sourced figure)")
    if flt.geo_precisions is not None:
        lines.append("Location precision: " + ", ".join(GEO_PRECISION_LABELS[p] for p in flt.geo_precisions))
    if flt.max_border_km is not None:
        lines.append(f"Within {flt.max_border_km:g} km of the international border")
    if flt.near is not None:
        lines.append("Place: " + flt.near.describe())
    if flt.area is not None:
        lines.append("Area: " + flt.area.describe())
    if flt.border_sectors is not None:
        lines.append(f"Border sectors: {'; '.join(flt.border_sectors) or 'none'}")
    lines.append(f"Nagorno-Karabakh boundary: {NK_BOUNDARIES[nk_boundary][1]}")
    return lines


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def export_filename(flt: EventFilter, extension: str, suffix: str = "") -> str:
    """E.g. 'events_2022-09-12_2022-09-14_armenia.png': period, regions, types when narrowed."""
    parts = ["events"]
    if flt.start or flt.end:
        parts.append(flt.start.isoformat() if flt.start else "start")
        parts.append(flt.end.isoformat() if flt.end else "end")
    if flt.regions is not None:
        parts.append("-".join(_slug(r) for r in flt.regions) or "no-region")
    if flt.event_types is not None:
        types = [_slug(t) for t in flt.event_types]
        parts.append("-".join(types) if len(types) <= 3 else f"{len(types)}-types")
    if flt.near is not None:
        parts.append(f"{flt.near.radius_km:g}km-{_slug(flt.near.place)}")
    if suffix:
        parts.append(_slug(suffix))
    return "_".join(parts) + "." + extension.lstrip(".")


def selection_summary(counts: Counts, flt: EventFilter) -> str:
    """The one-line summary above the map, in Markdown."""
    period = period_text(flt.start, flt.end)
    regions = ", ".join(flt.regions) if flt.regions is not None else "all regions"
    if flt.near is not None:  # the place's name may come from an uploaded file
        regions += " · " + literal_markdown(flt.near.describe())
    if flt.area is not None:  # a file's name is the analyst's
        regions += " · " + literal_markdown("inside " + flt.area.name)
    noun = "event" if counts.shown == 1 else "events"
    return f"**{counts.shown:,} {noun}** · {period} · {regions} · {counts.unmapped:,} unmapped"


# What Streamlit's Markdown reads as markup: CommonMark punctuation, :emoji:/:colour[...]: and $math$.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def literal_markdown(text: str) -> str:
    """``text`` escaped so that Markdown shows it as typed: a file or column name such as
    ``![x](http://host/beacon)`` stays text instead of becoming an image the browser fetches."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
