"""Many events in a compact form that the browser draws itself (the packed event layer).

A Leaflet marker per event costs hundreds of bytes of page and several DOM
objects, so above a few thousand events the map stops drawing markers. This
encoding keeps each event to about a dozen bytes, however long its texts:

* events at one place (same point, name, region and precision) share a
  location record: ACLED-style data codes most events to named places;
* text that repeats (place names, regions, actors, sources, fatality figures)
  is sent once in a dictionary and referenced by index;
* every column is a little-endian typed array of the narrowest unsigned
  integer type that holds it, in base64.

``dashboard/webmap/static/js/packed-events.js`` decodes it, clusters on the client and
builds popups with ``textContent``, so no text from the data is parsed as HTML.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Literal, TypedDict, cast

import numpy as np
import pandas as pd

from dashboard.style import EVENT_TYPE_COLOURS, marker_radius
from dashboard.summary.claims import CLAIMS_TEXT
from dashboard.text import (
    Row,
    actors_text,
    clean_text,
    fatalities_line,
    location_precision_names_place,
    location_precision_text,
    place_text,
    region_text,
    safe_url,
    source_label,
)
from dashboard.vocab import EVENT_TYPES

COORD_SCALE = 100_000  # 1e-5 degrees, about a metre: finer than any source's coordinates
UNSIGNED_TYPES: dict[Literal["u8", "u16", "u32"], type[np.unsignedinteger]] = {
    "u8": np.uint8,
    "u16": np.uint16,
    "u32": np.uint32,
}

# Raised whenever the layout below changes; packed-events.js refuses a version it does not know.
PACKED_VERSION: Final = 2


class Column(TypedDict):
    """One integer column: its typed-array name and its zlib-compressed little-endian bytes in base64."""

    t: Literal["u8", "u16", "u32"]
    z: str


class LocationColumns(TypedDict):
    """Per location record (events at one point, name, region and precision)."""

    x: Column  # longitude * scale - x0
    y: Column  # latitude * scale - y0
    place: Column  # index into places
    region: Column  # index into regions
    precision: Column  # index into precisions


class EventColumns(TypedDict):
    """Per event, in date order."""

    loc: Column  # index of the event's location record
    day: Column  # days since day0
    type: Column  # index into types
    actors: Column  # index into actors
    fatal: Column  # index into fatalities
    source: Column  # index into sources


class Packed(TypedDict):
    """The packed layer's payload: the contract with packed-events.js (its PackedEvents typedef).

    Pinned by tests/webmap/test_packing.py, which decodes it as the browser does.
    """

    version: int
    n: int  # events
    scale: int  # coordinates are integers of degrees * scale
    x0: int
    y0: int
    day0: str  # ISO date of day 0
    types: list[list[str]]  # [name, colour] per type code
    places: list[object]
    regions: list[object]
    precisions: list[object]  # [popup text, radius of the circle of uncertainty in metres (0: none)] per code
    actors: list[object]
    fatalities: list[object]  # [text, marker radius, claims one per line] per code
    sources: list[object]  # [label, http(s) URL or null] per code
    loc: LocationColumns
    ev: EventColumns


PACKED_COLUMNS = (
    "event_date",
    "event_type",
    "latitude",
    "longitude",
    "location",
    "location_alt_names",
    "geo_precision",
    "ucdp_where_prec",
    "precision_km",
    "region",
    "province",
    "on_border",
    "snapped",
    "border_distance_km",
    "actor1",
    "actor2",
    "fatalities",
    "fatalities_reported",
    "fatalities_reported_by",
    CLAIMS_TEXT,
    "source",
    "source_title",
    "source_url",
)


def encode_column(values: np.ndarray) -> Column:
    """Non-negative integers as {"t": type name, "z": base64 of the zlib-compressed little-endian array}.

    Sorted dates, repeated places and few types compress several-fold; browsers
    inflate with the built-in DecompressionStream("deflate").
    """
    values = np.asarray(values, dtype=np.int64)
    if values.size and values.min() < 0:
        raise ValueError("only non-negative integers can be packed")
    top = int(values.max()) if values.size else 0
    for name, kind in UNSIGNED_TYPES.items():
        if top <= np.iinfo(kind).max:
            data = zlib.compress(values.astype(np.dtype(kind).newbyteorder("<")).tobytes(), 1)
            return {"t": name, "z": base64.b64encode(data).decode("ascii")}
    raise ValueError(f"{top} does not fit in 32 bits")


def _dictionary(
    frame: pd.DataFrame, columns: Sequence[str], render: Callable[[Row], object]
) -> tuple[np.ndarray, list[object]]:
    """Index of each row into the distinct renderings of ``columns``.

    ``render`` runs once per distinct combination of the columns, not per row,
    and returns something hashable (a string or a tuple, which JSON makes a list).
    """
    present = [c for c in columns if c in frame.columns]
    if not present or frame.empty:
        return np.zeros(len(frame), dtype=np.int64), [render({})] if len(frame) else []
    groups = frame.groupby(present, sort=False, dropna=False).ngroup().to_numpy()
    _, first_rows = np.unique(groups, return_index=True)
    rendered = [render(cast(Row, row)) for row in frame[present].iloc[first_rows].to_dict("records")]
    # Different combinations can render alike (e.g. a number and the same number as text).
    codes, values = pd.factorize(pd.Series(rendered, dtype=object), use_na_sentinel=False)
    return codes[groups], list(values)


def _region_keys(events: pd.DataFrame) -> pd.DataFrame:
    """The columns region_text reads, with the border distance only where it is shown."""
    keys = events.reindex(columns=["region", "province", "on_border", "snapped", "border_distance_km"])
    keys["border_distance_km"] = keys["border_distance_km"].where(keys["on_border"].eq(True))
    return keys


PRECISION_KEYS = ("geo_precision", "ucdp_where_prec", "precision_km", "location")


def _precision_keys(events: pd.DataFrame) -> pd.DataFrame:
    """The columns location_precision_text reads, with the place only where the text names it
    ("near Sotk"): exact and area-wide places then share one dictionary entry."""
    keys = events.reindex(columns=list(PRECISION_KEYS))
    names_place = location_precision_names_place(keys["geo_precision"], events.get("ucdp_where_prec"))
    keys["location"] = keys["location"].where(names_place)
    return keys


def _precision(row: Row) -> tuple[str, int]:
    """The popup's precision text and the circle of uncertainty's radius in whole metres (0: none)."""
    km = row.get("precision_km")
    return location_precision_text(row), 0 if km is None or pd.isna(km) else round(float(km) * 1000)


def _source(row: Row) -> tuple[str, str | None]:
    return source_label(row), safe_url(row.get("source_url"))


def _fatalities(row: Row) -> tuple[str, float, str]:
    return fatalities_line(row), marker_radius(row.get("fatalities")), clean_text(row.get(CLAIMS_TEXT))


@dataclass(frozen=True)
class EventCodes:
    """The located events of a table, encoded once; any selection of them is packed from this.

    Per event (in table order, labelled by ``index``): its location, day and
    codes into the dictionaries. Per location: the scaled point and codes for
    place, region and precision.
    """

    index: pd.Index
    location: np.ndarray
    day: np.ndarray  # days since 1970-01-01
    codes: dict[str, np.ndarray]  # type, actors, fatal, source
    location_columns: dict[str, np.ndarray]  # x, y, place, region, precision
    dictionaries: dict[str, list[object]]  # places, regions, precisions, actors, fatalities, sources


def encode_events(events: pd.DataFrame) -> EventCodes:
    """Dictionaries and codes for every located event (the slow, once-per-table half of packing)."""
    located = events.loc[events["latitude"].notna(), [c for c in PACKED_COLUMNS if c in events.columns]]
    x = np.rint(located["longitude"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)
    y = np.rint(located["latitude"].to_numpy(dtype=float) * COORD_SCALE).astype(np.int64)
    place, places = _dictionary(located, ["location", "location_alt_names"], place_text)
    region, regions = _dictionary(
        _region_keys(located), ["region", "province", "on_border", "snapped", "border_distance_km"], region_text
    )
    precision, precisions = _dictionary(_precision_keys(located), list(PRECISION_KEYS), _precision)
    keys = pd.DataFrame({"x": x, "y": y, "place": place, "region": region, "precision": precision})
    location = keys.groupby(list(keys), sort=False).ngroup().to_numpy()
    _, first = np.unique(location, return_index=True)
    actors, actor_texts = _dictionary(located, ["actor1", "actor2"], actors_text)
    fatal, fatal_texts = _dictionary(
        located, ["fatalities", "fatalities_reported", "fatalities_reported_by", CLAIMS_TEXT], _fatalities
    )
    source, sources = _dictionary(located, ["source", "source_title", "source_url"], _source)
    return EventCodes(
        index=located.index,
        location=location,
        day=located["event_date"].to_numpy().astype("datetime64[D]").astype(np.int64),
        codes={
            "type": pd.Categorical(located["event_type"], categories=EVENT_TYPES).codes.astype(np.int64),
            "actors": actors,
            "fatal": fatal,
            "source": source,
        },
        location_columns={name: keys[name].to_numpy()[first] for name in keys.columns},
        dictionaries={
            "places": places,
            "regions": regions,
            "precisions": precisions,
            "actors": actor_texts,
            "fatalities": fatal_texts,
            "sources": sources,
        },
    )


def _compact(codes: np.ndarray, values: list[object]) -> tuple[np.ndarray, list[object]]:
    """Codes renumbered over only the values they use, and those values."""
    used, renumbered = np.unique(codes, return_inverse=True)
    return renumbered, [values[i] for i in used]


def pack_selection(encoded: EventCodes, labels: pd.Index) -> Packed:
    """The events with these index labels (unlocated ones are skipped), in date order, as a JSON-ready dict."""
    positions = encoded.index.get_indexer(labels)
    positions = np.sort(positions[positions >= 0])
    positions = positions[np.argsort(encoded.day[positions], kind="stable")]
    words = encoded.dictionaries
    used_locations, location = np.unique(encoded.location[positions], return_inverse=True)
    where = {name: column[used_locations] for name, column in encoded.location_columns.items()}
    place, places = _compact(where["place"], words["places"])
    region, regions = _compact(where["region"], words["regions"])
    precision, precisions = _compact(where["precision"], words["precisions"])
    codes = {name: column[positions] for name, column in encoded.codes.items()}
    actors, actor_texts = _compact(codes["actors"], words["actors"])
    fatal, fatal_texts = _compact(codes["fatal"], words["fatalities"])
    source, sources = _compact(codes["source"], words["sources"])
    days = encoded.day[positions]
    day0 = int(days.min()) if len(days) else 0
    x0 = int(where["x"].min()) if len(positions) else 0
    y0 = int(where["y"].min()) if len(positions) else 0
    return {
        "version": PACKED_VERSION,
        "n": len(positions),
        "scale": COORD_SCALE,
        "x0": x0,
        "y0": y0,
        "day0": str(np.datetime64(day0, "D")),
        "types": [[name, EVENT_TYPE_COLOURS[name]] for name in EVENT_TYPES],
        "places": places,
        "regions": regions,
        "precisions": precisions,
        "actors": actor_texts,
        "fatalities": fatal_texts,
        "sources": sources,
        "loc": {
            "x": encode_column(where["x"] - x0),
            "y": encode_column(where["y"] - y0),
            "place": encode_column(place),
            "region": encode_column(region),
            "precision": encode_column(precision),
        },
        "ev": {
            "loc": encode_column(location),
            "day": encode_column(days - day0),
            "type": encode_column(codes["type"]),
            "actors": encode_column(actors),
            "fatal": encode_column(fatal),
            "source": encode_column(source),
        },
    }
