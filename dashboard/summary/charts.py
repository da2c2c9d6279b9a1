"""Summaries of the filtered events: timeline, counts by region and type, key figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import altair as alt
import pandas as pd

from dashboard.style import EVENT_TYPE_COLOURS
from dashboard.text import format_date
from dashboard.vocab import KEY_DATES, REGIONS

# The timeline counts days over short spans, weeks over a few years and months beyond:
# a bar stays a few pixels wide, and the chart stays light enough to redraw on every filter change.
DAILY_MAX_SPAN_DAYS = 120
WEEKLY_MAX_SPAN_DAYS = 3 * 365


@dataclass(frozen=True)
class KeyFigures:
    events: int
    localities: int
    days: int


def key_figures(events: pd.DataFrame) -> KeyFigures:
    return KeyFigures(
        events=len(events),
        localities=int(events["location"].nunique()),
        days=int(events["event_date"].dt.normalize().nunique()),
    )


def timeline_counts(events: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Events per day, week or month (by span) and type: columns period, event_type, events."""
    if events.empty:
        return pd.DataFrame(columns=["period", "event_type", "events"]), "day"
    span = (events["event_date"].max() - events["event_date"].min()).days
    unit = "day" if span <= DAILY_MAX_SPAN_DAYS else "week" if span <= WEEKLY_MAX_SPAN_DAYS else "month"
    dates = events["event_date"].dt.normalize()
    if unit == "day":
        period = dates
    elif unit == "week":
        period = dates - pd.to_timedelta(dates.dt.day_of_week, unit="D")
    else:
        period = dates - pd.to_timedelta(dates.dt.day - 1, unit="D")
    counts = (
        events.assign(period=period)
        .groupby(["period", "event_type"], observed=True)
        .size()
        .rename("events")
        .reset_index()
    )
    return counts, unit


TIMELINE_BRUSH = "timeline_brush"  # the interval selection dragged on the timeline's x axis


def timeline_chart(events: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Stacked bars per day or week in the type colours, with the conflict's key dates as rules;
    a range dragged along the x axis is the selection ``TIMELINE_BRUSH`` (a double click clears it)."""
    counts, unit = timeline_counts(events)
    colour = alt.Color(
        "event_type:N",
        title="Event type",
        scale=alt.Scale(domain=list(EVENT_TYPE_COLOURS), range=list(EVENT_TYPE_COLOURS.values())),
    )
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title={"day": "Day", "week": "Week starting", "month": "Month"}[unit]),
            y=alt.Y("sum(events):Q", title=f"Events per {unit}"),
            color=colour,
            tooltip=[
                alt.Tooltip("period:T", title=unit.capitalize(), format="%b %Y" if unit == "month" else "%-d %b %Y"),
                "event_type:N",
                "events:Q",
            ],
        )
        .add_params(alt.selection_interval(name=TIMELINE_BRUSH, encodings=["x"]))
    )
    layers: list[alt.Chart] = [bars]
    if not counts.empty:
        lo, hi = counts["period"].min(), counts["period"].max() + pd.Timedelta(days=31 if unit == "month" else 7)
        marks = pd.DataFrame(
            [{"date": pd.Timestamp(d), "label": label} for d, label in KEY_DATES.items() if lo <= pd.Timestamp(d) <= hi]
        )
        if not marks.empty:
            layers.append(
                alt.Chart(marks)
                .mark_rule(color="#555", strokeDash=[3, 3], strokeWidth=1)
                .encode(x="date:T", tooltip=[alt.Tooltip("date:T", title="Date"), "label:N"])
            )
    return alt.layer(*layers).properties(height=220)


def brushed_dates(selection: object) -> tuple[dt.date, dt.date] | None:
    """The days a timeline brush spans, from the chart's selection state as Streamlit returns it
    ({"selection": {TIMELINE_BRUSH: {"period": [start, end]}}}, times in epoch milliseconds or ISO
    text); None when nothing is brushed or the state is not one."""
    try:
        span = selection["selection"][TIMELINE_BRUSH]["period"]  # type: ignore[index]
        start, end = (pd.Timestamp(v, unit="ms") if isinstance(v, int | float) else pd.Timestamp(v) for v in span)
    except (KeyError, TypeError, ValueError):
        return None
    if pd.isna(start) or pd.isna(end):
        return None
    first, last = sorted((start.date(), end.date()))
    return first, last


def counts_by_region_and_type(events: pd.DataFrame) -> pd.DataFrame:
    """A region × type table of event counts with totals, regions in their fixed order."""
    table = pd.crosstab(events["region"], events["event_type"])
    table = table.reindex([r for r in REGIONS if r in table.index])
    table = table[[t for t in EVENT_TYPE_COLOURS if t in table.columns]]
    table["Total"] = table.sum(axis=1)
    table.index.name = "Region"
    table.columns.name = None
    return table


def counts_by_province_and_type(events: pd.DataFrame) -> pd.DataFrame:
    """A province × type table of event counts with totals (province names with their ISO code), busiest
    first; events in no province are left out (they are counted as Outside by region)."""
    placed = events[events["province"].fillna("").ne("")]
    if placed.empty:
        return pd.DataFrame(columns=["Total"], index=pd.Index([], name="Province"))
    names = placed["province"].astype(str) + " (" + placed["province_code"].fillna("").astype(str) + ")"
    table = pd.crosstab(names.str.replace(" ()", "", regex=False), placed["event_type"])
    table = table[[t for t in EVENT_TYPE_COLOURS if t in table.columns]]
    table["Total"] = table.sum(axis=1)
    table = table.sort_values("Total", ascending=False, kind="stable")
    table.index.name = "Province"
    table.columns.name = None
    return table


def counts_by_sector_and_type(events: pd.DataFrame) -> pd.DataFrame:
    """A border sector × type table of event counts with totals, busiest sector first (empty if none)."""
    near = events[events["border_sector"].fillna("").ne("")]
    if near.empty:
        return pd.DataFrame(columns=["Total"], index=pd.Index([], name="Border sector"))
    table = pd.crosstab(near["border_sector"], near["event_type"])
    table = table[[t for t in EVENT_TYPE_COLOURS if t in table.columns]]
    table["Total"] = table.sum(axis=1)
    table = table.sort_values("Total", ascending=False, kind="stable")
    table.index.name = "Border sector"
    table.columns.name = None
    return table


def key_dates_caption() -> str:
    """What the timeline's dashed lines mark, from the same table the chart draws."""
    marks = (f"{label} ({format_date(pd.Timestamp(day))})" for day, label in KEY_DATES.items())
    return "Dashed lines: " + "; ".join(marks) + "."
