"""Time the animation export (GIF, MP4): the 2020 war by day, on the bundled data and on synthetic events.

    python benchmarks/animation.py [--sizes 100000]

For each dataset and format: the whole export as the Export tab and the CLI run it (export_bytes:
a child process is started, the frames are drawn and encoded there and the file sent back), and
the same drawing in this process split into its parts: the background (the snapshot of the
whole period, drawn once), the frames (each restores the background and draws its own events)
and the encoding. Prints the figures and writes them to the "Animation export" section of
benchmarks/RESULTS.md. Target (issue 14): the 2020 war by day (45 frames) in ≤ 30 s.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate_events import generate
from benchmarks.results import write_section
from dashboard.config import BUNDLED_EVENTS_PATH
from dashboard.export import animation
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.export.snapshot import SnapshotSpec
from dashboard.filters import EventFilter
from dashboard.geo.join import load_boundaries
from dashboard.pipeline import load_joined_events, select_events
from dashboard.vocab import DATE_PRESETS

NK = "nkao_1991"
TARGET_S = 30.0
COMMAND = "python benchmarks/animation.py"


def war_filter() -> EventFilter:
    start, end = next(dates for name, dates in DATE_PRESETS.items() if name.startswith("2020 war"))
    return EventFilter(start=start, end=end)


# (format, mode, representation): points both ways in both formats, and a choropleth by province.
CASES = [
    ("gif", "moving", "points"),
    ("gif", "cumulative", "points"),
    ("mp4", "moving", "points"),
    ("mp4", "cumulative", "points"),
    ("gif", "cumulative", "provinces"),
]


def time_parts(fmt: str, selection, flt: EventFilter, boundaries, mode: str, shown_as: str) -> dict[str, float]:
    """The drawing in this process, part by part."""
    windows = animation.animation_frames(selection.events, flt, "day", mode)
    spec = SnapshotSpec(title="The 2020 war by day", representation=shown_as)
    started = time.perf_counter()
    renderer = animation.FrameRenderer(selection.events, boundaries, NK, spec, windows)
    background = time.perf_counter() - started
    started = time.perf_counter()
    most = 0
    for frame in windows:
        _, drawn = renderer.draw(frame)
        most = max(most, drawn.marks)
    frames_s = time.perf_counter() - started
    started = time.perf_counter()
    animation.render_animation(fmt, selection.events, windows, boundaries, NK, spec, 500)
    whole = time.perf_counter() - started
    return {
        "frames": len(windows),
        "background": background,
        "per_frame_ms": frames_s / len(windows) * 1000,
        "most": most,
        "in_process": whole,
    }


def run(name: str, path: Path, boundaries, rows: list[str]) -> None:
    table = load_joined_events(path, boundaries)
    flt = war_filter()
    selection = select_events(table, NK, flt)
    print(f"{name}: {selection.counts.line()}", flush=True)
    for fmt, mode, shown_as in CASES:
        if fmt == "mp4" and animation.ffmpeg_exe() is None:
            print(f"{name} {fmt}: skipped, {animation.MP4_UNAVAILABLE}", flush=True)
            continue
        request = ExportRequest(
            fmt=fmt, title="The 2020 war by day", frame_unit="day", frame_mode=mode, representation=shown_as
        )
        started = time.perf_counter()
        data = export_bytes(request, selection, flt, NK, boundaries, None)
        total = time.perf_counter() - started
        parts = time_parts(fmt, selection, flt, boundaries, mode, shown_as)
        met = "yes" if total <= TARGET_S else "no"
        line = (
            f"{name} {fmt} {mode} {shown_as}: {parts['frames']} frames, up to {parts['most']:,} markers a frame: "
            f"{total:.1f} s as exported (child process), {parts['in_process']:.1f} s drawn here "
            f"(background {parts['background']:.2f} s, {parts['per_frame_ms']:.0f} ms a frame), "
            f"{len(data) / 1e6:.2f} MB"
        )
        print(line, flush=True)
        rows.append(
            f"| {name} ({selection.counts.shown:,} shown) | {fmt.upper()} | {mode} | {shown_as} | {parts['frames']} "
            f"| {parts['most']:,} | {total:.1f} | {parts['in_process']:.1f} | {parts['background']:.2f} "
            f"| {parts['per_frame_ms']:.0f} | {len(data) / 1e6:.2f} | {met} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000], help="synthetic datasets to time too")
    args = parser.parse_args()
    boundaries = load_boundaries()
    rows: list[str] = []
    run("bundled", BUNDLED_EVENTS_PATH, boundaries, rows)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            path = Path(tmp) / f"events_{size}.csv"
            generate(size).to_csv(path, index=False)
            run(f"{size // 1000}k synthetic", path, boundaries, rows)
    body = (
        "The 2020 war by day (27 Sep – 10 Nov 2020, 45 frames, 0.5 s each, 1100 × 850 pixels). *As exported*: "
        "`export_bytes`, what the Export tab and the CLI run, including the child process's start (about 2–3 s "
        "of imports) and the file's way back. *Drawn here*: the same in this process; the background is the "
        "snapshot of the whole period drawn once, a frame restores it and draws its own events. "
        f"Target: ≤ {TARGET_S:.0f} s as exported. The machine is shared: two runs of the same drawing can "
        "differ by a factor of two.\n\n"
        "| data | format | mode | shown as | frames | most markers in a frame | as exported s | drawn here s "
        "| background s | per frame ms | size MB | ≤ 30 s |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\nLoad average (1, 5, 15 min) at the end of the run: "
        + ", ".join(f"{load:.2f}" for load in os.getloadavg())
        + f" on {os.cpu_count()} cores."
    )
    write_section("Animation export", COMMAND + (" --sizes " + " ".join(map(str, args.sizes))), body)


if __name__ == "__main__":
    main()
