"""Time the map's playback in headless chromium: milliseconds per frame at 100,000 events.

    python benchmarks/playback.py [N]      (default: 100000 synthetic events)

Builds the HTML export of N synthetic events (generate_events.py) as points (the packed layer)
and as a heatmap, opens each in chromium and steps the playback control frame by frame: every day
of the busiest 60 days (moving window), then every week of the whole period cumulatively (the last
frames hold every event). A frame's time runs from the step until its canvas is painted: the
window's events found, clustered (or weighted as heat) and drawn, measured in the page with
performance.now() and the next animation frame. Prints the figures and writes the "Playback"
section of benchmarks/RESULTS.md. Target (issue 14): ≤ 50 ms per frame at 100,000 events.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from dashboard.export.registry import ExportRequest, export_bytes  # noqa: E402
from dashboard.filters import EventFilter  # noqa: E402
from dashboard.geo.display import base_layers  # noqa: E402
from dashboard.geo.join import load_boundaries  # noqa: E402
from dashboard.pipeline import load_joined_events, select_events  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, open_offline  # noqa: E402

BUSIEST_DAYS = 60
TARGET_MS = 50.0
# Steps frames first..last of the control's current unit and returns each frame's milliseconds,
# from the step to the first animation frame after it (the canvas painted).
STEP_FRAMES = """async ([unit, mode, first, last]) => {
    const playback = document.querySelector('.leaflet-container').ccmPlayback;
    playback.setUnit(unit);
    playback.setMode(mode);
    const times = [], work = [];
    for (let i = first; i <= last; i++) {
        const started = performance.now();
        playback.show(i);
        work.push(playback.lastFrameMs);
        await new Promise((done) => requestAnimationFrame(() => done()));
        times.push(performance.now() - started);
    }
    return [times, work];
}"""
# The index of the first day of the busiest run of BUSIEST_DAYS days.
BUSIEST_START = """(length) => {
    const playback = document.querySelector('.leaflet-container').ccmPlayback;
    playback.setUnit('day');
    const counts = [];
    for (let i = 0; i < playback.frames().length; i++) { playback.show(i); counts.push(playback.target.shownCount()); }
    let best = 0, sum = 0, bestSum = -1;
    for (let i = 0; i < counts.length; i++) {
        sum += counts[i] - (i >= length ? counts[i - length] : 0);
        if (i >= length - 1 && sum > bestSum) { bestSum = sum; best = i - length + 1; }
    }
    return best;
}"""


def page_for(selection, boundaries, layers, representation: str, folder: Path) -> Path:
    page = folder / f"playback_{representation}.html"
    request = ExportRequest(fmt="html", title="Playback benchmark", representation=representation)
    page.write_bytes(export_bytes(request, selection, EventFilter(), "nkao_1991", boundaries, layers))
    return page


def p95(times: list[float]) -> float:
    return sorted(times)[int(0.95 * (len(times) - 1))]


def summary(times: list[float]) -> str:
    return (
        f"median {statistics.median(times):.1f} ms, 95th percentile {p95(times):.1f} ms, "
        f"max {max(times):.1f} ms over {len(times)} frames"
    )


def main() -> None:
    from playwright.sync_api import sync_playwright

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    boundaries = load_boundaries()
    layers = base_layers(boundaries)
    rows: list[str] = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        folder = Path(tmp)
        data = folder / "events.csv"
        generate(size).to_csv(data, index=False)
        selection = select_events(load_joined_events(data, boundaries), "nkao_1991", EventFilter())
        shown = selection.counts.shown
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        for representation in ("points", "heatmap"):
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            started = time.perf_counter()
            open_offline(page, page_for(selection, boundaries, layers, representation, folder))
            page.wait_for_function(
                "() => { const p = document.querySelector('.leaflet-container').ccmPlayback;"
                " return p && p.target.shownCount() > 0 && (!p.target.isDrawn || p.target.isDrawn()); }",
                timeout=300_000,
            )
            opened = time.perf_counter() - started
            first = page.evaluate(BUSIEST_START, BUSIEST_DAYS)
            weeks = page.evaluate(
                "() => document.querySelector('.leaflet-container').ccmPlayback.config.frames.week.length"
            )
            runs = {
                f"day by day, the busiest {BUSIEST_DAYS} days": page.evaluate(
                    STEP_FRAMES, ["day", "moving", first, first + BUSIEST_DAYS - 1]
                ),
                f"week by week, cumulative ({weeks} frames, the last holds all events)": page.evaluate(
                    STEP_FRAMES, ["week", "cumulative", 0, weeks - 1]
                ),
            }
            for what, (times, work) in runs.items():
                worst = max(worst, max(times))
                line = f"{representation}: {what}: {summary(times)}; the script's own work: {summary(work)}"
                print(line, flush=True)
                figures = f"{statistics.median(times):.1f} | {p95(times):.1f} | {max(times):.1f}"
                rows.append(f"| {representation} | {what} | {figures} |")
            print(f"{representation}: page opened and drawn in {opened:.1f} s", flush=True)
            page.close()
        browser.close()
    verdict = "within" if worst <= TARGET_MS else "over"
    body = (
        f"{shown:,} shown synthetic events (generate_events.py, {size:,} rows), HTML export at 1400×1000 px. "
        "A frame: the step until the next animation frame (window found, clustered or weighted, painted).\n\n"
        "| layer | frames | median ms | 95th percentile ms | max ms |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n"
        f"Slowest frame {worst:.1f} ms: {verdict} the target of {TARGET_MS:g} ms per frame."
    )
    write_section("Playback", f"python benchmarks/playback.py {size}", body)
    print(f"slowest frame {worst:.1f} ms ({verdict} the {TARGET_MS:g} ms target)")


if __name__ == "__main__":
    main()
