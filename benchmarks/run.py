"""Scale benchmark: load, join, filter, map and export at 1k, 10k, 100k and 1M synthetic events.

    python benchmarks/run.py [--sizes 1000 10000 100000 1000000]
    python benchmarks/run.py --join [--baseline OTHER_CHECKOUT]

``--join`` measures only the spatial join of 1M events, ACLED-like (coded to few places) and with
every point distinct, and writes its own section; ``--baseline`` also times another checkout's
``dashboard/geo/join.py`` on the same events in the same process (before/after), checking that both
give the same table.

Each size runs in its own process (so peak memory is per size) on events from
benchmarks/generate_events.py. Prints a table and writes benchmarks/RESULTS.md
with the machine description. The naive baseline — one folium Marker with a
popup per event — is measured at 1k and 10k only, as the ratio reference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.results import RESULTS, write_section  # noqa: E402

NAIVE_SIZES = (1_000, 10_000)


def measure(size: int, path: Path) -> dict[str, float]:
    """Figures for one size, from events already written to ``path`` (so that generating them
    does not count towards this process's peak memory)."""
    import folium

    from dashboard.export.registry import ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.geo.display import base_layers
    from dashboard.geo.join import join_regions, load_boundaries
    from dashboard.load.events import load_events
    from dashboard.pipeline import select_events
    from dashboard.vocab import DEFAULT_NK_BOUNDARY
    from dashboard.webmap.event_layers import build_packed_layer, build_selection_layer
    from dashboard.webmap.packing import encode_events, pack_selection

    figures: dict[str, float] = {"events": size}
    boundaries = load_boundaries()
    started = time.perf_counter()
    table = load_events(path)
    figures["load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    joined = join_regions(table.events, boundaries, DEFAULT_NK_BOUNDARY)
    figures["join_s"] = time.perf_counter() - started
    figures["join_events_per_s"] = len(joined) / figures["join_s"]
    figures["joined_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    located = joined[joined["latitude"].notna()]
    figures["locations"] = len(located.drop_duplicates(["latitude", "longitude"]))
    from dataclasses import replace

    table = replace(table, events=joined)
    flt = EventFilter(
        start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10), event_types=("Battle", "Shelling/artillery")
    )
    started = time.perf_counter()
    selection = select_events(table, DEFAULT_NK_BOUNDARY, flt)
    figures["filter_s"] = time.perf_counter() - started
    figures["filtered_events"] = selection.counts.shown
    everything = select_events(table, DEFAULT_NK_BOUNDARY, EventFilter())
    started = time.perf_counter()
    layer, _ = build_selection_layer(everything.events)
    fmap = folium.Map()
    layer.add_to(fmap)
    payload = fmap.get_root().render()
    figures["map_build_s"] = time.perf_counter() - started
    figures["map_bytes_per_event"] = len(payload.encode()) / max(everything.counts.shown, 1)
    # What a filter change costs in the dashboard, where the codes are cached per table.
    codes = encode_events(everything.all_events)
    started = time.perf_counter()
    fmap = folium.Map()
    build_packed_layer(pack_selection(codes, selection.events.index)).add_to(fmap)
    fmap.get_root().render()
    figures["repack_s"] = time.perf_counter() - started
    layers = base_layers(boundaries)
    for fmt in ("png", "html"):
        started = time.perf_counter()
        export_bytes(
            ExportRequest(fmt=fmt, title="benchmark"),
            everything,
            EventFilter(),
            DEFAULT_NK_BOUNDARY,
            boundaries,
            layers,
        )
        figures[f"export_{fmt}_s"] = time.perf_counter() - started
    if size in NAIVE_SIZES:
        started = time.perf_counter()
        naive = folium.Map()
        for row in everything.events.itertuples():
            folium.Marker((row.latitude, row.longitude), popup=str(row.notes), tooltip=row.event_type).add_to(naive)
        html = naive.get_root().render()
        figures["naive_map_build_s"] = time.perf_counter() - started
        figures["naive_map_bytes_per_event"] = len(html.encode()) / max(everything.counts.shown, 1)
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures


COLUMNS = [
    ("events", "events", "{:,.0f}"),
    ("load_s", "load+validate s", "{:.2f}"),
    ("join_s", "join s", "{:.2f}"),
    ("join_events_per_s", "join events/s", "{:,.0f}"),
    ("locations", "distinct places", "{:,.0f}"),
    ("filter_s", "filter s", "{:.3f}"),
    ("map_build_s", "map build s", "{:.3f}"),
    ("map_bytes_per_event", "map bytes/event", "{:,.1f}"),
    ("repack_s", "re-pack s", "{:.3f}"),
    ("export_png_s", "PNG s", "{:.2f}"),
    ("export_html_s", "HTML s", "{:.2f}"),
    ("naive_map_build_s", "naive map s", "{:.2f}"),
    ("naive_map_bytes_per_event", "naive bytes/event", "{:,.0f}"),
    ("joined_rss_mb", "RSS loaded+joined MB", "{:,.0f}"),
    ("peak_rss_mb", "peak RSS MB", "{:,.0f}"),
]


def table(rows: list[dict[str, float]]) -> str:
    lines = ["| " + " | ".join(label for _, label, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) if key in row else "–" for key, _, fmt in COLUMNS) + " |")
    return "\n".join(lines)


JOIN_EVENTS = 1_000_000
JOIN_REPEATS = 3  # the best of three: the machine is shared


def join_figures(baseline: Path | None) -> str:
    """Join throughput at JOIN_EVENTS, for ACLED-like coding and every point distinct, as a table."""
    import importlib.util

    import numpy as np
    import pandas as pd

    from benchmarks.generate_events import sample_locations, sample_points
    from dashboard.geo.join import join_regions, load_boundaries
    from dashboard.vocab import DEFAULT_NK_BOUNDARY

    rng = np.random.default_rng(1)
    boundaries = load_boundaries()
    kinds = {}
    lat, lon, _ = sample_locations(JOIN_EVENTS, rng)
    kinds["ACLED-like (90 % at ~N/50 places)"] = pd.DataFrame(
        {"latitude": np.round(lat, 5), "longitude": np.round(lon, 5)}
    )
    lat, lon = sample_points(JOIN_EVENTS, rng)
    kinds["every point distinct"] = pd.DataFrame({"latitude": np.round(lat, 5), "longitude": np.round(lon, 5)})
    joins = {"this checkout": join_regions}
    if baseline is not None:
        spec = importlib.util.spec_from_file_location("baseline_join", baseline / "dashboard" / "geo" / "join.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["baseline_join"] = module
        spec.loader.exec_module(module)
        joins = {"baseline": module.join_regions, **joins}
    lines = ["| events | places | join | best s | M events/s |", "|---|---|---|---|---|"]
    for kind, events in kinds.items():
        places = len(events.drop_duplicates())
        tables = {}
        for name, join in joins.items():
            times = []
            for _ in range(JOIN_REPEATS):
                started = time.perf_counter()
                tables[name] = join(events, boundaries, DEFAULT_NK_BOUNDARY)
                times.append(time.perf_counter() - started)
            best = min(times)
            lines.append(f"| {kind} | {places:,} | {name} | {best:.2f} | {JOIN_EVENTS / best / 1e6:.2f} |")
            print(lines[-1], flush=True)
        if baseline is not None:
            # A point equally near two border segments (at a vertex they share) may name either
            # segment's sector; this checkout names the lowest-numbered one, an older one any.
            sector = "border_sector"
            pd.testing.assert_frame_equal(
                tables["baseline"].drop(columns=sector), tables["this checkout"].drop(columns=sector)
            )
            ties = (tables["baseline"][sector] != tables["this checkout"][sector]).sum()
            lines.append(f"| {kind} | | sectors of equally near segments named differently | {ties:,} | |")
            assert ties <= len(events) / 1000, f"{ties} border sectors differ from the baseline's"
    load = os.getloadavg()[0]
    return f"Load average (1 min) when the joins ended: {load:.1f} on {os.cpu_count()} cores.\n\n" + "\n".join(lines)


def _baseline_text(baseline: Path | None) -> str:
    if baseline is None:
        return "\n"
    commit = subprocess.run(
        ["git", "-C", str(baseline), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return (
        f"Baseline: the checkout at {commit or baseline}, timed in the same process on the same points (tables\n"
        "checked equal but for the sector of a point equally near two border segments, counted below).\n\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: SIZE PATH, print JSON
    parser.add_argument("--join", action="store_true", help="only the join of 1M events, two kinds")
    parser.add_argument("--baseline", type=Path, help="with --join: another checkout to time on the same events")
    args = parser.parse_args()
    if args.join:
        text = join_figures(args.baseline)
        write_section(
            "Join, 1M events",
            "python benchmarks/run.py --join" + (" --baseline OTHER_CHECKOUT" if args.baseline else ""),
            "Only `join_regions` on a million located points from `benchmarks/generate_events.py`: ACLED-like\n"
            "(90 % coded to ~20,000 places, 10 % a point of their own) and every point distinct; best of three.\n"
            + _baseline_text(args.baseline)
            + text,
        )
        print(f"wrote {RESULTS.relative_to(ROOT)}")
        return
    if args.one:
        print(json.dumps(measure(int(args.one[0]), Path(args.one[1]))))
        return
    from benchmarks.generate_events import generate

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"events_{size}.csv"
            generate(size).to_csv(path, index=False)
            result = subprocess.run(
                [sys.executable, __file__, "--one", str(size), str(path)], capture_output=True, text=True
            )
            path.unlink()
            if result.returncode != 0:
                print(f"{size:,} events: failed\n{result.stderr[-2000:]}", file=sys.stderr)
                continue
            rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
            print(table(rows).splitlines()[-1], flush=True)
    text = table(rows)
    print(text)
    write_section(
        "Steps, 1k to 1M events",
        "python benchmarks/run.py",
        "Synthetic events from `benchmarks/generate_events.py` (90 % coded to ~N/50 places, 10 % with a\n"
        "point of their own: the join works once per distinct place). Filter: 2020 war dates, two types.\n"
        "Map: the event layer for all events (markers up to 3,000, packed layer up to 250,000, grid cells\n"
        "above), built and rendered. Re-pack: the packed layer of the filtered events from the codes the\n"
        "dashboard caches per table, i.e. the map's share of a filter change. Naive: one folium Marker with\n"
        "a popup per event. Each size runs in a fresh process; peak RSS excludes generating the events.\n\n" + text,
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
