"""A live dashboard and a real chromium for the browser tests.

The tests skip with a message when Debian's chromium is missing on a developer
machine, and fail instead when CI=true, where .ci/run installs it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts"
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}

pytestmark = pytest.mark.browser


def _require_browser() -> None:
    missing = not CHROMIUM.exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        message = "browser tests need Debian's chromium (/usr/bin/chromium) and playwright: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveApp:
    url: str
    process: subprocess.Popen = field(repr=False)


def start_app(events_path: Path | None = None, port: int | None = None) -> LiveApp:
    port = port or _free_port()
    env = {**os.environ, "CCM_EVENTS_PATH": str(events_path or "")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app" / "server.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return LiveApp(url=url, process=process)
        except OSError:
            time.sleep(0.3)
        if process.poll() is not None:
            break
    process.kill()
    raise RuntimeError(f"streamlit did not start: {process.stderr.read() if process.stderr else ''}")


def stop_app(app: LiveApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        app.process.kill()


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_app(browser) -> Iterator[LiveApp]:
    app = start_app()
    yield app
    stop_app(app)


@pytest.fixture(scope="session")
def live_app_factory(browser) -> Iterator[Callable[[Path], LiveApp]]:
    started: list[LiveApp] = []

    def make(events_path: Path) -> LiveApp:
        app = start_app(events_path)
        started.append(app)
        return app

    yield make
    for app in started:
        stop_app(app)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@dataclass
class Session:
    """A browser page plus what it requested and any dialog it tried to open."""

    page: object
    requests: list[str]
    dialogs: list[str]

    def foreign_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if urlparse(u).scheme in ("http", "https", "ws", "wss") and urlparse(u).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def session(browser, request) -> Iterator[Session]:
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield Session(page=page, requests=requests, dialogs=dialogs)
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()


# How much of the place basemap (towns, province names and lines) a page has drawn: its canvas
# tiles in the ccm-places pane and their painted pixels. Text on canvas cannot be read back, so the
# test asserts that labels were drawn at all, and the unit tests what the tiles hold.
PLACES_DRAWN = """() => {
    const tiles = [...document.querySelectorAll('.leaflet-ccm-places-pane canvas.leaflet-tile-loaded')];
    let painted = 0;
    for (const tile of tiles) {
        const pixels = tile.getContext('2d').getImageData(0, 0, tile.width, tile.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    }
    return {tiles: tiles.length, painted: painted};
}"""


# The sidebar's events uploader (the area uploader under More filters takes .geojson only).
EVENTS_UPLOAD = 'input[type="file"][accept*=".csv"]'


def open_offline(page, page_file: Path) -> list[str]:
    """Open a saved page with every request that is not a local file or data: URL refused; the list
    of refused URLs fills as the page loads (an offline page leaves it empty)."""
    blocked: list[str] = []

    def only_local_files(route) -> None:
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", only_local_files)
    page.goto(page_file.as_uri())
    return blocked
