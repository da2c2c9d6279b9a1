"""Time every export format on the bundled data and on synthetic data of 10k and 100k events.

    python benchmarks/export_formats.py [--sizes 10000 100000]

Prints one row per dataset and format: seconds and output size. All events
are exported (no filter), so the figures are the worst case for each size.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate_events import generate
from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.geo.display import base_layers
from dashboard.geo.join import load_boundaries
from dashboard.pipeline import load_joined_events, select_events

FORMATS = [("png", 150), ("png", 300), ("pdf", 150), ("svg", 150), ("html", 150), ("csv", 150), ("geojson", 150)]


def run(name: str, path: Path, boundaries, layers) -> None:
    started = time.perf_counter()
    table = load_joined_events(path, boundaries)
    selection = select_events(table, "nkao_1991", EventFilter())
    load_s = time.perf_counter() - started
    print(f"{name:<10} load+validate+join {load_s:7.2f} s  ({selection.counts.line()})", flush=True)
    for fmt, dpi in FORMATS:
        started = time.perf_counter()
        data = export_bytes(
            ExportRequest(fmt=fmt, title=name, dpi=dpi), selection, EventFilter(), "nkao_1991", boundaries, layers
        )
        seconds = time.perf_counter() - started
        label = f"{fmt} {dpi} dpi" if fmt == "png" else fmt
        print(f"{name:<10} {label:<14} {seconds:7.2f} s  {len(data) / 1e6:8.2f} MB", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    boundaries = load_boundaries()
    layers = base_layers(boundaries)
    run("bundled", BUNDLED_EVENTS_PATH, boundaries, layers)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"events_{size}.csv"
            generate(size).to_csv(path, index=False)
            run(f"{size // 1000}k", path, boundaries, layers)


if __name__ == "__main__":
    main()
