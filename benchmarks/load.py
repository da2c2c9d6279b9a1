"""Many analysts at once: N concurrent browser sessions changing filters on one dashboard of 100k events.

    python benchmarks/load.py [--sessions N] [--changes M] [--events E] [--budget SECONDS]
    (defaults: 10 sessions, 5 changes each, 100000 synthetic events, 900 s in all)

Writes E synthetic events (generate_events.py) and starts `streamlit run dashboard/app/server.py` on
127.0.0.1 with CCM_EVENTS_PATH naming that file, as a team server would serve its data: every
session reads the dashboard's own data, nobody uploads. One headless chromium opens N browser
contexts (Playwright's async API), all at once; once every session shows its counts line
("N shown · …"), each session makes M filter changes back to back, all sessions concurrently,
cycling through the period preset, an event type removed or added back, and a region removed or
added back (each session starts at a different point of the cycle, so the server sees a mix).
Each change is timed from the click until the counts line shows new figures.

The table cache (CCM_CACHE_DIR) is a fresh directory, so the server starts cold and the opening
figure includes reading and joining the file once.

Errors: exceptions and timeouts in a session (60 s per change) and Streamlit error boxes on a page.
Server RSS: the streamlit process and its children, read from /proc every 0.25 s through the run.
Bounded: loopback only; the whole run stops after --budget seconds, and the server is stopped
if its RSS passes 8 GiB. Prints the figures and writes the "Many analysts at once" section of
benchmarks/RESULTS.md. Targets (issue 16): 10 sessions × 5 changes, 0 errors, median ≤ 2 s,
RSS ≤ 4 GB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.browser_timing import PRESETS  # noqa: E402
from benchmarks.generate_events import generate  # noqa: E402
from benchmarks.results import write_section  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS, start_app, stop_app  # noqa: E402

COUNTS = re.compile(r"[\d,]+ shown · [\d,]+ filtered out")
ERROR_BOXES = '[data-testid="stException"], [data-testid="stAlertContentError"]'
CHANGE_TIMEOUT_MS = 60_000
OPEN_TIMEOUT_MS = 300_000
RSS_LIMIT = 8 * 2**30
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The filters each session changes in turn; every change alters the counts of the synthetic data.
# The period moves to the next preset (from all dates: the 2020 war, the Sept 2022 attack, all dates
# again); an event type or a region is removed, and added back on its next turn.
KINDS = [("Period", ""), ("Event type", "Battle"), ("Region", "Armenia")]
PERIODS = [PRESETS[2], PRESETS[0], PRESETS[1]]  # All dates first: where a session opens


def tree(root: int) -> list[int]:
    """``root`` and all its descendants' process ids, from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants."""
    total = 0
    for pid in tree(root):
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except OSError:
            continue
    return total


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and its living descendants."""
    total = 0
    for pid in tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


class RssSampler(threading.Thread):
    """The server tree's RSS every ``interval`` seconds; stops the server past ``limit``."""

    def __init__(self, process, interval: float = 0.25, limit: int = RSS_LIMIT) -> None:
        super().__init__(daemon=True)
        self.process, self.interval, self.limit = process, interval, limit
        self.samples: list[tuple[float, int]] = []
        self.loads: list[float] = []  # the machine's 1-minute load average: other work competes for the cores
        # (seconds since start, server CPU seconds, browser CPU seconds: chromium and Playwright's driver)
        self.cpu: list[tuple[float, float, float]] = []
        self.started = time.perf_counter()
        self.changing_from: float | None = None  # when the sessions began changing filters
        self.changing_until: float | None = None  # and when the last one had finished (its browser still open)
        self.stopped = threading.Event()
        self.killed = False

    def run(self) -> None:
        while not self.stopped.is_set() and self.process.poll() is None:
            rss = tree_rss(self.process.pid)
            at = time.perf_counter() - self.started
            self.samples.append((at, rss))
            self.cpu.append((at, tree_cpu(self.process.pid), tree_cpu(os.getpid()) - tree_cpu_self()))
            self.loads.append(float(Path("/proc/loadavg").read_text().split()[0]))
            if rss > self.limit:
                self.killed = True
                self.process.kill()
                return
            self.stopped.wait(self.interval)

    def peak(self, since: float = 0.0) -> int:
        return max((rss for at, rss in self.samples if at >= since), default=0)

    def cpu_used(self) -> tuple[float, float, float]:
        """While the sessions changed filters: its seconds, and the CPU seconds of the server and the browser."""
        start, end = self.changing_from, self.changing_until
        during = [c for c in self.cpu if start is not None and end is not None and start <= c[0] <= end]
        if len(during) < 2:
            return float("nan"), float("nan"), float("nan")
        (t0, s0, b0), (t1, s1, b1) = during[0], during[-1]
        return t1 - t0, s1 - s0, b1 - b0


