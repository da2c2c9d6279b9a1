"""The gazetteer: GeoNames places of the region plus the event data's own places, found by any form of a name.

This conflict is reported in three languages and several romanisations: Stepanakert / Khankendi /
Xankəndi / Ստեփանակերտ / Степанакерт are one town. A name is matched through a *key* that ignores
case, diacritics and the spelling differences of the common romanisations (ə/a/e, ş/sh, ç/ch,
x/kh, ğ/gh, ı/i, q/g/k, c/j), and through every alternate name GeoNames records and every
``location_alt_names`` entry of the events.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from dashboard.config import GEO_DIR
from dashboard.errors import PlaceError
from dashboard.vocab import ARMENIA, AZERBAIJAN

PLACES_PATH = GEO_DIR / "places.csv"
GEONAMES = "GeoNames"
EVENT_DATA = "event data"
NAME_SEPARATOR = " | "  # between alternate names in places.csv
OTHER_NAMES_SHOWN = 12  # in the place box's caption and a town's popup on the map; search uses them all
COUNTRY_NAMES = {"AM": ARMENIA, "AZ": AZERBAIJAN, "GE": "Georgia", "IR": "Iran", "TR": "Turkey", "RU": "Russia"}
EARTH_RADIUS_KM = 6371.0088
# Letters whose romanisations differ, mapped before diacritics are stripped (NFKD would turn ş into s).
_LETTERS = str.maketrans({"ə": "e", "ş": "sh", "ç": "ch", "ğ": "gh", "ı": "i", "x": "kh", "ʻ": "", "’": "", "'": ""})
# After the letters: gh -> kh -> k; ə -> e -> a; Azerbaijani c is English j (Xocalı, Khojaly).
_SOUNDS = ((re.compile("q|g"), "k"), (re.compile("kh"), "k"), (re.compile("e"), "a"), (re.compile("c(?!h)"), "j"))
_NOT_NAME = re.compile(r"[\W_]+")
_NOTE = re.compile(r"\s*\(([^)]*)\)\s*")
_AZERBAIJANI_LETTERS = re.compile("[əƏşŞçÇğĞıİ]")


def _script(name: str) -> str:
    """The script of a name's first letter, as Unicode names it (LATIN, ARMENIAN, CYRILLIC, …)."""
    letter = next((c for c in name if c.isalpha()), "")
    return unicodedata.name(letter, "").split(" ")[0] if letter else ""


def fold(text: str) -> str:
    """Case and diacritics removed, spacing normalised: how a name is compared before transliteration."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def name_key(text: str) -> str:
    """The key two spellings of one name share: Xankəndi, Khankendi and KHANKENDI all give 'kankandi'."""
    key = fold(text.casefold().translate(_LETTERS))
    for spelling, sound in _SOUNDS:
        key = spelling.sub(sound, key)
    return _NOT_NAME.sub("", key)


@dataclass(frozen=True)
class Place:
    """One place of the gazetteer, with where its name comes from."""

    name: str
    longitude: float
    latitude: float
    country: str  # a name ("Armenia"), or "" when unknown
    population: int  # 0 when unknown (the event data's own places)
    source: str  # GEONAMES, EVENT_DATA, or both when a data place is a GeoNames town
    other_names: tuple[str, ...] = ()
    note: str = ""  # what the event data says about one of its names, e.g. an inferred equivalence

    def label(self) -> str:
        """'Stepanakert — Azerbaijan (Khankendi, Xankəndi, Ստեփանակերտ, Степанакерт)': what a search box offers.

        The other names shown are the main forms, not every romanisation: the GeoNames name and the
        data's own names, the Azerbaijani Latin form, and up to three forms each in Armenian and
        Cyrillic (GeoNames does not say which of them is current, so none is picked).
        """
        distinct: list[str] = []
        seen = {self.name.casefold()}
        for name in self.other_names:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                distinct.append(name)
        azerbaijani = [n for n in distinct if _AZERBAIJANI_LETTERS.search(n)][:1]
        armenian = [n for n in distinct if _script(n) == "ARMENIAN"][:3]
        cyrillic = [n for n in distinct if _script(n) == "CYRILLIC"][:3]
        # Data names and GeoNames' own name lead other_names (merge_places); codes such as BAK do not help.
        leading = [n for n in distinct[:3] if _script(n) == "LATIN" and not (n.isupper() and len(n) <= 4)][:2]
        shown = list(dict.fromkeys([*leading, *azerbaijani, *armenian, *cyrillic]))
        where = f" — {self.country}" if self.country else ""
        return f"{self.name}{where}" + (f" ({', '.join(shown)})" if shown else "")


@dataclass(frozen=True)
class Match:
    """A place found for a query, the name that matched and how closely (0 = the name itself)."""

    place: Place
    matched_name: str
    rank: int


def _distinct_names(names: Iterable[str], exclude: str = "") -> list[str]:
    """Names with one spelling per key, in their order, leaving out ``exclude`` and its spellings."""
    seen = {name_key(exclude)} if exclude else set()
    kept = []
    for name in names:
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def split_alt_names(value: str) -> list[tuple[str, str]]:
    """An events file's ``location_alt_names`` cell as (name, note) pairs: 'Istisu (name used by …)'."""
    pairs = []
    for part in str(value).split(";"):
        note = " ".join(m.group(1) for m in _NOTE.finditer(part))
        name = _NOTE.sub(" ", part).strip()
        if name:
            pairs.append((name, note.strip()))
    return pairs


