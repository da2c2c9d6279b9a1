"""Figures per choropleth unit (province or border sector) and the classes that colour them.

Per unit: the shown events in it (by the join's ``province_code`` / ``border_sector``, never
recomputed from shapes), the reported killed (the sum of the events' single figures, the
``fatalities`` column of rule 5 in summary/claims.py; events without one are counted apart) and
the events per 1,000 km². Events in no unit are counted with the reason. Classes are quantiles of
the units that have events, rounded; a caller may pass its own (e.g. a diverging change map).
The rules are in data/README.md, "Choropleths".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard.style import NO_FIGURE, choropleth_palette
from dashboard.vocab import BORDER_SECTOR_KM, CHOROPLETH_CLASSES, CHOROPLETH_MEASURES, UNIT_COLUMNS, UNIT_WORDS

# Columns of UnitFigures.table, per unit: the figures a hover shows and a measure colours by.
FIGURE_COLUMNS = ("name", "events", "killed", "without_figure", "area_km2", "density")
INTEGER_MEASURES = frozenset({"events", "killed"})


@dataclass(frozen=True)
class UnitFigures:
    """The figures of every unit of one kind for a set of shown events."""

    kind: str  # a key of vocab.UNIT_COLUMNS
    table: pd.DataFrame  # indexed by unit id, FIGURE_COLUMNS; every unit, those without events included
    outside: dict[str, int]  # shown events in no unit, by reason (words), in the order they are said

    @property
    def shown(self) -> int:
        """The events counted: those in a unit plus those in none (every shown event, once)."""
        return int(self.table["events"].sum()) + sum(self.outside.values())

    def outside_note(self) -> str | None:
        """'3 shown events are in no border sector: 2 farther than 25 km from the border, 1 …', or None."""
        total = sum(self.outside.values())
        if not total:
            return None
        singular, _ = UNIT_WORDS[self.kind]
        verb = "is" if total == 1 else "are"
        reasons = ", ".join(f"{n:,} {reason}" for reason, n in self.outside.items() if n)
        return f"{total:,} shown event{'s' if total != 1 else ''} {verb} in no {singular}: {reasons}."

    def values(self, measure: str) -> pd.Series:
        """The figure a choropleth colours by (a key of vocab.CHOROPLETH_MEASURES), per unit."""
        if measure not in CHOROPLETH_MEASURES:
            raise ValueError(f"Unknown measure '{measure}'; use one of {', '.join(CHOROPLETH_MEASURES)}.")
        return self.table[measure]

    def hover_lines(self, unit: str) -> list[str]:
        """What hovering a unit shows, as plain text lines: its name and each figure, with its rule."""
        row = self.table.loc[unit].to_dict()
        events = int(row["events"])
        if not events:
            return [str(row["name"]), f"No shown events · {row['area_km2']:,.0f} km²"]
        missing = int(row["without_figure"])
        if pd.isna(row["killed"]):
            killed = f"Reported killed: no single figure for {'any of its events' if events > 1 else 'its event'}"
        else:
            killed = f"Reported killed: {int(row['killed']):,} (sum of the events' single figures"
            killed += f"; {missing:,} event{'s' if missing != 1 else ''} without one)" if missing else ")"
        return [
            str(row["name"]),
            f"{events:,} event{'s' if events != 1 else ''}",
            killed,
            f"{row['density']:,.2f} events per 1,000 km² ({row['area_km2']:,.0f} km²)",
        ]


def unit_figures(events: pd.DataFrame, units: gpd.GeoDataFrame | pd.DataFrame, kind: str) -> UnitFigures:
    """Per unit of ``units`` (indexed by unit id, with ``name`` and ``area_km2``; geo.units.unit_shapes):
    the shown ``events`` in it, their reported killed, and events per 1,000 km²; and the located
    events in no unit, by reason. Unmapped events (no coordinates) are not counted: they are not shown.
    """
    if kind not in UNIT_COLUMNS:
        raise ValueError(f"Unknown kind of unit '{kind}'; use one of {', '.join(UNIT_COLUMNS)}.")
    located = events[events["latitude"].notna()]
    unit = located[UNIT_COLUMNS[kind]].astype("string").fillna("")
    known = unit.isin(units.index)
    fatalities = pd.to_numeric(located["fatalities"], errors="coerce")
    frame = pd.DataFrame({"unit": unit[known], "killed": fatalities[known], "missing": fatalities[known].isna()})
    grouped = frame.groupby("unit", sort=False)
    table = pd.DataFrame(index=units.index)
    table["name"] = units["name"].astype(str)
    table["events"] = grouped.size().reindex(units.index, fill_value=0).astype(int)
    # No figure (NaN) where none of the unit's events has one: not 0 killed, but not known.
    table["killed"] = grouped["killed"].sum(min_count=1).reindex(units.index).astype(float)
    table.loc[table["events"] == 0, "killed"] = 0.0
    table["without_figure"] = grouped["missing"].sum().reindex(units.index, fill_value=0).astype(int)
    table["area_km2"] = units["area_km2"].astype(float)
    table["density"] = table["events"] / table["area_km2"] * 1000
    return UnitFigures(kind=kind, table=table, outside=_outside(located[~known], kind))


def _outside(events: pd.DataFrame, kind: str) -> dict[str, int]:
    """Why located events have no unit: far from the border, or outside both countries."""
    if events.empty:
        return {}
    if kind == "sectors":
        far = events["border_distance_km"].gt(BORDER_SECTOR_KM).fillna(False)
        return {f"farther than {BORDER_SECTOR_KM:g} km from the border": int(far.sum()), "other": int((~far).sum())}
    return {"outside Armenia and Azerbaijan": len(events)}


@dataclass(frozen=True)
class Classes:
    """Classed colours: class i holds the values from ``edges[i]`` up to, not including, ``edges[i + 1]``
    (the last class includes its upper edge). Built by ``quantile_classes`` or given by a caller."""

    edges: tuple[float, ...]  # len(colours) + 1, ascending
    colours: tuple[str, ...]
    labels: tuple[str, ...]  # one per class, as the legend says it

    def __post_init__(self) -> None:
        if len(self.edges) != len(self.colours) + 1 or len(self.labels) != len(self.colours):
            raise ValueError("Classes need one colour and one label per class and one edge more than classes.")

    def index(self, values: Sequence[float] | np.ndarray | pd.Series) -> np.ndarray:
        """The class of each value (0 = lowest), -1 for a missing value or one outside the edges."""
        array = np.asarray(values, dtype=float)
        found = np.searchsorted(np.asarray(self.edges), array, side="right") - 1
        found = np.where(array == self.edges[-1], len(self.colours) - 1, found)
        inside = (array >= self.edges[0]) & (array <= self.edges[-1]) & ~np.isnan(array)
        return np.where(inside, found, -1)

    def colours_of(self, values: Sequence[float] | np.ndarray | pd.Series, missing: str) -> list[str]:
        """Each value's class colour, ``missing`` where it has none."""
        return [self.colours[i] if i >= 0 else missing for i in self.index(values)]


