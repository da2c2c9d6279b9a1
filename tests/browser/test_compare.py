"""The comparison of two periods in a browser: the pair of maps moves together and stays offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.browser.test_dashboard import SEPT_2022, choose, open_dashboard

pytestmark = pytest.mark.browser

# The names of the distinct Leaflet maps of a frame (streamlit-folium also keeps a map as window.map).
PAIR_MAPS = """() => { if (typeof L === 'undefined') { return []; } var seen = [], names = [];
    Object.keys(window).forEach(function (k) {
        if (window[k] instanceof L.Map && seen.indexOf(window[k]) < 0) { seen.push(window[k]); names.push(k); } });
    return names; }"""


def pair_frame(page):
    """The map frame that holds two Leaflet maps (the period pair), once both exist."""
    for frame in page.frames:
        if "streamlit_folium" not in frame.url:
            continue
        try:
            if len(frame.evaluate(PAIR_MAPS)) == 2:
                return frame
        except PlaywrightError:  # a frame being replaced during a rerun
            continue
    return None


def test_the_two_periods_maps_move_together_offline(session, live_app):
    page, _ = open_dashboard(session, live_app.url)
    choose(page, "Period", SEPT_2022)
    # As a reader would, wait for the period to take effect before opening the tab.
    page.wait_for_function("() => /^15 shown · /m.test(document.body.innerText)", timeout=60_000)
    page.get_by_role("tab", name="Compare periods").click()
    page.get_by_text("A: 12–14 Sep 2022 vs B: 9–11 Sep 2022", exact=False).wait_for(timeout=60_000)
    page.wait_for_function(  # a frame holding two distinct Leaflet maps: the pair is built
        """() => Array.from(document.querySelectorAll('iframe')).some(f => {
            try { var w = f.contentWindow;
                  return !!w.L && w.map_div instanceof w.L.Map && w.map_div2 instanceof w.L.Map; }
            catch (e) { return false; } })""",
        timeout=60_000,
    )
    frame = pair_frame(page)
    assert frame is not None
    left, right = frame.evaluate(PAIR_MAPS)
    frame.wait_for_function("() => document.querySelectorAll('.ccm-info').length >= 2", timeout=10_000)
    headings = frame.locator(".ccm-info").all_inner_texts()
    assert "A: 12–14 Sep 2022 — 15 events" in headings and "B: 9–11 Sep 2022 — 0 events" in headings
    frame.evaluate(f"() => window['{left}'].setView([39.5, 46.3], 9, {{animate: false}})")
    frame.wait_for_function(
        f"() => window['{right}'].getZoom() === 9 && Math.abs(window['{right}'].getCenter().lat - 39.5) < 1e-6",
        timeout=10_000,
    )
    # And the other way round.
    frame.evaluate(f"() => window['{right}'].setView([40.2, 45.6], 10, {{animate: false}})")
    frame.wait_for_function(
        f"() => window['{left}'].getZoom() === 10 && Math.abs(window['{left}'].getCenter().lng - 45.6) < 1e-6",
        timeout=10_000,
    )
    assert session.foreign_requests() == []
