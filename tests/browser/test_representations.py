"""The heatmap and the choropleths as the dashboard and the HTML export draw them."""

from __future__ import annotations

import pytest

from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.geo.display import base_layers
from dashboard.pipeline import select_events
from dashboard.summary.units import choropleth, unit_figures
from tests.browser.conftest import open_offline
from tests.browser.test_dashboard import choose, leaflet_frame, marker_count, move_map, open_dashboard

pytestmark = pytest.mark.browser

# Pixels the heat canvas has painted (alpha > 0), and whether the newest event layer says it is drawn.
HEAT_PAINTED = """() => {
    const canvas = document.querySelector('canvas.leaflet-heatmap-layer');
    if (!canvas || !canvas.width) return 0;
    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
    return painted;
}"""
NEWEST_DRAWN = (
    "() => { const groups = window.feature_group || []; const g = groups[groups.length - 1];"
    " return Boolean(g) && g.getLayers().some(l => l.isDrawn && l.isDrawn()); }"
)
LEGEND_CLASSES = (
    "() => [...document.querySelectorAll('.ccm-layer-legend .ccm-class')].map(row => "
    "[row.querySelector('.ccm-class-swatch').style.background, row.textContent])"
)


def rgb(colour: str) -> str:
    return "rgb({}, {}, {})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)))


def settled_dashboard(session, url: str):
    """The dashboard once its map has reported its first view (a later widget change is then not undone)."""
    page, _ = open_dashboard(session, url)
    marker_count(page)
    move_map(page, (40.0, 46.0), 7)
    return page


@pytest.mark.parametrize(("option", "kind", "shapes"), [("Choropleth by province", "provinces", 89)])
def test_the_choropleth_renders_in_the_app_and_its_legend_matches_the_classes(
    session, live_app, bundled, layers, option, kind, shapes
):
    page = settled_dashboard(session, live_app.url)
    choose(page, "Show events as", option)
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function(
        f"() => document.querySelectorAll('.leaflet-ccm-units-pane path').length === {shapes}", timeout=30_000
    )
    drawn = choropleth(unit_figures(bundled.mapped, layers.units[kind], kind), "events")
    assert drawn.classes is not None
    expected = [[rgb(c), label] for c, label in zip(drawn.classes.colours, drawn.classes.labels, strict=True)]
    expected.append(["rgb(255, 255, 255)", "No events"])
    assert leaflet.evaluate(LEGEND_CLASSES) == expected
    fills = leaflet.evaluate(
        "() => [...document.querySelectorAll('.leaflet-ccm-units-pane path')].map(p => p.getAttribute('fill'))"
    )
    assert set(drawn.classes.colours) <= set(fills)
    # The point legend's types are hidden while the choropleth is shown, the boundary lines are not.
    assert not leaflet.locator(".ccm-legend-points").is_visible()
    assert leaflet.locator(".leaflet-ccm-lines-pane path").count() >= 2
    assert session.foreign_requests() == []


def test_the_heatmap_renders_in_the_app_with_nothing_remote(session, live_app):
    page = settled_dashboard(session, live_app.url)
    choose(page, "Show events as", "Heatmap")
    leaflet = leaflet_frame(page)
    leaflet.wait_for_function(NEWEST_DRAWN, timeout=30_000)
    assert leaflet.evaluate(HEAT_PAINTED) > 2_000
    assert "Heatmap of 58 shown events" in leaflet.locator(".ccm-layer-legend").inner_text()
    assert session.foreign_requests() == []
    choose(page, "Show events as", "Points")  # and back: the markers return, the heat and its legend go
    leaflet.wait_for_function("() => !document.querySelector('canvas.leaflet-heatmap-layer')", timeout=30_000)
    assert leaflet.locator(".ccm-layer-legend").count() == 0
    assert marker_count(page) == 58


def test_the_html_export_of_a_heatmap_draws_offline(session, bundled, boundaries, tmp_path):
    flt = EventFilter()
    page_file = tmp_path / "heat.html"
    page_file.write_bytes(
        export_bytes(
            ExportRequest(fmt="html", title="Heat", representation="heatmap"),
            select_events(bundled, "nkao_1991", flt),
            flt,
            "nkao_1991",
            boundaries,
            base_layers(boundaries),
        )
    )
    page = session.page
    blocked = open_offline(page, page_file)
    page.wait_for_function(
        "() => { const map = Object.values(window).find(v => v instanceof L.Map); let drawn = false;"
        " map.eachLayer(l => { drawn = drawn || (l instanceof L.CcmHeat && l.isDrawn()); }); return drawn; }",
        timeout=30_000,
    )
    assert page.evaluate(HEAT_PAINTED) > 2_000
    assert blocked == [] and session.foreign_requests() == []
