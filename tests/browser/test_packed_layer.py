"""The packed event layer (thousands of events drawn and clustered by the browser)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.generate_events import generate
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.geo.display import base_layers
from dashboard.pipeline import load_joined_events, select_events
from tests.browser.test_dashboard import (
    SEPT_2022,
    XSS_IMG,
    XSS_SCRIPT,
    choose,
    counts_text,
    leaflet_frame,
    move_map,
    open_dashboard,
)

pytestmark = pytest.mark.browser

N_EVENTS = 3_600
HOSTILE_AT = (40.31234, 44.91234)  # a point no synthetic event uses
# The packed layer on the map (in the app, streamlit-folium keeps event layers in window.feature_group).
FIND_LAYER = """(() => {
    var found = null;
    Object.values(window).concat(window.feature_group || []).forEach(function (v) {
        if (!(v instanceof L.FeatureGroup)) { return; }
        v.eachLayer(function (l) { if (l instanceof L.CcmPackedEvents && l._map) { found = l; } });
    });
    return found;
})()"""
DRAWN_TOTAL = (
    f"() => {{ var l = {FIND_LAYER}; return l && l.isDrawn() ? l.drawnClusters().reduce((n, c) => n + c.n, 0) : -1; }}"
)


@pytest.fixture(scope="module")
def many_events(tmp_path_factory) -> Path:
    frame = generate(N_EVENTS, seed=11)
    hostile = {
        "location": f"Hostile {XSS_SCRIPT}",
        "actor1": XSS_IMG,
        "actor2": "`);alert(2);// ${alert(3)}",
        "source": XSS_SCRIPT,
        "source_url": "javascript:alert(1)",
        "fatalities": "3",
        "latitude": str(HOSTILE_AT[0]),
        "longitude": str(HOSTILE_AT[1]),
        "event_date": "2021-05-12",
        "event_type": "Battle",
    }
    for column, value in hostile.items():
        frame.loc[0, column] = value
    path = tmp_path_factory.mktemp("packed") / "events.csv"
    frame.to_csv(path, index=False)
    return path


def test_exported_page_draws_every_event_and_shows_hostile_text_literally(session, boundaries, many_events, tmp_path):
    table = load_joined_events(many_events, boundaries)
    selection = select_events(table, "nkao_1991", EventFilter())
    assert selection.counts.shown > 3_000
    page_file = tmp_path / "many.html"
    page_file.write_bytes(
        export_bytes(
            ExportRequest(fmt="html", title="Many"),
            selection,
            EventFilter(),
            "nkao_1991",
            boundaries,
            base_layers(boundaries),
        )
    )
    page = session.page
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:")) else route.abort()
    )
    page.goto(page_file.as_uri())
    page.wait_for_function(f"() => ({DRAWN_TOTAL})() >= 0", timeout=15_000)
    assert page.evaluate(DRAWN_TOTAL) == selection.counts.shown  # clusters account for every event
    assert page.locator("canvas.ccm-packed-events").count() == 1
    assert "compact encoding" in page.locator(".ccm-info").inner_text()  # the page says how events are drawn

    # A click on the largest cluster of several places zooms in, as a reader's click would.
    zoom_before = page.evaluate(f"() => {FIND_LAYER}._map.getZoom()")
    x, y = page.evaluate(f"""() => {{ var l = {FIND_LAYER}, box = l._map.getContainer().getBoundingClientRect();
        var d = l._drawn.filter(c => c.cluster.locations.length > 1).sort((a, b) => b.n - a.n)[0];
        return [box.left + d.x, box.top + d.y]; }}""")
    page.mouse.click(x, y)
    page.wait_for_function(
        f"z => {FIND_LAYER}._map.getZoom() > z && {FIND_LAYER}.isDrawn()", arg=zoom_before, timeout=10_000
    )

    # While a zoom animates nothing is drawn or clickable: the drawn positions would be stale.
    during_zoom = page.evaluate(f"""() => new Promise(resolve => {{ var l = {FIND_LAYER}, map = l._map;
        map.once("zoomanim", () => resolve([l.isDrawn(), l.drawnClusters().length]));
        setTimeout(() => resolve("no zoom animation started"), 5000);
        map.setZoom(map.getZoom() + 1); }})""")
    assert during_zoom == [False, 0]
    page.wait_for_function(f"() => {FIND_LAYER}.isDrawn()", timeout=10_000)

    # The hostile event, alone at its place: its popup shows the text as text.
    page.evaluate(f"() => {FIND_LAYER}._map.setView({list(HOSTILE_AT)}, 15, {{animate: false}})")
    page.wait_for_function(f"() => {FIND_LAYER}.isDrawn()", timeout=10_000)
    x, y = page.evaluate(f"""() => {{ var l = {FIND_LAYER}, map = l._map;
        var p = map.latLngToContainerPoint({list(HOSTILE_AT)}), box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y]; }}""")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert f"Hostile {XSS_SCRIPT}" in text and XSS_IMG in text and "${alert(3)}" in text
    assert "12 May 2021" in text and "Battle" in text and "Fatalities: 3" in text
    assert "Casualty claims:\nfatalities column of the file: 3 killed — unspecified" in text  # one line per claim
    assert popup.locator("img, script").count() == 0
    assert popup.locator("a").count() == 0, "a javascript: URL must not become a link"
    assert session.dialogs == []

    # A payload of another format version is refused with a sentence, not drawn wrong.
    page.evaluate(f"() => L.ccmPackedEvents({{version: 99, n: 0}}).addTo({FIND_LAYER}._map)")
    problem = page.locator(".ccm-problem")
    problem.wait_for(timeout=10_000)
    assert "format version 99" in problem.inner_text() and "Export the map again" in problem.inner_text()


def test_dashboard_swaps_between_packed_and_single_markers(session, live_app_factory, many_events):
    app = live_app_factory(many_events)
    page, _frame = open_dashboard(session, app.url)
    shown = int(counts_text(page).split(" shown")[0].replace(",", ""))
    assert shown > 3_000
    leaflet = next(f for f in page.frames if "streamlit_folium" in f.url)
    leaflet.wait_for_function(f"() => ({DRAWN_TOTAL})() === {shown}", timeout=30_000)
    assert page.get_by_text("compact encoding").count() == 1

    choose(page, "Period", SEPT_2022)
    page.get_by_text("compact encoding").wait_for(state="detached", timeout=30_000)
    shown = int(counts_text(page).split(" shown")[0].replace(",", ""))
    leaflet.wait_for_function(
        "n => window.feature_group[window.feature_group.length - 1].getLayers()"
        ".reduce((k, l) => k + (l.getLayers ? l.getLayers().length : 1), 0) === n",
        arg=shown,
        timeout=30_000,
    )
    assert leaflet.evaluate(f"() => {FIND_LAYER}") is None  # the packed layer was removed from the map
    assert session.dialogs == []


ALONE_AT = (41.52, 48.95)  # far from every synthetic event (they follow the border and the line of contact)
LAYER_STATE = f"""() => {{ var l = {FIND_LAYER};
    return l && l.isDrawn() ? {{circles: l.drawnCircles(), shown: l.options.uncertainty !== null,
        zoom: l._map.getZoom(), legend: l._map.getContainer().classList.contains("ccm-uncertainty-on")}} : null; }}"""


@pytest.fixture(scope="module")
def events_with_one_alone(tmp_path_factory) -> Path:
    frame = generate(N_EVENTS, seed=11)
    alone = {"latitude": str(ALONE_AT[0]), "longitude": str(ALONE_AT[1]), "geo_precision": "2", "location": "Alone"}
    for column, value in alone.items():
        frame.loc[0, column] = value
    path = tmp_path_factory.mktemp("uncertainty") / "events.csv"
    frame.to_csv(path, index=False)
    return path


def layer_state_when(leaflet, condition: str) -> dict:
    """The packed layer's drawn state, once it is drawn and ``condition`` (JavaScript on ``s``) holds."""
    script = f"() => {{ var s = ({LAYER_STATE})(); return s && ({condition}) && s; }}"
    return leaflet.wait_for_function(script, timeout=30_000).json_value()


