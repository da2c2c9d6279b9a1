"""Snapshots name the places a reader needs: the towns of the events, the main towns, countries, provinces."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import xml.etree.ElementTree as ET

import pytest
from pypdf import PdfReader

from dashboard.bbox import BBox
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.export.snapshot import SnapshotSpec, render_snapshot
from dashboard.filters import EventFilter
from dashboard.geo.places import towns_to_label
from dashboard.pipeline import select_events

SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
SEPT_TOWNS = {"Jermuk", "Goris", "Sotk", "Kapan", "Vardenis"}


@pytest.fixture(scope="module")
def sept(bundled):
    return select_events(bundled, "nkao_1991", SEPT_2022)


@pytest.fixture(scope="module")
def sept_snapshot(sept, boundaries):
    return render_snapshot(sept.events, boundaries, "nkao_1991", SnapshotSpec(title="Sept 2022"))


def test_the_sept_2022_pdf_names_the_towns_that_were_hit(sept, boundaries, layers):
    request = ExportRequest(fmt="pdf", title="Sept 2022")
    pdf = export_bytes(request, sept, SEPT_2022, "nkao_1991", boundaries, layers)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert all(town in text for town in SEPT_TOWNS), SEPT_TOWNS - set(text.split())
    assert "ARMENIA" in text and "AZERBAIJAN" in text  # the countries of the extent, wherever their usual label is
    assert "Syunik" in text  # and at this scale the provinces


def test_labels_overlap_neither_each_other_nor_the_map_edge(sept_snapshot):
    placed = sept_snapshot.town_labels
    assert {name for name, _ in placed} >= SEPT_TOWNS
    boxes = [box for _, box in placed]
    for (a_name, a), (b_name, b) in itertools.combinations(placed, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
        assert apart, f"{a_name} and {b_name} overlap"
    axes = sept_snapshot.figure.axes[0].get_window_extent()
    assert all(axes.x0 <= x0 and x1 <= axes.x1 and axes.y0 <= y0 and y1 <= axes.y1 for x0, y0, x1, y1 in boxes)


def test_svg_town_names_stay_editable_text(sept, boundaries, layers):
    svg = export_bytes(ExportRequest(fmt="svg", title="Sept 2022"), sept, SEPT_2022, "nkao_1991", boundaries, layers)
    texts = {"".join(t.itertext()).strip() for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")}
    assert texts >= SEPT_TOWNS


def test_an_events_town_is_the_largest_place_at_its_point_and_comes_first():
    # Yerevan's events sit among its districts (Kentron is closer): the city names them.
    towns = towns_to_label([44.517, 45.67222], [40.183, 39.84167], 44.0, 39.5, 46.0, 40.5, limit=5)
    assert [t.name for t in towns[:2]] == ["Yerevan", "Jermuk"]
    assert len({t.name for t in towns}) == len(towns)


def test_a_town_the_events_name_is_labelled_as_they_spell_it():
    # GeoNames gives Khankendi 2,100 people, fewer than its suburb Karkijahan next to it: the
    # events' own name for the place decides, and its spelling is kept.
    towns = towns_to_label([46.7528], [39.8177], 46.0, 39.0, 47.5, 40.5, limit=3, locations=["Stepanakert"])
    assert towns[0].name == "Stepanakert" and "Khankendi" not in {t.name for t in towns}


def test_a_snapshot_far_from_any_town_draws_without_names(boundaries, bundled):
    empty_sea = BBox(west=50.9, south=39.0, east=51.4, north=39.4)  # the Caspian
    snapshot = render_snapshot(bundled.events.iloc[:0], boundaries, "nkao_1991", SnapshotSpec("x", bbox=empty_sea))
    assert snapshot.town_labels == ()


def test_a_snapshot_with_the_peacekeeping_zone_credits_crisis_group(bundled, boundaries):
    from dashboard.vocab import CRISIS_GROUP_ATTRIBUTION

    snapshot = render_snapshot(bundled.events, boundaries, "peacekeeping_2020_2023", SnapshotSpec(title="x"))
    texts = " ".join(t.get_text() for t in snapshot.figure.texts)
    assert CRISIS_GROUP_ATTRIBUTION in texts.replace("\n", " ")
    legend = " ".join(" ".join(t.get_text().split()) for t in snapshot.figure.legends[0].get_texts())
    assert "Russian peacekeeping zone, Nov 2020 – Sept 2023" in legend
