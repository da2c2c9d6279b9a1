"""Time a PNG, SVG and PDF snapshot of 1M synthetic events, each in a fresh child process with its peak RSS.

    python benchmarks/big_snapshot.py [--size 1000000] [--every-point]

The events are generated (benchmarks/generate_events.py), loaded and joined once, and written to
Parquet; each format is then drawn by a new Python process that reads them and the boundaries (as
an export's child process receives them) and reports the seconds of drawing and encoding and its
peak resident memory (VmHWM in /proc/self/status). ``--every-point`` draws every event as a marker
(the threshold lifted), for the figures before density snapshots. Writes its section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FORMATS = ("png", "svg", "pdf")
DPI = 150


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(fmt: str, parquet: Path, every_point: bool) -> None:
    """Draw one snapshot of the events in ``parquet`` and print its figures as JSON."""
    import pandas as pd

    from dashboard import style
    from dashboard.export.snapshot import DRAWN_COLUMNS, SnapshotSpec, snapshot_file
    from dashboard.geo.join import load_boundaries

    if every_point:
        style.SNAPSHOT_MAX_POINTS = 10**12  # type: ignore[misc]
    events = pd.read_parquet(parquet, columns=list(DRAWN_COLUMNS))  # what export_bytes sends its child
    boundaries = load_boundaries()
    started = time.perf_counter()
    data = snapshot_file(events, boundaries, "nkao_1991", SnapshotSpec(title="1M events"), fmt, DPI)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "mb": len(data) / 1e6, "peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--every-point", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "PARQUET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.every_point)
        return

    from benchmarks.generate_events import generate
    from benchmarks.results import write_section
    from dashboard.filters import EventFilter
    from dashboard.geo.join import load_boundaries
    from dashboard.pipeline import load_joined_events, select_events

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        csv, parquet = Path(tmp) / "events.csv", Path(tmp) / "events.parquet"
        generate(args.size).to_csv(csv, index=False)
        events = select_events(load_joined_events(csv, load_boundaries()), "nkao_1991", EventFilter()).events
        events.to_parquet(parquet)
        print(f"{len(events):,} events drawn (of {args.size:,} generated)", flush=True)
        for fmt in FORMATS:
            command = [sys.executable, __file__, "--child", fmt, str(parquet)]
            command += ["--every-point"] if args.every_point else []
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            figures = json.loads(result.stdout.strip().splitlines()[-1])
            label = f"{fmt} {DPI} dpi" if fmt == "png" else fmt
            row = (
                f"| {len(events):,} | {label} | {'every point' if args.every_point else 'density'} | "
                f"{figures['seconds']:.2f} s | {figures['peak_rss_mb']:,.0f} MB | {figures['mb']:.2f} MB |"
            )
            print(row, flush=True)
            rows.append(row)
    header = "| events | format | drawn as | draw + encode | peak RSS (child) | file |\n|---|---|---|---|---|---|"
    body = (
        f"{header}\n" + "\n".join(rows) + "\n\nEach format in a fresh process; peak RSS includes reading the "
        "events and the boundaries (what an export's child process holds). Target (issue 16): ≤ 5 s, ≤ 1 GB."
    )
    flags = " --every-point" if args.every_point else ""
    heading = "Big snapshot (every point)" if args.every_point else "Big snapshot"
    write_section(heading, f"python benchmarks/big_snapshot.py --size {args.size}{flags}", body)


if __name__ == "__main__":
    main()