@lru_cache(maxsize=1)
def geonames_places(path: Path = PLACES_PATH) -> tuple[Place, ...]:
    """The bundled GeoNames places (data/geo/places.csv), largest first."""
    places = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            # GeoNames sometimes packs several spellings into one entry, separated by two spaces.
            others = [n.strip() for entry in row["alternate_names"].split(NAME_SEPARATOR) for n in entry.split("  ")]
            places.append(
                Place(
                    name=row["name"],
                    longitude=float(row["longitude"]),
                    latitude=float(row["latitude"]),
                    country=COUNTRY_NAMES.get(row["country_code"], row["country_code"]),
                    population=int(row["population"]),
                    source=GEONAMES,
                    other_names=tuple(n for n in others if n),
                )
            )
    return tuple(places)


def event_places(events: pd.DataFrame) -> tuple[Place, ...]:
    """The events' own places: one per location name with coordinates (the median of its points).

    Aggregated per column, not per group: a million uploaded events name ~20,000 places.
    """
    # Only the columns used are copied: the rows of a wide table cost more than the rest.
    columns = [c for c in ("location", "longitude", "latitude", "country", "location_alt_names") if c in events]
    located = events[columns][events["latitude"].notna() & events["location"].fillna("").str.strip().ne("")]
    if located.empty:
        return ()
    by_place = located.groupby("location", sort=True)
    centre = by_place[["longitude", "latitude"]].median()
    country: dict[str, str] = {}
    if "country" in located:
        counts = located.groupby(["location", "country"], dropna=True).size().sort_values(ascending=False)
        for location, place_country in counts.index:  # most frequent first: keep each place's first
            country.setdefault(str(location), str(place_country))
    alt_cells: dict[str, list[str]] = {}
    if "location_alt_names" in located:
        pairs = located[["location", "location_alt_names"]].dropna().drop_duplicates()
        for location, cell in pairs.itertuples(index=False):
            alt_cells.setdefault(str(location), []).append(str(cell))
    places = []
    for location, lon, lat in zip(centre.index, centre["longitude"], centre["latitude"], strict=True):
        named = [pair for cell in alt_cells.get(str(location), []) for pair in split_alt_names(cell)]
        places.append(
            Place(
                name=str(location),
                longitude=float(lon),
                latitude=float(lat),
                country=country.get(str(location), ""),
                population=0,
                source=EVENT_DATA,
                other_names=tuple(dict.fromkeys(name for name, _ in named)),
                note="; ".join(f"{name}: {note}" for name, note in named if note),
            )
        )
    return tuple(places)


