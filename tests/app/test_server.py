"""The server's download rule: which requests it watches, and that it forgets only downloads."""

from __future__ import annotations

import pytest
from streamlit import config

from dashboard.app.server import download_name


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