def _nice(value: float) -> float:
    """``value`` rounded to two significant figures."""
    if value <= 0:
        return 0.0
    digits = 1 - math.floor(math.log10(value))
    return round(value, digits)


def quantile_classes(
    values: Sequence[float] | np.ndarray | pd.Series,
    integer: bool,
    classes: int = CHOROPLETH_CLASSES,
    palette: Sequence[str] | None = None,
) -> Classes | None:
    """Up to ``classes`` quantile classes of ``values`` (each holding about as many units), inner edges
    rounded to two significant figures (whole numbers when ``integer``); fewer classes where values
    repeat. The colours are ``palette`` (as many as the classes found) or style.choropleth_palette.
    None when there is no value.
    """
    array = np.sort(np.asarray(values, dtype=float))
    array = array[~np.isnan(array)]
    if not len(array):
        return None
    low, high = float(array[0]), float(array[-1])
    inner = np.quantile(array, np.linspace(0, 1, classes + 1)[1:-1])
    rounded = [float(math.ceil(q)) if integer else _nice(float(q)) for q in inner]
    edges = sorted({low, high, *(q for q in rounded if low < q < high)})
    if len(edges) == 1:
        edges = [low, high]
    colours = tuple(palette) if palette is not None else choropleth_palette(len(edges) - 1)
    if len(colours) != len(edges) - 1:
        raise ValueError(f"The palette has {len(colours)} colours for {len(edges) - 1} classes.")
    return Classes(edges=tuple(edges), colours=colours, labels=class_labels(edges, integer))


def class_labels(edges: Sequence[float], integer: bool) -> tuple[str, ...]:
    """'1–2', '3–9', '10–24' for whole numbers (each class up to the next edge less one); '0.12–0.5' else."""
    labels = []
    last = len(edges) - 2
    for i in range(len(edges) - 1):
        low, high = edges[i], edges[i + 1]
        if integer:
            top = int(high) if i == last else int(high) - 1
            labels.append(f"{int(low):,}" if top <= low else f"{int(low):,}–{top:,}")
        else:
            labels.append(f"{_number(low)}–{_number(high)}")
    return tuple(labels)


def _number(value: float) -> str:
    """A figure of a legend: two significant figures, at least, without trailing zeros."""
    if value == 0:
        return "0"
    digits = max(0, 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:,.0f}"


@dataclass(frozen=True)
class Choropleth:
    """What a choropleth draws: per unit its class colour (None: no shown events; style.NO_FIGURE's
    fill: events, but no figure to colour by), the classes for the legend, and the legend's title."""

    kind: str
    measure: str
    figures: UnitFigures
    classes: Classes | None  # None when no unit has an event
    colours: dict[str, str | None]  # unit id -> class colour, None for a unit without events
    without_figure: int = 0  # units with events but no figure for the measure (reported killed unknown)

    @property
    def title(self) -> str:
        """The legend's title: 'Events per border sector', 'Reported killed per province' …"""
        singular, _ = UNIT_WORDS[self.kind]
        measure = CHOROPLETH_MEASURES[self.measure]
        return f"{measure}, per {singular}" if self.measure == "density" else f"{measure} per {singular}"


def choropleth(figures: UnitFigures, measure: str, classes: Classes | None = None) -> Choropleth:
    """Colour the units of ``figures`` by ``measure``: by ``classes`` if given, else by quantile classes
    of the units that have events. Units without shown events get no class ("no events")."""
    values = figures.values(measure)
    with_events = figures.table["events"] > 0
    known = with_events & values.notna()
    if classes is None:
        classes = quantile_classes(values[known], integer=measure in INTEGER_MEASURES)
    colours: dict[str, str | None] = dict.fromkeys(figures.table.index)
    for unit in values.index[with_events & ~known]:
        colours[unit] = NO_FIGURE.fill
    if classes is not None:
        for unit, index in zip(values.index[known], classes.index(values[known]), strict=True):
            colours[unit] = classes.colours[index] if index >= 0 else None
    return Choropleth(
        kind=figures.kind,
        measure=measure,
        figures=figures,
        classes=classes,
        colours=colours,
        without_figure=int((with_events & ~known).sum()),
    )
