"""Time building the report PDF (and its figures ZIP) in a fresh interpreter.

    python benchmarks/report.py [N]      (N: synthetic events for the long-table case; default 5000)

The budget (issue 15): a report of the 12–14 Sep 2022 attack, all sections, A4 portrait, in at most
10 s. Measured: the first report of a fresh process (fonts registered, nothing drawn before), then
three more (median), each of the four preset periods, the figures ZIP of Sept 2022, and the events
table alone for N synthetic events (how long tables scale). Prints the figures and writes them to the
"Report" section of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from dashboard.config import BUNDLED_EVENTS_PATH  # noqa: E402
from dashboard.export.report import ReportSpec, figures_zip, report_pdf  # noqa: E402
from dashboard.filters import EventFilter  # noqa: E402
from dashboard.geo.join import load_boundaries  # noqa: E402
from dashboard.pipeline import load_joined_events, select_events  # noqa: E402
from dashboard.vocab import DATE_PRESETS  # noqa: E402

BUDGET_S = 10.0
SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))


def timed(step, *args, **kwargs) -> tuple[float, bytes]:
    began = time.perf_counter()
    data = step(*args, **kwargs)
    return time.perf_counter() - began, data


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    boundaries = load_boundaries()
    table = load_joined_events(BUNDLED_EVENTS_PATH, boundaries)
    sept = select_events(table, "nkao_1991", SEPT_2022)
    spec = ReportSpec(title="Attack on Armenia, 12–14 September 2022")
    first, data = timed(report_pdf, sept, SEPT_2022, "nkao_1991", boundaries, spec)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    again = [timed(report_pdf, sept, SEPT_2022, "nkao_1991", boundaries, spec)[0] for _ in range(3)]
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "dashboard", "report", "--out", str(Path(folder) / "sept.pdf"),
             "--start", "2022-09-12", "--end", "2022-09-14"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
        command = time.perf_counter() - began
    verdict = "met" if max(first, *again, command) <= BUDGET_S else "NOT met"
    lines = [
        f"* Sept 2022 attack ({sept.counts.shown} events, {pages} pages, {len(data) / 1e6:.1f} MB): first report of "
        f"the process {first:.2f} s; then {', '.join(f'{t:.2f}' for t in again)} s (median "
        f"{statistics.median(again):.2f} s); the whole command `python -m dashboard report` (start, imports, "
        f"loading and joining the data, the report) {command:.2f} s. Budget {BUDGET_S:g} s: {verdict}."
    ]
    zipped, archive = timed(figures_zip, sept, SEPT_2022, "nkao_1991", boundaries, spec)
    lines.append(f"* Sept 2022 figures ZIP (PNG 300 dpi + SVG + CSV): {zipped:.2f} s, {len(archive) / 1e6:.1f} MB")
    for name, (start, end) in DATE_PRESETS.items():
        flt = EventFilter(start=start, end=end)
        selection = select_events(table, "nkao_1991", flt)
        seconds, data = timed(report_pdf, selection, flt, "nkao_1991", boundaries, ReportSpec(title=name))
        pages = len(PdfReader(io.BytesIO(data)).pages)
        lines.append(f"* {name}: {selection.counts.shown} events, {pages} pages, {seconds:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.csv"
        generate(n).to_csv(path, index=False)
        synthetic = load_joined_events(path, boundaries)
    everything = select_events(synthetic, "nkao_1991", EventFilter())
    seconds, data = timed(report_pdf, everything, EventFilter(), "nkao_1991", boundaries,
                          ReportSpec(title="synthetic", sections=("events",)))  # fmt: skip
    pages = len(PdfReader(io.BytesIO(data)).pages)
    lines.append(f"* events table alone, {everything.counts.shown:,} synthetic events: {pages} pages, {seconds:.2f} s")
    body = (
        "All sections, A4 portrait, the bundled data; the maps and the timeline are drawn by matplotlib as PDF "
        "and merged onto the pages as vectors.\n\n" + "\n".join(lines)
    )
    print(body)
    write_section("Report", f"python benchmarks/report.py {n}", body)


if __name__ == "__main__":
    main()
