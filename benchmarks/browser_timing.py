"""Time the running dashboard in headless chromium: first map, and map updates after filter changes.

    python benchmarks/browser_timing.py [N ...]      (default: 100000 and 1000000 synthetic events)

First the page open on the bundled data: the first visit after a server start and warm visits, each
in a fresh browser context (benchmarks/page_open.py's measure). Then, for each N, starts
`streamlit run dashboard/app/server.py` with the browser harness of tests/browser and an empty disk
cache, uploads N events from generate_events.py and measures the seconds until their map is drawn,
then changes the period preset three times and measures, for each change, the seconds from the click
until the map's new event layer is drawn. Prints the figures and writes them to the
"In the running dashboard" section of benchmarks/RESULTS.md. Targets (issue 16): page open warm
≤ 2.5 s, first visit ≤ 4 s; 1M events' first map ≤ 5 s; at 100k, a filter change ≤ 0.5 s.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, EVENTS_UPLOAD, start_app, stop_app  # noqa: E402

PRESETS = ["2020 war (27 Sep – 10 Nov 2020)", "Attack on Armenia (12–14 Sep 2022)", "All dates"]
LAYER = "window.feature_group && window.feature_group.length > 0"
SCRIPT_IDLE = (
    "() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'"
)
WARM_VISITS = 5
# The newest event layer, once drawn (the packed layer draws after inflating its columns).
SIGNATURE = (
    "() => { var g = window.feature_group[window.feature_group.length - 1];"
    " var drawn = g.getLayers().every(l => !l.isDrawn || l.isDrawn());"
    " return drawn ? L.stamp(g) : null; }"
)


def time_dashboard(size: int, events: Path) -> list[str]:
    from playwright.sync_api import sync_playwright

    lines = []
    app = start_app()  # the bundled data, as an analyst finds the dashboard
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app.url)
            page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=300_000)
            frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            frame.wait_for_function(f"() => {LAYER} && ({SIGNATURE})()", timeout=300_000)
            before = frame.evaluate(SIGNATURE)
            started = time.perf_counter()
            page.locator(EVENTS_UPLOAD).set_input_files(str(events))
            page.get_by_text(f"= {size:,} rows in file").wait_for(timeout=300_000)
            frame.wait_for_function(
                f"before => {{ var now = ({SIGNATURE})(); return now && now !== before; }}", arg=before, timeout=300_000
            )
            lines.append(
                f"{size:,} events: first map {time.perf_counter() - started:.2f} s after the upload "
                "(send, read, validate, join, draw)"
            )
            print(lines[-1], flush=True)
            for preset in PRESETS:
                # A choice made while a rerun is under way can be answered by that rerun's widget states.
                page.wait_for_function(SCRIPT_IDLE, timeout=120_000)
                before = frame.evaluate(SIGNATURE)
                page.get_by_role("combobox", name="Period").click()
                page.get_by_role("option", name=preset).click()
                started = time.perf_counter()
                frame.wait_for_function(
                    f"before => {{ var now = ({SIGNATURE})(); return now && now !== before; }}",
                    arg=before,
                    timeout=120_000,
                )
                shown = page.get_by_text(" shown · ").first.inner_text().split(" shown")[0]
                lines.append(
                    f"{size:,} events: '{preset}' ({shown} shown) -> map updated in "
                    f"{time.perf_counter() - started:.2f} s"
                )
                print(lines[-1], flush=True)
            browser.close()
    finally:
        stop_app(app)
    return lines


def time_page_open() -> list[str]:
    """The bundled data's page: the first visit after a server start, then warm visits."""
    from playwright.sync_api import sync_playwright

    from benchmarks.page_open import open_once

    app = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            first, _ = open_once(browser, app.url)
            warm = [open_once(browser, app.url)[0] for _ in range(WARM_VISITS)]
            browser.close()
    finally:
        stop_app(app)
    lines = [
        f"page open, bundled data: first visit after the server started {first:.2f} s until the events are drawn",
        f"page open, bundled data: warm, {WARM_VISITS} visits in fresh browser contexts: median "
        f"{statistics.median(warm):.2f} s (min {min(warm):.2f}, max {max(warm):.2f})",
    ]
    for line in lines:
        print(line, flush=True)
    return lines


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100_000, 1_000_000]
    lines = time_page_open()
    with tempfile.TemporaryDirectory() as tmp:
        # An upload's first map is measured cold: a disk cache from an earlier run would hold its table.
        os.environ["CCM_CACHE_DIR"] = str(Path(tmp) / "cache")
        for size in sizes:
            events = Path(tmp) / f"events_{size}.csv"
            generate(size).to_csv(events, index=False)
            lines += time_dashboard(size, events)
    write_section(
        "In the running dashboard",
        "python benchmarks/browser_timing.py " + " ".join(map(str, sizes)),
        "Headless chromium against `streamlit run dashboard/app/server.py`: the page open on the bundled data\n"
        "(fresh browser contexts); then N synthetic events are uploaded through the sidebar with an empty disk\n"
        "cache (timed until their map is drawn); a map update is timed from the click on a period preset\n"
        "until the new event layer is drawn.\n\n" + "\n".join(f"* {line}" for line in lines),
    )


if __name__ == "__main__":
    main()
