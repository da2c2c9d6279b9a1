"""Build the offline place basemap: ``dashboard/webmap/static/basemap/places.pmtiles``.

Vector tiles (one layer, ``places``, z4–12) that the browser draws with protomaps-leaflet over
the dashboard's own boundary layers: the GeoNames towns of ``data/geo/places.csv`` (name,
population, other names), the province names at a point inside each province of
``data/geo/armenia_azerbaijan_admin1.geojson``, and the province lines. Written by GDAL's
PMTiles driver through pyogrio; the file is served by Streamlit's static server (which answers
the Range requests PMTiles needs) and inlined into the HTML export.

Run from the repository root after changing either input:  python tools/build_basemap.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dashboard.geo.places import NAME_SEPARATOR, OTHER_NAMES_SHOWN  # noqa: E402

PLACES = ROOT / "data" / "geo" / "places.csv"
PROVINCES = ROOT / "data" / "geo" / "armenia_azerbaijan_admin1.geojson"
OUT = ROOT / "dashboard" / "webmap" / "static" / "basemap" / "places.pmtiles"
MIN_ZOOM, MAX_ZOOM = 4, 12


def town_rows() -> list[dict[str, object]]:
    rows = []
    with PLACES.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            others = [n for n in row["alternate_names"].split(NAME_SEPARATOR) if n][:OTHER_NAMES_SHOWN]
            rows.append(
                {
                    "kind": "town",
                    "name": row["name"],
                    "other_names": ", ".join(others),
                    "population": int(row["population"]),
                    "country": row["country_code"],
                    "geometry": shapely.Point(float(row["longitude"]), float(row["latitude"])),
                }
            )
    return rows


def main() -> None:
    provinces = gpd.read_file(PROVINCES)
    rows = town_rows()
    for name, geometry in zip(provinces["name"], provinces.geometry, strict=True):
        largest = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
        rows.append(
            {
                "kind": "province",
                "name": str(name),
                "other_names": "",
                "population": 0,
                "country": "",
                "geometry": shapely.maximum_inscribed_circle(largest, 0.005).centroid,
            }
        )
    lines = shapely.line_merge(shapely.union_all(provinces.geometry.boundary.values))
    rows.append(
        {"kind": "province_line", "name": "", "other_names": "", "population": 0, "country": "", "geometry": lines}
    )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.unlink(missing_ok=True)
    pyogrio.write_dataframe(
        frame,
        OUT,
        driver="PMTiles",
        layer="places",
        dataset_options={"MINZOOM": MIN_ZOOM, "MAXZOOM": MAX_ZOOM, "NAME": "Caucasus Conflict Map places"},
    )
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:,.0f} KB, {len(frame):,} features)")


if __name__ == "__main__":
    main()
