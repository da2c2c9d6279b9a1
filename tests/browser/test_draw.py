"""Draw to filter in a real browser: shapes drawn with the mouse on the map filter the counts, travel in
the address, open from a link drawn and editable, and Clear area brings every event back."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.app import keys
from dashboard.links import area_rings
from tests.browser.test_dashboard import MAP_IFRAME, counts_text, leaflet_frame, marker_count, open_dashboard

pytestmark = pytest.mark.browser

# Around Sotk, Kut, Norabak and Verin Shorzha (lon 45.80–45.95, lat 40.05–40.25): by hand from data/events.csv,
# AA-035, AA-036, AA-037, AA-045, AA-050, AA-051, AA-052, AA-062 and AA-068 lie inside, 9 of the 58 mapped
# events; Vardenis town (45.72) is 0.08° west of it, the nearest event inside 0.03° from an edge, so a drag a
# few pixels off either way keeps the same events.
SOTK = {"south": 40.05, "west": 45.80, "north": 40.25, "east": 45.95}
SOTK_COUNTS = "9 shown · 49 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
ALL_COUNTS = "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
# A triangle around Jermuk (39.8417 N, 45.6722 E), 0.02° (about 19 px at zoom 10) from its edges: its two
# events AA-043 and AA-061 join the nine.
JERMUK_TRIANGLE = [(39.82, 45.64), (39.82, 45.70), (39.88, 45.67)]
BOTH_COUNTS = "11 shown · 47 filtered out · 19 unmapped · 0 rejected = 77 rows in file"


def map_point(page, lat: float, lon: float) -> tuple[float, float]:
    """Where a place is on the screen: the map's own projection, offset by its frame's position."""
    box = page.locator(MAP_IFRAME).bounding_box()
    point = leaflet_frame(page).evaluate(
        "([lat, lon]) => window.map_div.latLngToContainerPoint([lat, lon])", [lat, lon]
    )
    return box["x"] + point["x"], box["y"] + point["y"]


# Leaflet.draw's polygon tool takes no new corner for 50 ms after each click (its _enableNewMarkers timer),
# which a hand never notices and a test's next click would fall into.
TAKES_A_CORNER = """() => {
    const mode = window.map_div.ccmDrawControl._toolbars.draw._activeMode;
    return Boolean(mode) && mode.handler.enabled() && !mode.handler._disableMarkers;
}"""
CORNERS = "() => window.map_div.ccmDrawControl._toolbars.draw._activeMode.handler._markers.length"


def pick_tool(page, tool: str) -> None:
    page.frame_locator(MAP_IFRAME).locator(f".leaflet-draw-draw-{tool}").click()  # scrolls the map into view


def area_in_address(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get(keys.PARAM_AREA, [])


def test_a_rectangle_drawn_with_the_mouse_filters_and_clear_area_brings_everything_back(session, live_app):
    page, _frame = open_dashboard(session, f"{live_app.url}/?center=40.15,45.87&zoom=10")
    assert marker_count(page) == 58
    pick_tool(page, "rectangle")
    x0, y0 = map_point(page, SOTK["north"], SOTK["west"])
    x1, y1 = map_point(page, SOTK["south"], SOTK["east"])
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, (y0 + y1) / 2, steps=4)
    page.mouse.move(x1, y1, steps=4)
    page.mouse.up()

    page.get_by_text(SOTK_COUNTS).wait_for(timeout=30_000)
    page.wait_for_url(re.compile(rf"[?&]{keys.PARAM_AREA}="), timeout=30_000)
    (value,) = area_in_address(page)
    (ring,) = area_rings(value) or [[]]
    lons, lats = [lon for lon, _ in ring], [lat for _, lat in ring]
    pixel = 360 / (256 * 2**10)  # a pixel's degrees at zoom 10: the drag lands within a few of the corners
    assert len(ring) == 4 and abs(min(lons) - SOTK["west"]) < 3 * pixel and abs(max(lats) - SOTK["north"]) < 3 * pixel
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert "Area: inside the area drawn on the map (rectangle, " in sidebar.inner_text()

    sidebar.get_by_role("button", name="Clear area").click()
    page.get_by_text(ALL_COUNTS).wait_for(timeout=30_000)
    page.wait_for_url(lambda url: keys.PARAM_AREA not in parse_qs(urlparse(url).query), timeout=30_000)
    leaflet_frame(page).wait_for_function("() => window.drawnItems.getLayers().length === 0", timeout=30_000)
    assert counts_text(page) == ALL_COUNTS
    assert session.foreign_requests() == []


def test_a_link_opens_its_area_drawn_and_a_polygon_drawn_beside_it_joins_the_area(session, live_app):
    # A view with the box and Jermuk well inside the map, clear of the legend (bottom right), the playback
    # control (bottom left) and the attribution.
    link = f"{live_app.url}/?center=39.97,45.75&zoom=10&area=45.8,40.05;45.95,40.05;45.95,40.25;45.8,40.25"
    page, _frame = open_dashboard(session, link)
    page.get_by_text(SOTK_COUNTS).wait_for(timeout=30_000)
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function("() => window.drawnItems && window.drawnItems.getLayers().length === 1", timeout=30_000)
    bounds = leaflet.evaluate("() => window.drawnItems.getBounds().toBBoxString()")
    assert [round(float(v), 5) for v in bounds.split(",")] == [45.8, 40.05, 45.95, 40.25]

    pick_tool(page, "polygon")
    for corners, (lat, lon) in enumerate(JERMUK_TRIANGLE):
        leaflet.wait_for_function(TAKES_A_CORNER, timeout=30_000)
        page.mouse.click(*map_point(page, lat, lon))
        leaflet.wait_for_function(f"() => ({CORNERS})() === {corners + 1}", timeout=30_000)
    leaflet.wait_for_function(TAKES_A_CORNER, timeout=30_000)
    page.mouse.click(*map_point(page, *JERMUK_TRIANGLE[0]))  # a click on the first corner closes the polygon
    page.get_by_text(BOTH_COUNTS).wait_for(timeout=30_000)
    page.wait_for_url(lambda url: len(parse_qs(urlparse(url).query).get(keys.PARAM_AREA, [])) == 2, timeout=30_000)
    assert "(2 polygons, " in page.locator('[data-testid="stSidebar"]').inner_text()
    assert session.foreign_requests() == []
