"""Scale benchmark: load, join, filter, map and export at 1k, 10k, 100k and 1M synthetic events.

    python benchmarks/run.py [--sizes 1000 10000 100000 1000000]

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
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
NAIVE_SIZES = (1_000, 10_000)


def measure(size: int) -> dict[str, float]:
    import folium

    from benchmarks.generate_events import generate
    from dashboard.exports import ExportRequest, export_bytes
    from dashboard.filters import EventFilter
    from dashboard.geo import join_regions, load_boundaries
    from dashboard.layers import base_layers
    from dashboard.events import load_events
    from dashboard.maps import build_selection_layer
    from dashboard.pipeline import select_events
    from dashboard.settings import DEFAULT_NK_BOUNDARY

    figures: dict[str, float] = {"events": size}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.csv"
        generate(size).to_csv(path, index=False)
        boundaries = load_boundaries()
        started = time.perf_counter()
        table = load_events(path)
        figures["load_s"] = time.perf_counter() - started
    started = time.perf_counter()
    joined = join_regions(table.events, boundaries, DEFAULT_NK_BOUNDARY)
    figures["join_s"] = time.perf_counter() - started
    figures["join_events_per_s"] = len(joined) / figures["join_s"]
    from dataclasses import replace

    table = replace(table, events=joined)
    flt = EventFilter(start=dt.date(2020, 9, 27), end=dt.date(2020, 11, 10),
                      event_types=("Battle", "Shelling/artillery"))
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
    layers = base_layers(boundaries)
    for fmt in ("png", "html"):
        started = time.perf_counter()
        export_bytes(ExportRequest(fmt=fmt, title="benchmark"), everything, EventFilter(), DEFAULT_NK_BOUNDARY,
                     boundaries, layers)
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


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"


COLUMNS = [
    ("events", "events", "{:,.0f}"), ("load_s", "load+validate s", "{:.2f}"), ("join_s", "join s", "{:.2f}"),
    ("join_events_per_s", "join events/s", "{:,.0f}"), ("filter_s", "filter s", "{:.3f}"),
    ("map_build_s", "map build s", "{:.3f}"), ("map_bytes_per_event", "map bytes/event", "{:,.1f}"),
    ("export_png_s", "PNG s", "{:.2f}"), ("export_html_s", "HTML s", "{:.2f}"),
    ("naive_map_build_s", "naive map s", "{:.2f}"), ("naive_map_bytes_per_event", "naive bytes/event", "{:,.0f}"),
    ("peak_rss_mb", "peak RSS MB", "{:,.0f}"),
]


def table(rows: list[dict[str, float]]) -> str:
    lines = ["| " + " | ".join(label for _, label, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        lines.append("| " + " | ".join(fmt.format(row[key]) if key in row else "–" for key, _, fmt in COLUMNS) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: measure one size, print JSON
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one)))
        return
    rows = []
    for size in args.sizes:
        result = subprocess.run([sys.executable, __file__, "--one", str(size)], capture_output=True, text=True)
        if result.returncode != 0:
            print(f"{size:,} events: failed\n{result.stderr[-2000:]}", file=sys.stderr)
            continue
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        print(table(rows).splitlines()[-1], flush=True)
    text = table(rows)
    print(text)
    RESULTS.write_text(
        "# Scale benchmark results\n\n"
        f"`python benchmarks/run.py` on {dt.date.today():%d %b %Y}; machine: {machine()}.\n\n"
        "Synthetic events from `benchmarks/generate_events.py`. Filter: 2020 war dates, two types. Map: the\n"
        "event layer for all events (single markers up to 3,000, grid cells above). Naive: one folium Marker\n"
        "with a popup per event.\n\n" + text + "\n"
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
