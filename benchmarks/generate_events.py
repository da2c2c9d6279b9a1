"""Write N realistic *synthetic* events in the project schema, for benchmarks and scale tests.

    python benchmarks/generate_events.py 100000 /tmp/events_100k.csv [--seed 1]

Points cluster along the Armenia–Azerbaijan border and the 1994–2020 line of
contact (a few km either side), with some in towns further away. As in ACLED,
most events are coded to a named place: 90 % sit at one of about N/50 synthetic
localities (a few busy, most quiet), 10 % have their own point. Dates run from
2018 to 2024 with bursts in the 2020 war and September 2022; every event type
occurs. About 3 % of rows have no coordinates (unmapped) and 0.5 % are invalid
(bad date, unknown type, coordinates far outside), so the loader's accounting
is exercised too. Every row says it is synthetic; none is a real event.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from dashboard.geo.join import load_boundaries
from dashboard.vocab import EVENT_TYPES, METRIC_CRS

TOWNS = np.array(
    [  # lat, lon of places that appear in the bundled data
        (40.1833, 44.5167),
        (39.81528, 46.75194),
        (40.68278, 46.36056),
        (40.345, 46.92889),
        (39.50778, 46.33861),
        (40.20306, 45.86472),
        (39.84167, 45.67222),
        (39.20111, 46.415),
    ]
)
BURSTS = [("2020-09-27", "2020-11-10", 0.35), ("2022-09-12", "2022-09-14", 0.05), ("2023-09-19", "2023-09-21", 0.03)]


def front_lines() -> list[shapely.LineString]:
    boundaries = load_boundaries()
    nk = boundaries.nagorno_karabakh.to_crs(METRIC_CRS).geometry["nk_1994_2020"].boundary
    return [boundaries.border_metric, nk]


def sample_points(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    lines = front_lines()
    near_line = int(n * 0.85)
    which = rng.integers(0, len(lines), near_line)
    xs, ys = np.empty(near_line), np.empty(near_line)
    for i, line in enumerate(lines):
        chosen = which == i
        along = rng.uniform(0, line.length, chosen.sum())
        points = shapely.line_interpolate_point(line, along)
        xs[chosen] = shapely.get_x(points) + rng.normal(0, 3000, chosen.sum())
        ys[chosen] = shapely.get_y(points) + rng.normal(0, 3000, chosen.sum())
    lonlat = pd.DataFrame({"x": xs, "y": ys})
    import geopandas as gpd

    geo = gpd.GeoSeries(gpd.points_from_xy(lonlat["x"], lonlat["y"]), crs=METRIC_CRS).to_crs("EPSG:4326")
    town = TOWNS[rng.integers(0, len(TOWNS), n - near_line)]
    lat = np.concatenate([geo.y.to_numpy(), town[:, 0] + rng.normal(0, 0.02, len(town))])
    lon = np.concatenate([geo.x.to_numpy(), town[:, 1] + rng.normal(0, 0.02, len(town))])
    order = rng.permutation(n)
    return lat[order], lon[order]


def sample_dates(n: int, rng: np.random.Generator) -> pd.Series:
    start, end = pd.Timestamp("2018-01-01"), pd.Timestamp("2024-12-31")
    days = rng.integers(0, (end - start).days + 1, n)
    dates = start + pd.to_timedelta(days, unit="D")
    for first, last, share in BURSTS:
        pick = rng.random(n) < share
        span = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
        dates = dates.where(~pick, pd.Timestamp(first) + pd.to_timedelta(rng.integers(0, span, n), unit="D"))
    return pd.Series(dates).dt.strftime("%Y-%m-%d")


def sample_locations(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event coordinates and place names: mostly repeated localities, the rest individual points."""
    n_places = max(50, n // 50)
    place_lat, place_lon = sample_points(n_places, rng)
    popularity = 1.0 / np.arange(1, n_places + 1)  # Zipf-like: a few places have many events
    coded = rng.random(n) < 0.9
    pick = rng.choice(n_places, coded.sum(), p=popularity / popularity.sum())
    own_lat, own_lon = sample_points(int((~coded).sum()), rng)
    lat, lon = np.empty(n), np.empty(n)
    lat[coded], lon[coded] = place_lat[pick], place_lon[pick]
    lat[~coded], lon[~coded] = own_lat, own_lon
    names = np.full(n, "Synthetic point", dtype=object)
    names[coded] = [f"Synthetic place {i}" for i in pick]
    return lat, lon, names


def generate(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    lat, lon, places = sample_locations(n, rng)
    types = rng.choice(EVENT_TYPES, n, p=[0.3, 0.3, 0.08, 0.08, 0.06, 0.03, 0.03, 0.07, 0.05])
    fatalities = np.where(rng.random(n) < 0.6, rng.poisson(1.2, n).astype(str), "")
    frame = pd.DataFrame(
        {
            "event_id": [f"SYN-{i:07d}" for i in range(n)],
            "event_date": sample_dates(n, rng),
            "event_type": types,
            "actor1": rng.choice(["Synthetic force A", "Synthetic force B"], n),
            "actor2": rng.choice(["Synthetic force B", "Synthetic force A", "civilians"], n),
            "location": places,
            "latitude": np.round(lat, 5).astype(str),
            "longitude": np.round(lon, 5).astype(str),
            "geo_precision": rng.choice(["1", "2", "3"], n, p=[0.6, 0.3, 0.1]),
            "fatalities": fatalities,
            "notes": "SYNTHETIC benchmark row; not a real event.",
            "source": "synthetic",
            "source_url": "",
        }
    )
    unmapped = rng.random(n) < 0.03
    frame.loc[unmapped, ["latitude", "longitude"]] = ""
    invalid = np.flatnonzero(rng.random(n) < 0.005)
    kinds = rng.integers(0, 3, len(invalid))
    frame.loc[invalid[kinds == 0], "event_date"] = "not a date"
    frame.loc[invalid[kinds == 1], "event_type"] = "Unknown type"
    frame.loc[invalid[kinds == 2], "latitude"] = "55.75"
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.seed).to_csv(args.out, index=False)
    print(f"wrote {args.n:,} synthetic events to {args.out}")


if __name__ == "__main__":
    main()
