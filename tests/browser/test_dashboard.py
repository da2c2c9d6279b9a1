"""What only a browser shows: the rendered map, its requests, popups, filters and escaping."""

from __future__ import annotations

import re

import pytest

from dashboard.vocab import DATE_PRESETS
from tests.browser.conftest import EVENTS_UPLOAD, PLACES_DRAWN

pytestmark = pytest.mark.browser

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
SEPT_2022 = next(name for name in DATE_PRESETS if "Sep 2022" in name)
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_SCRIPT = "<script>alert(1)</script>"


def open_dashboard(session, url: str):
    page = session.page
    page.goto(url)
    page.wait_for_selector(MAP_IFRAME, timeout=60_000)
    frame = page.frame_locator(MAP_IFRAME)
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    return page, frame


def leaflet_frame(page):
    return next(f for f in page.frames if "streamlit_folium" in f.url)


def marker_count(page) -> int:
    frame = leaflet_frame(page)
    frame.wait_for_function("() => window.feature_group && window.feature_group.length > 0", timeout=30_000)
    return frame.evaluate(
        "() => window.feature_group[window.feature_group.length - 1].getLayers()"
        ".reduce((n, layer) => n + (layer.getLayers ? layer.getLayers().length : 1), 0)"
    )


def counts_text(page) -> str:
    caption = page.get_by_text(re.compile(r"[\d,]+ shown · [\d,]+ filtered out"))
    caption.wait_for(timeout=30_000)
    return caption.inner_text()


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()


def test_map_renders_boundaries_events_legend_and_attribution(session, live_app):
    page, frame = open_dashboard(session, live_app.url)
    assert frame.locator(".leaflet-overlay-pane path").count() >= 3  # countries, Nagorno-Karabakh, context
    assert marker_count(page) == 58
    assert frame.locator(".ccm-cluster").count() + frame.locator("path.leaflet-interactive").count() > 0
    legend = frame.locator(".ccm-legend").inner_text()
    assert "Battle" in legend and "Nagorno-Karabakh" in legend
    assert "OpenStreetMap contributors" in frame.locator(".leaflet-control-attribution").inner_text()
    labels = frame.locator(".ccm-label").all_text_contents()
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Lake Sevan", "Caspian Sea"} <= set(labels)
    assert counts_text(page) == "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"


def test_every_request_stays_on_localhost(session, live_app):
    page, _frame = open_dashboard(session, live_app.url)
    marker_count(page)
    page.wait_for_timeout(1500)
    assert session.requests, "no request was recorded"
    assert session.foreign_requests() == []
    # The map's scripts and styles arrive as one file each, not one request per script in a row, and
    # its boundary layers as one script of their own.
    bundle = sorted(url.rsplit("/", 1)[1].split(".", 1)[0] + "." + url.rsplit(".", 1)[1]
                    for url in session.requests if "/ccm/bundle/" in url)  # fmt: skip
    assert bundle == ["layers.js", "map.css", "map.js"]
    assert not [url for url in session.requests if "/app/static/" in url and url.endswith((".js", ".css"))]


# Set in the page before the map moves: "sent" once streamlit-folium has reported the
# map's current view, "done" once the rerun that report caused has finished.
WATCH_VIEW_REPORT = """(iframe) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const map = document.querySelector(iframe).contentWindow.map_div;
    window.__viewReport = "waiting";
    window.addEventListener("message", (e) => {
        if (window.__viewReport === "waiting" && e.data && e.data.type === "streamlit:setComponentValue"
            && JSON.stringify(e.data.value.bounds) === JSON.stringify(map.getBounds())) window.__viewReport = "sent";
    });
    // On a busy machine a whole run (running, then notRunning) can pass before the observer is
    // called: the records' old values still show it.
    new MutationObserver((records) => {
        if (window.__viewReport !== "sent" && window.__viewReport !== "running") return;
        const state = app.getAttribute("data-test-script-state");
        const ran = state !== "notRunning" || records.some(r => r.oldValue && r.oldValue !== "notRunning");
        if (window.__viewReport === "sent" && ran) window.__viewReport = "running";
        if (window.__viewReport === "running" && state === "notRunning") window.__viewReport = "done";
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"], attributeOldValue: true});
}"""


def move_map(page, center: tuple[float, float], zoom: int) -> None:
    """Move the map as a user would, and return once the app has taken in the new view.

    streamlit-folium reports a view 250 ms after the move (debounced), with the values
    the browser holds for every widget. A filter chosen inside that window is answered
    by a rerun whose result the map's late report then overwrites with the old values.
    """
    page.evaluate(WATCH_VIEW_REPORT, MAP_IFRAME)
    leaflet_frame(page).evaluate(
        "([center, zoom]) => { window.__kept = true; window.map_div.setView(center, zoom, {animate: false}); }",
        [list(center), zoom],
    )
    page.wait_for_function("() => window.__viewReport === 'done'", timeout=30_000)


def test_the_place_basemap_is_read_from_the_dashboards_own_server_in_ranges(session, live_app):
    page = session.page
    responses: list[tuple[int, str | None]] = []
    page.on(
        "response", lambda r: "places.pmtiles" in r.url and responses.append((r.status, r.request.headers.get("range")))
    )
    page, _frame = open_dashboard(session, live_app.url)
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function(f"() => ({PLACES_DRAWN})().painted > 2000", timeout=30_000)
    # Zoomed in, the map needs tiles it has not read yet: wait for one of them to arrive.
    with page.expect_response(lambda r: "places.pmtiles" in r.url, timeout=30_000):
        move_map(page, (40.2, 45.86), 11)  # Sotk: village names from zoom 11
    leaflet.wait_for_function(f"() => ({PLACES_DRAWN})().painted > 2000", timeout=30_000)
    assert responses, "no read of the place basemap was seen"
    assert all(status == 206 and (byte_range or "").startswith("bytes=") for status, byte_range in responses)
    assert session.foreign_requests() == []


