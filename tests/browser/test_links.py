"""Shareable links in a real browser: the address a page shows opens the same view in a fresh one."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.app import keys
from tests.browser.test_dashboard import (
    MAP_IFRAME,
    SEPT_2022,
    choose,
    counts_text,
    leaflet_frame,
    move_map,
    open_dashboard,
)

pytestmark = pytest.mark.browser

MAP_STATE = "() => [window.map_div.getZoom(), window.map_div.getCenter().lat, window.map_div.getCenter().lng]"


def test_the_address_restores_counts_view_and_tab_in_a_fresh_browser(session, live_app, browser):
    page, _frame = open_dashboard(session, live_app.url)
    choose(page, "Period", SEPT_2022)
    page.get_by_text("15 shown · 43 filtered out").wait_for(timeout=30_000)
    page.get_by_role("tab", name=keys.TAB_COUNTS).click()
    page.wait_for_url(re.compile(r"tab="), timeout=30_000)
    move_map(page, (39.6, 46.1), 9)
    page.wait_for_url(re.compile(r"zoom=9"), timeout=30_000)
    counts = counts_text(page)
    link = page.url
    query = parse_qs(urlparse(link).query)
    assert query[keys.KEY_DATES] == ["2022-09-12", "2022-09-14"] and query[keys.KEY_TAB] == [keys.TAB_COUNTS]
    assert query[keys.PARAM_CENTER] == ["39.6,46.1"] and query[keys.PARAM_ZOOM] == ["9"]
    # The link shown in the sidebar is the page's address, once the rerun that wrote the view has drawn it
    # (the address changes as that rerun starts sending, the box when its turn comes).
    code = page.locator('[data-testid="stSidebar"] [data-testid="stMarkdown"] code').filter(has_text="zoom=9")
    code.wait_for(timeout=30_000)
    shown = code.inner_text()
    assert parse_qs(urlparse(shown.strip()).query) == query

    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    try:
        fresh = context.new_page()
        fresh.goto(link)
        fresh.wait_for_selector(MAP_IFRAME, timeout=60_000)
        fresh.get_by_text(counts).wait_for(timeout=30_000)
        leaflet = leaflet_frame(fresh)
        leaflet.wait_for_function("() => window.map_div && window.map_div.getZoom() === 9", timeout=30_000)
        zoom, lat, lng = leaflet.evaluate(MAP_STATE)
        pixel = 360 / (256 * 2**zoom)  # Leaflet puts the centre on a whole pixel: one pixel's degrees
        assert zoom == 9 and abs(lat - 39.6) < pixel and abs(lng - 46.1) < pixel
        selected = fresh.get_by_role("tab", selected=True).inner_text()
        assert selected == keys.TAB_COUNTS
        assert counts_text(fresh) == counts
        assert not fresh.get_by_text("not known here").count()
    finally:
        context.close()


def test_a_malformed_link_says_what_it_ignored(session, live_app):
    page = session.page
    page.goto(f"{live_app.url}/?event_types=Riot&zoom=abc&date_range=2022-13-45&tab=Nowhere")
    note = page.get_by_text(re.compile("not known here and replaced by the default"))
    note.wait_for(timeout=60_000)
    text = note.inner_text()
    assert "event type “Riot”" in text and "zoom “abc”" in text and "tab “Nowhere”" in text
    assert counts_text(page) == "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
    assert page.get_by_text("Traceback").count() == 0


def test_the_copy_button_copies_the_address(session, live_app):
    page, _frame = open_dashboard(session, live_app.url)
    counts_text(page)
    button = page.locator('[data-testid="stSidebar"] iframe').first
    button.wait_for(timeout=30_000)
    frame = button.element_handle().content_frame()
    frame.locator("#copy").click()  # waits for the frame's button to exist
    frame.wait_for_function("() => window.__copied !== undefined", timeout=10_000)
    assert frame.evaluate("() => window.__copied") == page.url