class Gazetteer:
    """Find places by any form of their name; built once per events table (the app caches it)."""

    def __init__(self, places: Iterable[Place]) -> None:
        self.places = tuple(places)
        self._names: list[tuple[str, str, str, int, bool]] = []  # (key, folded, name, place index, primary)
        for index, place in enumerate(self.places):
            for position, name in enumerate((place.name, *place.other_names)):
                key = name_key(name)
                if key:
                    self._names.append((key, fold(name), name, index, position == 0))
        self._keys = sorted({key for key, *_ in self._names})
        self.labels: dict[str, Place] = {}
        for place in self.places:
            label = place.label()
            if label in self.labels:  # two places of one name and spelling: tell them apart by position
                label += f" · {place.latitude:.2f} N, {place.longitude:.2f} E"
            self.labels[label] = place

    @classmethod
    def for_events(cls, events: pd.DataFrame | None = None) -> Gazetteer:
        """GeoNames places plus the events' own; a data place that is a GeoNames town is one place."""
        own = event_places(events) if events is not None else ()
        return cls(merge_places(own, geonames_places()))

    def search(self, query: str, limit: int = 10) -> list[Match]:
        """Places whose name or other name matches ``query``, best first.

        Rank: 0 the place's name as typed (case and accents aside), 1 another of its names as typed,
        2 / 3 the same for another spelling (same key), 4 a name starting with it, 5 one containing it.
        """
        folded, key = fold(query), name_key(query)
        if not key:
            return []
        best: dict[int, Match] = {}
        for name_key_, name_folded, name, index, primary in self._names:
            if name_folded == folded:
                rank = 0 if primary else 1
            elif name_key_ == key:
                rank = 2 if primary else 3
            elif name_key_.startswith(key):
                rank = 4
            elif len(key) >= 3 and key in name_key_:
                rank = 5
            else:
                continue
            if index not in best or rank < best[index].rank:
                best[index] = Match(self.places[index], name, rank)
        ordered = sorted(
            best.values(), key=lambda m: (m.rank, EVENT_DATA not in m.place.source, -m.place.population, m.place.name)
        )
        return ordered[:limit]

    def choose(self, picked: str) -> Place:
        """What a search box returned: one of ``labels``, or text typed by the analyst (resolved)."""
        return self.labels.get(picked) or self.resolve(picked)

    def resolve(self, query: str) -> Place:
        """The one place ``query`` names; raises PlaceError with the closest names when none does."""
        matches = [m for m in self.search(query, limit=50) if m.rank <= 3]
        if matches:
            return matches[0].place
        close = difflib.get_close_matches(name_key(query), self._keys, n=5, cutoff=0.6)
        names = _distinct_names(name for key in close for k, _, name, _, _ in self._names if k == key)
        hint = f" Closest names: {', '.join(names[:5])}." if names else ""
        raise PlaceError(f"No place called '{query}' in the gazetteer (GeoNames places and the data's own).{hint}")


SAME_PLACE_KM = 5.0  # a data place this close to a GeoNames town of the same name is that town


def merge_places(own: Iterable[Place], geonames: Iterable[Place]) -> list[Place]:
    """The data's places and GeoNames', with each data place that names a nearby GeoNames town
    folded into that town: its names added, GeoNames' coordinates and population kept."""
    towns = list(geonames)
    by_key: dict[str, list[int]] = {}
    for index, town in enumerate(towns):
        for name in (town.name, *town.other_names):
            by_key.setdefault(name_key(name), []).append(index)
    kept: list[Place] = []
    for place in own:
        candidates = sorted(set(by_key.get(name_key(place.name), [])), key=lambda i: -towns[i].population)
        same = next(
            (
                i
                for i in candidates
                if distance_km(place.longitude, place.latitude, towns[i].longitude, towns[i].latitude)[0]
                <= SAME_PLACE_KM
            ),
            None,
        )
        if same is None:
            kept.append(place)
            continue
        town = towns[same]
        if EVENT_DATA in town.source:
            # A second spelling in the data for one town: the first keeps its lead, nothing is lost.
            towns[same] = replace(
                town,
                other_names=tuple(dict.fromkeys((*town.other_names, place.name, *place.other_names))),
                note="; ".join(n for n in (town.note, place.note) if n),
            )
            continue
        # The data's spelling leads (it is what the analyst reads in the events); GeoNames' follows.
        towns[same] = replace(
            town,
            name=place.name,
            other_names=tuple(
                n for n in dict.fromkeys((town.name, *place.other_names, *town.other_names)) if n != place.name
            ),
            source=f"{GEONAMES} and {EVENT_DATA}",
            note=place.note,
        )
    return [*kept, *towns]


