"""Time the running dashboard in headless chromium: first map, and map updates after a filter change.

    python benchmarks/browser_timing.py [N]      (default N = 100000 synthetic events)

Starts `streamlit run dashboard/app.py` on N events from generate_events.py with the browser
harness of tests/browser, then changes the period preset three times and prints, for each change,
the seconds from the click until the map's event layer has been replaced.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.generate_events import generate  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, start_app, stop_app  # noqa: E402

PRESETS = ["2020 war (27 Sep – 10 Nov 2020)", "Attack on Armenia (12–14 Sep 2022)", "All dates"]
LAYER = "window.feature_group && window.feature_group.length > 0"
# The newest event layer, once drawn (the packed layer draws after inflating its columns).
SIGNATURE = ("() => { var g = window.feature_group[window.feature_group.length - 1];"
             " var drawn = g.getLayers().every(l => !l.isDrawn || l.isDrawn());"
             " return drawn ? L.stamp(g) : null; }")


def main() -> None:
    from playwright.sync_api import sync_playwright

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        events = Path(tmp) / "events.csv"
        generate(size).to_csv(events, index=False)
        app = start_app(events)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                started = time.perf_counter()
                page.goto(app.url)
                page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=180_000)
                frame = next(f for f in page.frames if "streamlit_folium" in f.url)
                frame.wait_for_function(f"() => {LAYER} && ({SIGNATURE})()", timeout=180_000)
                print(f"{size:,} events: first map after {time.perf_counter() - started:.2f} s "
                      "(cold: read, validate, join, render)")
                for preset in PRESETS:
                    before = frame.evaluate(SIGNATURE)
                    page.get_by_role("combobox", name="Period").click()
                    page.get_by_role("option", name=preset).click()
                    started = time.perf_counter()
                    frame.wait_for_function(f"before => {{ var now = ({SIGNATURE})(); return now && now !== before; }}",
                                            arg=before, timeout=60_000)
                    print(f"{size:,} events: '{preset}' -> map updated in {time.perf_counter() - started:.2f} s")
                browser.close()
        finally:
            stop_app(app)


if __name__ == "__main__":
    main()
