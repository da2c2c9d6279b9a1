"""An export's download address answers once: a second fetch of it, by anyone, finds nothing."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard.app import keys
from dashboard.app.server import DOWNLOAD_GRACE_S
from tests.browser.test_dashboard import choose, open_dashboard

pytestmark = pytest.mark.browser

CSV_CHOICE = next(label for label, (fmt, _dpi) in keys.EXPORT_CHOICES.items() if fmt == "csv")


def head_status(url: str) -> int:
    """The address's status, asked with HEAD: a GET would be a download and restart the grace."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def status_once_expired(url: str) -> int:
    """The address's status once the grace after a download has passed (polled with HEAD, bounded)."""
    deadline = time.monotonic() + DOWNLOAD_GRACE_S + 10
    status = head_status(url)
    while status == 200 and time.monotonic() < deadline:
        time.sleep(0.5)
        status = head_status(url)
    return status


def test_an_export_is_downloaded_again_by_clicking_but_its_address_is_gone(session, live_app):
    page, _frame = open_dashboard(session, live_app.url)
    page.get_by_role("tab", name=keys.TAB_EXPORT).click()
    choose(page, "Format", CSV_CHOICE)
    page.get_by_role("button", name="Prepare the file").click()
    button = page.get_by_role("button", name="Download")
    button.wait_for(timeout=60_000)

    with page.expect_download(timeout=30_000) as first:
        button.click()
    download = first.value
    content = Path(download.path()).read_bytes()
    assert content.startswith("\ufeffevent_id,".encode())
    assert "/media/" in download.url
    assert status_once_expired(download.url) == 404, "the address of a finished download must stop answering"

    with page.expect_download(timeout=30_000) as second:
        button.click()
    assert Path(second.value.path()).read_bytes() == content
    assert status_once_expired(second.value.url) == 404
