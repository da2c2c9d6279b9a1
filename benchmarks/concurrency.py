"""Does one analyst's heavy upload stall another analyst's dashboard? Measured in headless chromium.

    python benchmarks/concurrency.py [N] [--xlsx | --export FORMAT]
    (default: 1000000 synthetic events, one ragged line)

Starts `streamlit run dashboard/app/server.py` on the bundled data with two browser sessions. Session B
changes the period preset while nothing else runs (quiet), then again while session A uploads N
synthetic events with one malformed line, which sends the file down the record-by-record reader
(Python code holding the interpreter lock: the worst case for the other sessions), or with --xlsx
as a workbook (openpyxl's reader, also pure Python). With --export FORMAT, A's clean file is loaded
first and B's changes are timed while A prepares an export of all N events in FORMAT (csv, geojson,
png, …) from the Export panel. Prints the seconds from B's click until B's map has updated, and
writes the "Two analysts at once" section of benchmarks/RESULTS.md. Target (issue 17): B's filter
change stays within 2 s while A uploads or exports.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.browser_timing import LAYER, PRESETS, SIGNATURE  # noqa: E402
from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, EVENTS_UPLOAD, start_app, stop_app  # noqa: E402

FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def open_session(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url)
    page.wait_for_selector(FRAME, timeout=300_000)
    frame = next(f for f in page.frames if "streamlit_folium" in f.url)
    frame.wait_for_function(f"() => {LAYER} && ({SIGNATURE})()", timeout=300_000)
    return page, frame


def change_period(page, frame, preset: str) -> float:
    """Seconds from the click on ``preset`` until this session's map shows the new event layer."""
    before = frame.evaluate(SIGNATURE)
    page.get_by_role("combobox", name="Period").click()
    page.get_by_role("option", name=preset).click()
    started = time.perf_counter()
    frame.wait_for_function(
        f"before => {{ var now = ({SIGNATURE})(); return now && now !== before; }}", arg=before, timeout=300_000
    )
    return time.perf_counter() - started


@contextmanager
def two_sessions() -> Iterator[tuple[Any, Any, Any]]:
    """A dashboard on the bundled data and two browser sessions of it: A's page, B's page and B's map frame."""
    from playwright.sync_api import sync_playwright

    app = start_app()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page_a, _ = open_session(browser, app.url)
            page_b, frame_b = open_session(browser, app.url)
            yield page_a, page_b, frame_b
            browser.close()
    finally:
        stop_app(app)


def changes_until(page_b, frame_b, done, rounds: int) -> list[float]:
    """B's period changes, timed one by one, until ``done`` (a locator in A's page) shows."""
    during = []
    for preset in PRESETS * rounds:
        if done.count():
            break
        during.append(change_period(page_b, frame_b, preset))
    done.wait_for(timeout=600_000)
    return during


def seconds(values: list[float], none: str = "A finished before B could click") -> str:
    return ", ".join(f"{s:.2f} s" for s in values) or none


def settle(page) -> None:
    """Wait until the page's script run has finished (Streamlit's running indicator is gone)."""
    page.wait_for_timeout(300)  # the indicator appears a moment after the widget event is sent
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=300_000)


def measure_export(size: int, events: Path, fmt: str) -> list[str]:
    """B's filter changes while A prepares an export of ``size`` events in ``fmt``."""
    from dashboard.app import keys

    label = next(name for name, (key, _dpi) in keys.EXPORT_CHOICES.items() if key == fmt)
    lines = []
    with two_sessions() as (page_a, page_b, frame_b):
        page_a.locator(EVENTS_UPLOAD).set_input_files(str(events))
        page_a.get_by_text(f"= {size:,} rows in file").wait_for(timeout=600_000)
        page_a.get_by_role("tab", name=keys.TAB_EXPORT).click()
        settle(page_a)
        page_a.get_by_role("combobox", name="Format").click()
        page_a.get_by_role("option", name=label).click()
        settle(page_a)
        page_a.get_by_text(keys.AREA_ALL).click()
        settle(page_a)
        lines.append("B alone: " + seconds([change_period(page_b, frame_b, preset) for preset in PRESETS]))
        print(lines[-1], flush=True)
        page_a.get_by_role("button", name="Prepare the file").click()
        started = time.perf_counter()
        during = changes_until(page_b, frame_b, page_a.get_by_role("button", name="Download"), rounds=5)
        lines.append(
            f"B while A exports {size:,} events as {fmt.upper()} (A's file ready after "
            f"{time.perf_counter() - started:.1f} s): {seconds(during)}"
        )
        print(lines[-1], flush=True)
    return lines


def measure(size: int, events: Path) -> list[str]:
    """B's filter changes alone, then while A uploads ``events``."""
    lines = []
    with two_sessions() as (page_a, page_b, frame_b):
        lines.append("B alone: " + seconds([change_period(page_b, frame_b, preset) for preset in PRESETS]))
        print(lines[-1], flush=True)
        started = time.perf_counter()
        page_a.locator(EVENTS_UPLOAD).set_input_files(str(events))
        during = changes_until(page_b, frame_b, page_a.get_by_text(f"= {size:,} rows in file"), rounds=3)
        lines.append(
            f"B while A uploads {size:,} events (A's file loaded after {time.perf_counter() - started:.1f} s): "
            f"{seconds(during)}"
        )
        print(lines[-1], flush=True)
    return lines


def write_workbook(frame, path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(frame.columns))
    for row in frame.astype(str).itertuples(index=False):
        sheet.append(list(row))
    book.save(path)


def main() -> None:
    argv = sys.argv[1:]
    export = argv[argv.index("--export") + 1] if "--export" in argv else None
    args = [a for a in argv if not a.startswith("--") and a != export]
    xlsx = "--xlsx" in sys.argv
    size = int(args[0]) if args else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        frame = generate(size)
        if export:
            events = Path(tmp) / "events.csv"
            frame.to_csv(events, index=False)
            lines = measure_export(size, events, export)
            write_section(
                f"Two analysts at once (export {export.upper()})",
                f"python benchmarks/concurrency.py {size} --export {export}",
                "Headless chromium, two sessions of one dashboard: B changes the period preset alone, then\n"
                f"while A prepares a {export.upper()} export of all {size:,} events of its upload\n"
                "(seconds until B's map updated). Target: at most 2 s.\n\n" + "\n".join(f"* {line}" for line in lines),
            )
            return
        if xlsx:
            events = Path(tmp) / "events.xlsx"
            write_workbook(frame, events)
            lines = measure(size, events)
        else:
            events = Path(tmp) / "events.csv"
            frame.to_csv(events, index=False)
            with events.open("a", encoding="utf-8") as handle:  # one ragged record: the slow reader
                handle.write("RAGGED,2022-09-13,Battle,39.5,46.3,extra,fields,beyond,the,header\n")
            lines = measure(size + 1, events)
    write_section(
        "Two analysts at once" + (" (workbook)" if xlsx else ""),
        "python benchmarks/concurrency.py" + (f" {size}" if size != 1_000_000 else "") + (" --xlsx" if xlsx else ""),
        "Headless chromium, two sessions of one dashboard: B changes the period preset alone, then while\n"
        + (
            "A uploads a workbook (openpyxl's reader)"
            if xlsx
            else "A uploads a file that the record-by-record reader must parse"
        )
        + " (seconds until B's map updated).\n"
        "Target: at most 2 s while A uploads.\n\n" + "\n".join(f"* {line}" for line in lines),
    )


if __name__ == "__main__":
    main()
