"""Brushing the timeline sets the period; a double click brings the previous one back."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_dashboard import counts_text, open_dashboard

pytestmark = pytest.mark.browser

ALL_SHOWN = "58 shown · 0 filtered out · 19 unmapped · 0 rejected = 77 rows in file"
# Vega has drawn the bars (and listens for the drag) once its marks (an SVG) have their size.
CHART_DRAWN = """() => { var c = document.querySelector('[data-testid=stVegaLiteChart] .marks');
                         return !!c && c.getBoundingClientRect().height > 150; }"""
SCRIPT_IDLE = (
    "() => document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'"
)


def test_dragging_on_the_timeline_sets_the_date_range_and_a_double_click_undoes_it(session, live_app):
    page, _ = open_dashboard(session, live_app.url)
    assert counts_text(page) == ALL_SHOWN
    page.set_viewport_size({"width": 1400, "height": 2600})  # the chart below the map, inside the window
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.wait_for(timeout=60_000)
    page.wait_for_function(CHART_DRAWN, timeout=60_000)
    box = chart.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] * 0.5
    page.mouse.move(box["x"] + box["width"] * 0.30, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    page.wait_for_function(f"() => !document.body.innerText.includes({ALL_SHOWN!r})", timeout=60_000)
    narrowed = counts_text(page)
    assert re.match(r"\d+ shown · \d+ filtered out", narrowed) and narrowed != ALL_SHOWN
    page.wait_for_function("() => /date_range=.*date_range=/.test(window.location.search)", timeout=30_000)
    assert "date_preset=Custom+range" in page.url  # the period box names the brushed range, and the link holds it
    # The address is written while the brush's rerun is still running: the chart of the new period
    # comes later in that run, and a double click on the chart it replaces would be lost.
    page.wait_for_function(SCRIPT_IDLE, timeout=60_000)
    page.wait_for_function(CHART_DRAWN, timeout=60_000)
    box = page.locator("[data-testid=stVegaLiteChart]").first.bounding_box()
    assert box is not None
    page.mouse.dblclick(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_function(f"() => document.body.innerText.includes({ALL_SHOWN!r})", timeout=60_000)