def distance_km(
    longitude: np.ndarray | pd.Series | float, latitude: np.ndarray | pd.Series | float, to_lon: float, to_lat: float
) -> np.ndarray:
    """Great-circle distance (haversine) from each point to (``to_lon``, ``to_lat``), in km."""
    lon1 = np.radians(np.atleast_1d(np.asarray(longitude, dtype=float)))
    lat1 = np.radians(np.atleast_1d(np.asarray(latitude, dtype=float)))
    lon2, lat2 = math.radians(to_lon), math.radians(to_lat)
    a = np.sin((lat1 - lat2) / 2) ** 2 + np.cos(lat1) * math.cos(lat2) * np.sin((lon1 - lon2) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


NEAR_EVENT_KM = 6.0  # a town this close to an event's point is the town that names it on a snapshot
SAME_TOWN_KM = 2.0  # within this, the largest place names the point (Yerevan, not its district Kentron)


NAMING_POINTS_MAX = 5_000  # the distinct event points towns_to_label looks up, busiest first


def towns_to_label(
    longitude: np.ndarray,
    latitude: np.ndarray,
    west: float,
    south: float,
    east: float,
    north: float,
    limit: int = 40,
    locations: Iterable[str] | None = None,
) -> list[Place]:
    """The GeoNames towns a map of these event points should name, most wanted first.

    First the town at each event point: the one its ``locations`` entry names (the event's place
    name, within NEAR_EVENT_KM; labelled with the event's spelling), else the largest within
    SAME_TOWN_KM, else the nearest within NEAR_EVENT_KM; the towns with most events first. Then
    the largest towns of the area, each at least a 25th of the area's width from the towns before
    it, so that a city's districts do not crowd it. The drawing keeps those whose labels fit.
    Only the NAMING_POINTS_MAX busiest distinct points are looked up.
    """
    towns = [t for t in geonames_places() if west <= t.longitude <= east and south <= t.latitude <= north]
    if not towns:
        return []
    town_lon = np.array([t.longitude for t in towns])
    town_lat = np.array([t.latitude for t in towns])
    town_keys = [{name_key(n) for n in (t.name, *t.other_names)} for t in towns]
    wanted: dict[int, int] = {}  # town index -> events it names
    spelled: dict[int, str] = {}  # town index -> the events' own name for it
    lon_values, lat_values = np.asarray(longitude, float), np.asarray(latitude, float)
    names = list(locations) if locations is not None else [""] * len(lon_values)
    points = pd.DataFrame({"lon": lon_values, "lat": lat_values, "name": names}).dropna(subset=["lon", "lat"])
    # Busiest first (value_counts sorts so). Looking up every distinct point of a million events took
    # seconds; past the busiest NAMING_POINTS_MAX each holds only a few events, and they are left out.
    per_point = points.value_counts(["lon", "lat", "name"], dropna=False).iloc[:NAMING_POINTS_MAX]
    index = per_point.index
    for lon, lat, name, count in zip(
        index.get_level_values("lon"),
        index.get_level_values("lat"),
        index.get_level_values("name"),
        per_point.to_numpy(),
        strict=True,
    ):
        distances = distance_km(town_lon, town_lat, float(lon), float(lat))
        key = name_key(str(name)) if isinstance(name, str) else ""
        named = [i for i in np.flatnonzero(distances <= NEAR_EVENT_KM) if key and key in town_keys[i]]
        close = np.flatnonzero(distances <= SAME_TOWN_KM)
        if named:
            chosen = int(named[0])
            spelled.setdefault(chosen, str(name))
        elif close.size:
            chosen = int(max(close, key=lambda i: towns[i].population))
        else:
            chosen = int(np.argmin(distances))
            if distances[chosen] > NEAR_EVENT_KM:
                continue
        wanted[chosen] = wanted.get(chosen, 0) + int(count)
    chosen_towns = sorted(wanted, key=lambda i: (-wanted[i], -towns[i].population))
    spacing_km = distance_km(west, south, east, south)[0] / 25
    for i in sorted(range(len(towns)), key=lambda i: -towns[i].population):
        if len(chosen_towns) >= limit:
            break
        if i in wanted:
            continue
        others = chosen_towns or [i]
        apart = distance_km(town_lon[others], town_lat[others], towns[i].longitude, towns[i].latitude)
        if not chosen_towns or apart.min() >= spacing_km:
            chosen_towns.append(i)
    return [replace(towns[i], name=spelled[i]) if i in spelled else towns[i] for i in chosen_towns[:limit]]
