"""The server's download rule (which requests it watches, when it forgets what it sent) and its map bundle."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from starlette.requests import Request
from starlette.responses import Response
from streamlit import config

from dashboard.app.server import BUNDLE_URL, download_name, send_bundle
from dashboard.webmap.assets import bundle_files, bundle_url


def http_get(path: str, method: str = "GET") -> dict:
    return {"type": "http", "method": method, "path": path}


@pytest.fixture
def base_url_path():
    before = config.get_option("server.baseUrlPath")
    yield lambda value: config.set_option("server.baseUrlPath", value)
    config.set_option("server.baseUrlPath", before)


def test_only_gets_of_the_media_route_are_downloads():
    assert download_name(http_get("/media/3f2a.csv")) == "3f2a.csv"
    assert download_name(http_get("/media/3f2a.csv", method="HEAD")) is None
    assert download_name(http_get("/static/media/SourceSans.woff2")) is None, "the page's own fonts"
    assert download_name(http_get("/app/static/js/packed-events.js")) is None
    assert download_name(http_get("/media/")) is None
    assert download_name(http_get("/media/a/b.csv")) is None
    assert download_name({"type": "websocket", "path": "/media/3f2a.csv"}) is None


def test_the_media_route_follows_the_base_url_path(base_url_path):
    base_url_path("ccm/")
    assert download_name(http_get("/ccm/media/3f2a.csv")) == "3f2a.csv"
    assert download_name(http_get("/media/3f2a.csv")) is None


class Timers:
    """A stand-in for the event loop's call_later: timers run when the test says the time is up."""

    def __init__(self) -> None:
        self.pending: list[list] = []  # [delay, callback, cancelled]

    def __call__(self, delay, callback):
        timer = [delay, callback, False]
        self.pending.append(timer)

        class Handle:
            def cancel(self) -> None:
                timer[2] = True

        return Handle()

    def run_out(self) -> None:
        for _delay, callback, cancelled in self.pending:
            if not cancelled:
                callback()
        self.pending.clear()


def test_a_download_sent_whole_is_forgotten_after_the_grace_and_a_repeat_restarts_it(monkeypatch):
    from dashboard.app import server

    forgotten: list[str] = []
    monkeypatch.setattr(server, "forget_download", forgotten.append)
    timers = Timers()
    now = [100.0]
    middleware = server.OneShotDownloads(lambda *a: None, schedule=timers, clock=lambda: now[0])

    async def app(scope, receive, send):
        status = 206 if scope["path"].endswith("part.csv") else 200
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"x", "more_body": False})

    middleware.app = app
    import asyncio

    async def noop(_message):
        return None

    def fetch(path: str) -> None:
        asyncio.run(middleware(http_get(path), None, noop))

    fetch("/media/part.csv")  # a partial (Range) answer does not start the grace
    fetch("/static/media/font.woff2")  # nor does anything but the media route
    assert timers.pending == []
    fetch("/media/3f2a.csv")
    fetch("/media/3f2a.csv")  # the same file sent again: one live timer, the newer
    assert [t[0] for t in timers.pending] == [server.DOWNLOAD_GRACE_S] * 2
    assert [t[2] for t in timers.pending] == [True, False]
    now[0] += server.DOWNLOAD_LIFETIME_S - 1  # fetched again and again: the lifetime still ends
    fetch("/media/3f2a.csv")
    assert timers.pending[-1][0] == pytest.approx(1.0)
    timers.run_out()
    assert forgotten == ["3f2a.csv"]


def test_only_downloadable_files_are_forgotten_never_the_pages_media(monkeypatch):
    from types import SimpleNamespace

    from streamlit.runtime.media_file_storage import MediaFileKind

    from dashboard.app import server

    stored = {"3f2a": MediaFileKind.DOWNLOADABLE, "b7c1": MediaFileKind.MEDIA}
    deleted: list[str] = []
    manager = SimpleNamespace(
        can_read_files=True,
        read_file=lambda name: (
            SimpleNamespace(kind=stored[name.split(".")[0]]) if name.split(".")[0] in stored else None
        ),
        _storage=SimpleNamespace(delete_file=deleted.append),
    )
    runtime = SimpleNamespace(exists=lambda: True, instance=lambda: SimpleNamespace(media_file_mgr=manager))
    monkeypatch.setattr(server, "Runtime", runtime)
    assert server.forget_download("3f2a.csv") is True
    assert server.forget_download("b7c1.png") is False  # an image the page shows
    assert server.forget_download("0000.csv") is False  # already gone
    assert deleted == ["3f2a"]


def get_bundle(name: str, accept_encoding: str) -> Response:
    scope = {
        "type": "http",
        "method": "GET",
        "path": f"{BUNDLE_URL}/{name}",
        "headers": [(b"accept-encoding", accept_encoding.encode())],
        "path_params": {"name": name},
    }
    return asyncio.run(send_bundle(Request(scope)))


def test_the_maps_bundle_is_sent_compressed_and_kept_for_good():
    script_name = bundle_url("js").rsplit("/", 1)[1]
    response = get_bundle(script_name, "gzip, deflate, br")
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(response.body) == bundle_files()[script_name].body
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["content-type"].startswith("application/javascript")
    plain = get_bundle(bundle_url("css").rsplit("/", 1)[1], "identity")
    assert "content-encoding" not in plain.headers
    assert plain.body.startswith(b"/* vendor/leaflet/leaflet.css */")
    # A page loaded before the scripts changed asks for a name this server no longer has.
    gone = get_bundle("map.0000000000000000.js", "gzip")
    assert gone.status_code == 404 and b"changed since this page was loaded" in gone.body