def tree_cpu_self() -> float:
    times = os.times()
    return times.user + times.system


@dataclass
class SessionResult:
    number: int
    opened: float | None = None
    changes: list[tuple[str, float]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class Filters:
    """What one session's sidebar is set to, so that its next change is known to alter the counts."""

    period: int = 0
    removed: set[str] = field(default_factory=set)

    def next_change(self, kind: int) -> tuple[str, str, bool]:
        widget, option = KINDS[kind % len(KINDS)]
        if widget == "Period":
            self.period = (self.period + 1) % len(PERIODS)
            return widget, PERIODS[self.period], True
        add = option in self.removed
        self.removed ^= {option}
        return widget, option, add


def describe(widget: str, option: str, add: bool) -> str:
    if widget == "Period":
        return f"period '{option.split(' (')[0]}'"
    return f"{widget.lower()} {'+' if add else '−'}{option}"


async def counts(page) -> str:
    return await page.get_by_text(COUNTS).first.inner_text()


async def pick(page, widget: str, option: str, attempts: int = 3) -> None:
    """Open the list of ``widget`` and click ``option``; a list closed by a rerun as it opened is opened again."""
    choice = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        await page.get_by_role("combobox", name=widget).click()
        try:
            await choice.wait_for(state="visible", timeout=5_000)
        except Exception:
            if attempt == attempts - 1:
                raise
            await page.keyboard.press("Escape")
            continue
        await choice.click()
        return


async def change(page, widget: str, option: str, add: bool) -> float:
    """Make one filter change; seconds from the click until the counts line shows other figures."""
    before = await counts(page)
    if add:
        await pick(page, widget, option)
    else:
        box = page.locator('[data-testid="stMultiSelect"]').filter(has=page.get_by_role("combobox", name=widget))
        await box.get_by_role("button", name=f"Remove {option}", exact=True).click()
    started = time.perf_counter()
    await page.wait_for_function(
        """([pattern, before]) => {
            const re = new RegExp(pattern);
            const el = [...document.querySelectorAll('[data-testid="stCaptionContainer"]')]
                .find(e => re.test(e.textContent));
            return el && el.textContent.trim() !== before.trim();
        }""",
        arg=[COUNTS.pattern, before],
        timeout=CHANGE_TIMEOUT_MS,
        polling=50,
    )
    elapsed = time.perf_counter() - started
    await page.keyboard.press("Escape")  # close any list left open, as an analyst would
    return elapsed


async def run_session(
    browser, url: str, number: int, changes: int, gate: asyncio.Barrier, sampler: RssSampler
) -> SessionResult:
    result = SessionResult(number)
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        started = time.perf_counter()
        await page.goto(url)
        await page.get_by_text(COUNTS).first.wait_for(timeout=OPEN_TIMEOUT_MS)
        result.opened = time.perf_counter() - started
    except Exception as exc:
        result.errors.append(f"open: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    await gate.wait()  # every session open before the first change
    if number == 0:
        sampler.changing_from = time.perf_counter() - sampler.started
    if result.opened is not None:
        filters = Filters()
        for step in range(changes):
            widget, option, add = filters.next_change(number + step)
            what = describe(widget, option, add)
            try:
                result.changes.append((what, await change(page, widget, option, add)))
            except Exception as exc:
                result.errors.append(f"{what}: {type(exc).__name__}: {str(exc).splitlines()[0]}")
                if os.environ.get("CCM_LOAD_SHOTS"):  # where a failed change left the page, for diagnosis
                    await page.screenshot(path=f"{os.environ['CCM_LOAD_SHOTS']}/session{number}.png")
                break  # the session's filters are no longer known
            boxes = await page.locator(ERROR_BOXES).all_inner_texts()
            if boxes:
                result.errors.append(f"{what}: error box: {boxes[0].splitlines()[0][:200]}")
                break
    return result


async def drive(url: str, sessions: int, changes: int, sampler: RssSampler) -> list[SessionResult]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        gate = asyncio.Barrier(sessions)
        results = await asyncio.gather(*(run_session(browser, url, n, changes, gate, sampler) for n in range(sessions)))
        sampler.stopped.wait(2 * sampler.interval)  # one more sample with every page still open
        sampler.changing_until = time.perf_counter() - sampler.started
        await browser.close()
    return list(results)


def gib(size: int) -> str:
    return f"{size / 2**30:.2f} GiB"


def measure(sessions: int, changes: int, size: int, budget: float) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="ccm_load_") as tmp:
        events = Path(tmp) / f"events_{size}.csv"
        generate(size).to_csv(events, index=False)
        os.environ["CCM_CACHE_DIR"] = str(Path(tmp) / "cache")  # a cold server: the first session joins the file
        app = start_app(events)
        sampler = RssSampler(app.process)
        sampler.start()
        started = time.perf_counter()
        try:
            results = asyncio.run(asyncio.wait_for(drive(app.url, sessions, changes, sampler), timeout=budget))
        finally:
            wall = time.perf_counter() - started
            sampler.stopped.set()
            sampler.join()
            stop_app(app)
    if sampler.killed:
        raise SystemExit(f"server stopped: its RSS passed {gib(RSS_LIMIT)}")
    times = [seconds for r in results for _what, seconds in r.changes]
    errors = [f"session {r.number}: {e}" for r in results for e in r.errors]
    opened = [r.opened for r in results if r.opened is not None]
    peak = sampler.peak()
    median = statistics.median(times) if times else float("nan")
    worst = max(times, default=float("nan"))
    met = not errors and len(times) == sessions * changes and median <= 2.0 and peak <= 4 * 10**9
    span, server_cpu, browser_cpu = sampler.cpu_used()
    by_kind: dict[str, list[float]] = {}
    for r in results:
        for what, seconds in r.changes:
            by_kind.setdefault(what, []).append(seconds)
    lines = [
        f"{sessions} sessions × {changes} changes on {size:,} events: {len(times)} of {sessions * changes} changes "
        f"timed, {len(errors)} errors",
        f"time to updated counts: median {median:.2f} s, max {worst:.2f} s"
        + (f", 90th percentile {statistics.quantiles(times, n=10)[-1]:.2f} s" if len(times) >= 10 else ""),
        "first counts line per session after opening, all at once: "
        + (f"median {statistics.median(opened):.1f} s, max {max(opened):.1f} s" if opened else "none"),
        f"server RSS (streamlit and children): peak {gib(peak)}"
        f" ({peak / 1e9:.2f} GB), {gib(sampler.samples[0][1]) if sampler.samples else '?'} at start",
        "by change: "
        + "; ".join(f"{what} median {statistics.median(v):.2f} s (n={len(v)})" for what, v in sorted(by_kind.items())),
        f"while the sessions changed filters ({span:.0f} s): server {server_cpu:.1f} CPU s "
        f"({server_cpu / span:.2f} cores, {server_cpu / max(len(times), 1):.2f} CPU s per change), "
        f"browser {browser_cpu:.1f} CPU s ({browser_cpu / span:.2f} cores)",
        f"machine load (1-minute load average) during the run: mean {statistics.fmean(sampler.loads or [0]):.1f}, "
        f"max {max(sampler.loads, default=0):.1f} on {os.cpu_count()} cores (server, chromium and anything else)",
        f"whole run {wall:.0f} s; targets (0 errors, median ≤ 2 s, RSS ≤ 4 GB): {'met' if met else 'not met'}",
    ]
    lines += errors[:20]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--changes", type=int, default=5)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--budget", type=float, default=900.0, help="seconds for the whole browser run")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    lines = measure(args.sessions, args.changes, args.events, args.budget)
    for line in lines:
        print(line, flush=True)
    if args.no_write:
        return
    heading = "Many analysts at once" + ("" if args.sessions == 10 else f" ({args.sessions} sessions)")
    write_section(
        heading,
        "python benchmarks/load.py"
        + (f" --sessions {args.sessions}" if args.sessions != 10 else "")
        + (f" --changes {args.changes}" if args.changes != 5 else "")
        + (f" --events {args.events}" if args.events != 100_000 else ""),
        "One dashboard (`streamlit run`, loopback) serving synthetic events through CCM_EVENTS_PATH; one\n"
        "headless chromium on the same machine opens the sessions at once, then every session changes its\n"
        "filters back to back (period preset, an event type, a region), all concurrently. Each figure runs\n"
        "from the click until that session's counts line shows new figures. Targets (issue 16): 0 errors,\n"
        "median ≤ 2 s, server RSS ≤ 4 GB.\n\n" + "\n".join(f"* {line}" for line in lines),
    )


if __name__ == "__main__":
    main()
