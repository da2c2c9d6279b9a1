"""Time opening the dashboard on the bundled data in headless chromium, as an analyst finds it.

    python benchmarks/page_open.py [RUNS]     (default 5 warm runs after the first visit)

Starts `streamlit run dashboard/app/server.py`, then opens the page in a fresh browser context
RUNS + 1 times: the first visit after the server started, then warm visits. For each it prints the
seconds from navigation until the events are drawn on the map and, where the map has the offline
place basemap, until its place labels are painted. Writes the "Page open" section of
benchmarks/RESULTS.md. Target (issue 11): the first map no more than 0.5 s slower than without the
place basemap (compare with the figures of the commit before it).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.browser_timing import LAYER, SIGNATURE  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, start_app, stop_app  # noqa: E402

FRAME = 'iframe[title="streamlit_folium.st_folium"]'
PAINTED = """() => {
    const tiles = [...document.querySelectorAll('.leaflet-ccm-places-pane canvas.leaflet-tile-loaded')];
    return tiles.some(tile => {
        const pixels = tile.getContext('2d').getImageData(0, 0, tile.width, tile.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
        return false;
    });
}"""


def open_once(browser, url: str) -> tuple[float, float | None]:
    """Seconds until the events are drawn, and until the place labels are (None without them)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(FRAME, timeout=120_000)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(f"() => {LAYER} && ({SIGNATURE})()", timeout=120_000)
    events_s = time.perf_counter() - started
    places_s = None
    if frame.evaluate("() => !!document.querySelector('.leaflet-ccm-places-pane')"):
        frame.wait_for_function(PAINTED, timeout=120_000)
        places_s = time.perf_counter() - started
    context.close()
    return events_s, places_s


def main() -> None:
    from playwright.sync_api import sync_playwright

    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    app = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            first = open_once(browser, app.url)
            warm = [open_once(browser, app.url) for _ in range(runs)]
            browser.close()
    finally:
        stop_app(app)

    def figures(label: str, values: list[float | None]) -> str:
        known = [v for v in values if v is not None]
        if not known:
            return f"{label}: no place basemap on this map"
        return f"{label}: median {statistics.median(known):.2f} s (min {min(known):.2f}, max {max(known):.2f})"

    lines = [
        f"first visit after server start: events drawn {first[0]:.2f} s"
        + (f", places drawn {first[1]:.2f} s" if first[1] is not None else ""),
        figures(f"warm, {runs} visits: events drawn", [w[0] for w in warm]),
        figures(f"warm, {runs} visits: places drawn", [w[1] for w in warm]),
    ]
    for line in lines:
        print(line, flush=True)
    write_section(
        "Page open",
        "python benchmarks/page_open.py" + (f" {runs}" if runs != 5 else ""),
        "Headless chromium against `streamlit run dashboard/app/server.py` on the bundled data, a fresh browser\n"
        "context per visit: seconds from navigation until the events are drawn, and until the offline place\n"
        "basemap's labels are painted.\n\n" + "\n".join(f"* {line}" for line in lines),
    )


if __name__ == "__main__":
    main()