def test_filter_changes_markers_and_counts_but_keeps_the_view(session, live_app):
    page, _frame = open_dashboard(session, live_app.url)
    assert marker_count(page) == 58
    leaflet = leaflet_frame(page)
    move_map(page, (39.5, 46.2), 9)
    choose(page, "Period", SEPT_2022)
    page.get_by_text("15 shown · 43 filtered out").wait_for(timeout=30_000)
    leaflet.wait_for_function(
        "() => window.feature_group && window.feature_group[window.feature_group.length - 1]"
        ".getLayers().reduce((n, l) => n + (l.getLayers ? l.getLayers().length : 1), 0) === 15",
        timeout=30_000,
    )
    state = leaflet.evaluate(
        "() => [window.__kept === true, window.map_div.getZoom(),"
        " window.map_div.getCenter().lat, window.map_div.getCenter().lng]"
    )
    assert state[0], "the map was re-mounted by a filter change"
    assert state[1] == 9 and abs(state[2] - 39.5) < 1e-6 and abs(state[3] - 46.2) < 1e-6


def test_clicking_an_event_opens_its_popup_with_a_safe_source_link(session, live_app):
    page, frame = open_dashboard(session, live_app.url)
    page.get_by_text("More filters").click()
    page.get_by_label("Search place, notes, source").fill("Kapan")
    page.get_by_label("Search place, notes, source").press("Enter")
    page.get_by_text("1 shown · 57 filtered out").wait_for(timeout=30_000)
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function(
        "() => window.feature_group[window.feature_group.length - 1].getLayers()[0].getLayers().length === 1",
        timeout=30_000,
    )
    marker = frame.locator("path.leaflet-interactive")
    marker.last.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert "13 Sep 2022" in text and "Shelling/artillery" in text and "Kapan" in text
    link = popup.locator("a")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    assert link.get_attribute("href").startswith("https://")


@pytest.fixture(scope="module")
def hostile_events(tmp_path_factory):
    path = tmp_path_factory.mktemp("xss") / "events.csv"
    header = (
        "event_id,event_date,event_type,actor1,actor2,location,latitude,longitude,"
        "notes,source,source_title,source_url\n"
    )
    rows = [
        f'X1,2022-09-13,Battle,"{XSS_IMG}","{XSS_SCRIPT}","Goris {XSS_SCRIPT}",39.50778,46.33861,'
        f'"{XSS_IMG} `);alert(2);// ${{alert(3)}}","{XSS_SCRIPT}","{XSS_IMG}",javascript:alert(1)\n',
    ]
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_hostile_text_is_shown_literally_and_never_runs(session, live_app_factory, hostile_events):
    app = live_app_factory(hostile_events)
    page, frame = open_dashboard(session, app.url)
    assert marker_count(page) == 1
    frame.locator("path.leaflet-interactive").last.click(force=True)
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert XSS_IMG in text and XSS_SCRIPT in text and "${alert(3)}" in text
    assert popup.locator("a").count() == 0, "a javascript: URL must not become a link"
    assert popup.locator("img, script").count() == 0
    page.get_by_role("tab", name="Events table").click()
    page.wait_for_timeout(1500)
    assert session.dialogs == []


def test_a_server_restart_that_loses_the_uploads_is_said_on_the_page(session, browser):
    from tests.browser.conftest import start_app, stop_app
    from tests.helpers import FIXTURES

    app = start_app()
    port = int(app.url.rsplit(":", 1)[1])
    try:
        page, _frame = open_dashboard(session, app.url)
        page.locator(EVENTS_UPLOAD).set_input_files(str(FIXTURES / "acled_2023_text_inter.csv"))
        page.get_by_text("3 shown · 0 filtered out").wait_for(timeout=60_000)
        assert "uploads=1" in page.url
        stop_app(app)
        app = start_app(port=port)  # the same address, a server that never saw the file
        # Streamlit's page may or may not reconnect by itself; the analyst then reloads it. Either
        # way the new session finds the address saying files were uploaded, and none on the server.
        page.reload()
        page.get_by_text("no longer on the server").wait_for(timeout=60_000)
        assert counts_text(page).endswith("= 77 rows in file")
    finally:
        stop_app(app)


def test_a_place_typed_in_another_spelling_moves_the_map_to_it(session, live_app):
    page, _frame = open_dashboard(session, live_app.url)
    marker_count(page)
    box = page.get_by_role("combobox", name="Find a place")
    box.click()
    box.fill("Xankəndi")
    box.press("Enter")
    page.get_by_text(re.compile(r"^Stepanakert \(GeoNames and event data")).wait_for(timeout=30_000)
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function(
        "() => window.map_div.getZoom() === 11 && Math.abs(window.map_div.getCenter().lat - 39.8177) < 0.01",
        timeout=30_000,
    )
    lng = leaflet.evaluate("() => window.map_div.getCenter().lng")
    assert abs(lng - 46.7528) < 0.01
