"""Filter joined events and account for every row of the file.

A filter applies to mapped events only; unmapped and rejected rows, and rows outside the study
area, are counted on their own, so that shown + filtered out + unmapped + rejected + outside the
study area (+ duplicates merged) = rows in file.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from dashboard.geo.areas import Area
from dashboard.geo.places import distance_km

SEARCHED_COLUMNS = (
    "location",
    "location_alt_names",
    "notes",
    "disputes",
    "source",
    "source_title",
    "actor1",
    "actor2",
    "fatalities_reported_by",
)
ACTOR_SEPARATOR = ";"
DEFAULT_RADIUS_KM = 10.0  # "events near a place": the dashboard's and the CLI's default radius
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 300.0


@dataclass(frozen=True)
class Near:
    """Events within ``radius_km`` (great-circle) of a place the analyst chose from the gazetteer."""

    place: str
    longitude: float
    latitude: float
    radius_km: float

    def describe(self) -> str:
        """'within 10 km of Jermuk (39.8395 N, 45.6711 E)': the words filter lines and exports use."""
        return f"within {self.radius_km:g} km of {self.place} ({self.latitude:.4f} N, {self.longitude:.4f} E)"


@dataclass(frozen=True)
class EventFilter:
    """What the analyst asked for. ``None`` (or empty text) leaves that part unrestricted;
    an empty tuple allows nothing."""

    start: dt.date | None = None
    end: dt.date | None = None
    event_types: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None
    province_codes: tuple[str, ...] | None = None
    actors: tuple[str, ...] | None = None
    text: str = ""
    min_fatalities: int | None = None
    geo_precisions: tuple[int, ...] | None = None
    max_border_km: float | None = None
    near: Near | None = None
    border_sectors: tuple[str, ...] | None = None
    area: Area | None = None  # only events inside this polygon (geo.areas)


@dataclass(frozen=True)
class Counts:
    """Where every row of the input went; the parts always add up to ``total``, the rows in the file(s)."""

    shown: int
    filtered_out: int
    unmapped: int
    rejected: int
    duplicates: int = 0  # exact repeats dropped when files are merged
    blank: int = 0  # blank lines skipped: not rows, but said so that the file's lines add up
    outside: int = 0  # rows outside the study area (load/studyarea.py): counted, never loaded
    total: int = field(init=False)

    def __post_init__(self) -> None:
        total = self.shown + self.filtered_out + self.unmapped + self.rejected + self.duplicates + self.outside
        object.__setattr__(self, "total", total)

    def line(self) -> str:
        """The accounting every view and export states: its parts always add up to the rows in the file."""
        merged = f" · {self.duplicates:,} duplicates merged" if self.duplicates else ""
        outside = f" · {self.outside:,} outside the study area" if self.outside else ""
        blank = f" ({self.blank:,} blank line{'s' if self.blank != 1 else ''} skipped)" if self.blank else ""
        return (
            f"{self.shown:,} shown · {self.filtered_out:,} filtered out · {self.unmapped:,} unmapped · "
            f"{self.rejected:,} rejected{outside}{merged} = {self.total:,} rows in file{blank}"
        )


def filter_mask(events: pd.DataFrame, flt: EventFilter, include_unmapped: bool = False) -> pd.Series:
    """True for mapped events that pass every part of the filter.

    With ``include_unmapped``, events without a point count too when they pass: an area-wide row
    is an event of the period, though it cannot pass a filter on where (region, place, distance…).
    """
    mask = pd.Series(True, index=events.index) if include_unmapped else events["latitude"].notna()
    dates = events["event_date"]
    if flt.start is not None:
        mask &= dates >= pd.Timestamp(flt.start)
    if flt.end is not None:
        mask &= dates <= pd.Timestamp(flt.end)
    if flt.event_types is not None:
        mask &= events["event_type"].isin(flt.event_types)
    if flt.regions is not None:
        mask &= events["region"].isin(flt.regions).fillna(False)
    if flt.province_codes is not None:
        mask &= events["province_code"].isin(flt.province_codes).fillna(False)
    if flt.actors is not None:
        mask &= _actors_match(events, set(flt.actors))
    if flt.text.strip():
        mask &= _text_match(events, flt.text.strip())
    if flt.min_fatalities is not None and flt.min_fatalities > 0:
        # An unknown figure is not known to reach the minimum.
        mask &= (events["fatalities"] >= flt.min_fatalities).fillna(False)
    if flt.geo_precisions is not None:
        mask &= events["geo_precision"].isin(flt.geo_precisions).fillna(False)
    if flt.max_border_km is not None:
        mask &= (events["border_distance_km"] <= flt.max_border_km).fillna(False)
    if flt.border_sectors is not None:
        mask &= events["border_sector"].isin(flt.border_sectors).fillna(False)
    if flt.area is not None:
        lon, lat = events["longitude"].to_numpy(dtype=float), events["latitude"].to_numpy(dtype=float)
        mask &= pd.Series(flt.area.contains(lon, lat), index=events.index)
    if flt.near is not None:
        near = flt.near
        within = distance_km(events["longitude"], events["latitude"], near.longitude, near.latitude) <= near.radius_km
        mask &= pd.Series(within, index=events.index)  # NaN coordinates compare False
    return mask.astype(bool)


def split_actors(value: str) -> list[str]:
    """The actors named in one actor cell (several are separated by ';')."""
    return [part.strip() for part in str(value).split(ACTOR_SEPARATOR) if part.strip()]


def actor_names(events: pd.DataFrame) -> list[str]:
    """Every actor named in actor1/actor2, split on ';', sorted."""
    names: set[str] = set()
    for column in ("actor1", "actor2"):
        for value in events[column].dropna().unique():
            names.update(split_actors(value))
    return sorted(names, key=str.casefold)


def province_options(events: pd.DataFrame) -> dict[str, str]:
    """Province code -> 'Country · Province (code)', grouped by country, for units that have events."""
    # Three columns, not the whole table: copying a million events' every column took seconds.
    named = events[["province_code", "country", "province"]]
    named = named[named["province_code"].notna() & named["province_code"].ne("")]
    units = named.drop_duplicates("province_code").sort_values(["country", "province"])
    return {
        str(row.province_code): f"{row.country} · {row.province} ({row.province_code})" for row in units.itertuples()
    }


@dataclass(frozen=True)
class FilterChoices:
    """What the filter widgets offer for one table: its period, actors, provinces, largest border distance."""

    first: dt.date
    last: dt.date
    actors: list[str]
    provinces: dict[str, str]
    border_km_max: int
    sectors: list[str]  # border sectors that have events, by number of events


def filter_choices(events: pd.DataFrame) -> FilterChoices:
    """Computed once per table (the app caches it), not on every filter change."""
    return FilterChoices(
        first=events["event_date"].min().date(),
        last=events["event_date"].max().date(),
        actors=actor_names(events),
        provinces=province_options(events),
        border_km_max=max(1, math.ceil(events["border_distance_km"].max(skipna=True) or 1)),
        sectors=sector_options(events),
    )


def sector_options(events: pd.DataFrame) -> list[str]:
    """The border sectors named in ``events``, most events first."""
    named = events.loc[events["border_sector"].fillna("").ne(""), "border_sector"]
    counts = named.value_counts()
    return sorted(counts.index.astype(str), key=lambda sector: (-int(counts[sector]), sector))


def _actors_match(events: pd.DataFrame, wanted: set[str]) -> pd.Series:
    def involves(row: tuple[str, str]) -> bool:
        return any(name in wanted for value in row for name in split_actors(value))

    pairs = zip(events["actor1"].fillna(""), events["actor2"].fillna(""), strict=True)
    return pd.Series([involves(p) for p in pairs], index=events.index, dtype=bool)


def _text_match(events: pd.DataFrame, text: str) -> pd.Series:
    needle = text.casefold()
    hit = np.zeros(len(events), dtype=bool)
    for column in SEARCHED_COLUMNS:
        if column in events:
            hit |= events[column].fillna("").str.casefold().str.contains(needle, regex=False).to_numpy()
    return pd.Series(hit, index=events.index)


def count_rows(
    events: pd.DataFrame,
    mask: pd.Series,
    n_rejected: int,
    n_duplicates: int = 0,
    n_blank: int = 0,
    n_outside: int = 0,
) -> Counts:
    """The accounting for ``events`` (all accepted rows) when ``mask`` selects the shown ones."""
    mapped = int(events["latitude"].notna().sum())
    shown = int(mask.sum())
    return Counts(
        shown=shown,
        filtered_out=mapped - shown,
        unmapped=len(events) - mapped,
        rejected=n_rejected,
        duplicates=n_duplicates,
        blank=n_blank,
        outside=n_outside,
    )


FILTER_LABELS = {
    "start": "start date",
    "end": "end date",
    "event_types": "event type",
    "regions": "region",
    "province_codes": "province",
    "actors": "actor",
    "text": "text search",
    "min_fatalities": "minimum fatalities",
    "area": "area",
    "geo_precisions": "location precision",
    "max_border_km": "distance to the border",
    "near": "place and radius",
    "border_sectors": "border sector",
}


def emptying_filters(events: pd.DataFrame, flt: EventFilter) -> list[str]:
    """Labels of the filter parts that on their own leave no mapped event (to say what emptied a view)."""
    blank = EventFilter()
    labels = []
    for name, label in FILTER_LABELS.items():
        value = getattr(flt, name)
        if value == getattr(blank, name):
            continue
        if not filter_mask(events, replace(blank, **{name: value})).any():
            labels.append(label)
    return labels
