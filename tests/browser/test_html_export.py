"""The standalone HTML export opened from disk with the network cut off."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.geo.display import base_layers
from dashboard.pipeline import select_events
from tests.browser.conftest import PLACES_DRAWN, open_offline

pytestmark = pytest.mark.browser


def test_html_export_renders_offline_from_a_file(session, bundled, boundaries, tmp_path):
    flt = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
    selection = select_events(bundled, "nkao_1991", flt)
    page_file = tmp_path / "sept2022.html"
    page_file.write_bytes(
        export_bytes(
            ExportRequest(fmt="html", title="Sept 2022 attack on Armenia"),
            selection,
            flt,
            "nkao_1991",
            boundaries,
            base_layers(boundaries),
        )
    )
    page = session.page
    blocked = open_offline(page, page_file)
    page.locator(".leaflet-container").wait_for(timeout=15_000)
    markers = page.evaluate(
        "() => Object.values(window).filter(v => v instanceof L.MarkerClusterGroup)"
        ".reduce((n, group) => n + group.getLayers().length, 0)"
    )
    assert markers == 15
    assert "Battle" in page.locator(".ccm-legend").inner_text()
    assert "Sept 2022 attack on Armenia" in page.locator(".ccm-info").inner_text()
    credits = page.locator(".leaflet-control-attribution").inner_text()
    assert "OpenStreetMap contributors" in credits and "GeoNames (CC BY 4.0)" in credits
    assert page.locator(".leaflet-overlay-pane path").count() >= 3
    page.wait_for_function(f"() => ({PLACES_DRAWN})().painted > 2000", timeout=30_000)  # the inlined place tiles
    assert blocked == []
    assert session.foreign_requests() == []


def test_a_click_on_a_town_of_the_offline_basemap_names_it_with_its_other_names(session, bundled, boundaries, tmp_path):
    flt = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
    page_file = tmp_path / "towns.html"
    page_file.write_bytes(
        export_bytes(
            ExportRequest(fmt="html", title="Towns"),
            select_events(bundled, "nkao_1991", flt),
            flt,
            "nkao_1991",
            boundaries,
            base_layers(boundaries),
        )
    )
    page = session.page
    page.goto(page_file.as_uri())
    page.locator(".leaflet-container").wait_for(timeout=15_000)
    vayk = (39.69026, 45.46919)  # GeoNames' Vayk, a town with no event of these days
    point = page.evaluate(
        """([lat, lon]) => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            map.setView([lat, lon], 11, {animate: false});
            const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        list(vayk),
    )
    page.wait_for_function(f"() => ({PLACES_DRAWN})().painted > 2000", timeout=30_000)
    page.mouse.click(*point)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    text = popup.inner_text()
    assert text.startswith("Vayk") and "Also: " in text and "GeoNames (CC BY 4.0)" in text
