"""Each representation in the snapshots, the HTML export and the CLI's --as."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from dashboard.cli import main
from dashboard.describe import default_title
from dashboard.export.registry import ExportError, ExportRequest, export_bytes
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.style import NO_FIGURE_LABEL
from dashboard.summary.units import choropleth, unit_figures
from dashboard.vocab import REPRESENTATIONS
from dashboard.webmap.assets import remote_references

EVERYTHING = EventFilter()
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def everything(bundled):
    return select_events(bundled, "nkao_1991", EVERYTHING)


def export(fmt, selection, boundaries, layers, **kwargs) -> bytes:
    request = ExportRequest(fmt=fmt, title=default_title(EVERYTHING), **kwargs)
    return export_bytes(request, selection, EVERYTHING, "nkao_1991", boundaries, layers, now=NOW)


def svg_texts(svg: str) -> str:
    """The SVG's text (matplotlib writes one <text> per line, with the fonttype none)."""
    return " ".join(re.sub(r"<[^>]+>", "", match) for match in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S))


def test_a_points_snapshot_keeps_its_type_legend(everything, boundaries, layers):
    texts = svg_texts(export("svg", everything, boundaries, layers).decode())
    assert "Event type" in texts and "Battle" in texts and "Events per hexagon" not in texts


def test_a_heatmap_snapshot_says_what_its_colours_count(everything, boundaries, layers):
    svg = export("svg", everything, boundaries, layers, representation="heatmap").decode()
    texts = svg_texts(svg)
    assert "Event density" in texts and "Events per hexagon (about" in texts
    assert 'id="heat"' in svg and 'id="events"' not in svg and "Event type" not in texts


@pytest.mark.parametrize(
    ("kind", "title"), [("provinces", "Events per province"), ("sectors", "Events per border sector")]
)
def test_a_choropleth_snapshot_lists_its_classes(everything, boundaries, layers, kind, title):
    svg = export("svg", everything, boundaries, layers, representation=kind).decode()
    texts = svg_texts(svg)
    drawn = choropleth(unit_figures(everything.events, layers.units[kind], kind), "events")
    assert title in texts and "No events" in texts and 'id="choropleth"' in svg
    assert drawn.classes is not None
    for label in drawn.classes.labels:
        assert label in texts
    outside = drawn.figures.outside_note()
    if outside:
        assert outside.split(":")[0] in texts.replace("\n", " ")


def test_a_killed_choropleth_says_where_no_single_figure_exists(everything, boundaries, layers):
    texts = svg_texts(
        export("svg", everything, boundaries, layers, representation="provinces", measure="killed").decode()
    )
    assert "Reported killed per province" in texts and NO_FIGURE_LABEL in texts


@pytest.mark.parametrize("representation", ["heatmap", "provinces", "sectors"])
def test_the_html_export_of_each_representation_loads_nothing_remote(everything, boundaries, layers, representation):
    page = export("html", everything, boundaries, layers, representation=representation).decode()
    assert remote_references(page) == []
    assert "L.HeatLayer" in page  # leaflet.heat, inlined
    assert "Shown as: " + REPRESENTATIONS[representation].lower() in page


def test_an_unknown_representation_is_a_sentence(everything, boundaries, layers):
    with pytest.raises(ExportError, match="Unknown representation 'dots'"):
        export("png", everything, boundaries, layers, representation="dots")


@pytest.mark.parametrize("representation", list(REPRESENTATIONS))
def test_the_cli_writes_each_representation(tmp_path, capsys, representation):
    out = tmp_path / f"map_{representation}.png"
    assert main(["export", "--as", representation, "--dpi", "40", "--out", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "wrote PNG" in capsys.readouterr().err