def test_circles_of_uncertainty_appear_at_high_zoom_and_go_with_the_toggle(
    session, live_app_factory, events_with_one_alone
):
    app = live_app_factory(events_with_one_alone)
    page, frame = open_dashboard(session, app.url)
    leaflet = leaflet_frame(page)
    shown = int(counts_text(page).split(" shown")[0].replace(",", ""))
    leaflet.wait_for_function(f"() => ({DRAWN_TOTAL})() === {shown}", timeout=30_000)

    # Zoomed in on the lone precision-2 event, its 5 km circle is drawn around it, at its true size.
    move_map(page, ALONE_AT, 11)
    state = layer_state_when(leaflet, "s.zoom === 11")
    centre = leaflet.evaluate(
        f"() => {{ var p = {FIND_LAYER}._map.latLngToContainerPoint({list(ALONE_AT)}); return [p.x, p.y]; }}"
    )
    metres_per_px = 2 * math.pi * 6378137 * math.cos(math.radians(ALONE_AT[0])) / (256 * 2**11)
    around = [c for c in state["circles"] if abs(c["x"] - centre[0]) < 1 and abs(c["y"] - centre[1]) < 1]
    assert len(around) == 1 and around[0]["r"] == pytest.approx(5000 / metres_per_px, rel=0.01)
    assert state["shown"] and state["legend"]
    assert frame.locator(".ccm-legend-uncertainty").is_visible()

    # The toggle off: the event layer is rebuilt without circles, the legend entry goes, the view stays.
    page.get_by_text("Show location uncertainty").click()
    state = layer_state_when(leaflet, "!s.shown")
    assert state["circles"] == [] and not state["legend"] and state["zoom"] == 11
    assert not frame.locator(".ccm-legend-uncertainty").is_visible()
    assert leaflet.evaluate(f"() => {FIND_LAYER}.drawnClusters().length") > 0  # the events are still drawn
