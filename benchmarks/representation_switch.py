"""Time switching the map's representation ("Show events as") in the running dashboard.

    python benchmarks/representation_switch.py [N ...]      (default: 100000 synthetic events)

For each N, starts `streamlit run dashboard/app/server.py` with the browser harness of tests/browser,
uploads N events from generate_events.py, waits for their map, then switches "Show events as" to
each representation in turn, twice round (points → heatmap → provinces → sectors → points …), and
measures the seconds from the click on the option until the new event layer is drawn (the heat
painted, the choropleth's units filled, the packed points drawn). Prints the figures and writes
them to the "Switching representation" section of benchmarks/RESULTS.md. Target (issue 13): ≤ 1 s
at 100,000 events.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.browser_timing import LAYER, SIGNATURE  # noqa: E402
from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from dashboard.vocab import REPRESENTATIONS  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, EVENTS_UPLOAD, start_app, stop_app  # noqa: E402

ROUNDS = 2
# The newest layer once drawn: packed points and heat report isDrawn(); a choropleth's units are
# drawn when its group is added, so its units pane must hold paths as well.
DRAWN = (
    "(kind) => { var stamp = (" + SIGNATURE + ")(); if (!stamp) return null;"
    " if (kind === 'provinces' || kind === 'sectors') {"
    "   if (!document.querySelector('.leaflet-ccm-units-pane path')) return null; }"
    " if (kind === 'heatmap' && !document.querySelector('canvas.leaflet-heatmap-layer')) return null;"
    " return stamp; }"
)


def time_switches(size: int, events: Path) -> tuple[list[str], dict[str, list[float]]]:
    from playwright.sync_api import sync_playwright

    lines: list[str] = []
    seconds: dict[str, list[float]] = {key: [] for key in REPRESENTATIONS}
    app = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(app.url)
            page.wait_for_selector('iframe[title="streamlit_folium.st_folium"]', timeout=300_000)
            frame = next(f for f in page.frames if "streamlit_folium" in f.url)
            frame.wait_for_function(f"() => {LAYER} && ({SIGNATURE})()", timeout=300_000)
            before = frame.evaluate(SIGNATURE)
            page.locator(EVENTS_UPLOAD).set_input_files(str(events))
            page.get_by_text(f"= {size:,} rows in file").wait_for(timeout=300_000)
            frame.wait_for_function(
                f"before => {{ var now = ({SIGNATURE})(); return now && now !== before; }}", arg=before, timeout=300_000
            )
            shown = page.get_by_text(" shown · ").first.inner_text().split(" shown")[0]
            keys = list(REPRESENTATIONS)
            order = [*keys[1:], keys[0]] * ROUNDS  # from points through the others and back
            for key in order:
                before = frame.evaluate(SIGNATURE)
                page.get_by_role("combobox", name="Show events as").click()
                option = page.get_by_role("option", name=REPRESENTATIONS[key])
                option.wait_for(timeout=30_000)
                option.click()
                started = time.perf_counter()
                frame.wait_for_function(
                    f"([kind, before]) => {{ var now = ({DRAWN})(kind); return now && now !== before; }}",
                    arg=[key, before],
                    timeout=120_000,
                )
                seconds[key].append(time.perf_counter() - started)
                print(f"{size:,} events ({shown} shown): -> {key} in {seconds[key][-1]:.2f} s", flush=True)
            browser.close()
    finally:
        stop_app(app)
    for key, values in seconds.items():
        lines.append(
            f"{size:,} events ({shown} shown), to {REPRESENTATIONS[key].lower()}: "
            + ", ".join(f"{v:.2f} s" for v in values)
            + f" (median {statistics.median(values):.2f} s)"
        )
    return lines, seconds


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [100_000]
    lines: list[str] = []
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            events = Path(tmp) / f"events_{size}.csv"
            generate(size).to_csv(events, index=False)
            found, seconds = time_switches(size, events)
            lines += found
            worst = max(worst, *(max(v) for v in seconds.values()))
    verdict = "met" if worst <= 1.0 else "not met"
    write_section(
        "Switching representation",
        "python benchmarks/representation_switch.py " + " ".join(map(str, sizes)),
        "Headless chromium against `streamlit run dashboard/app/server.py`: N synthetic events are uploaded, then\n"
        f"'Show events as' is switched through every representation, {ROUNDS} rounds; each figure runs from the\n"
        "click on the option until the new layer is drawn (server rerun, transfer and drawing). Target (issue 13):\n"
        f"at most 1 s at 100,000 events — {verdict} (slowest {worst:.2f} s).\n\n"
        + "\n".join(f"* {line}" for line in lines),
    )


if __name__ == "__main__":
    main()
