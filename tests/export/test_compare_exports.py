"""A comparison of two periods as files: the CSV table and the two periods' maps side by side."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from pypdf import PdfReader

from dashboard.cli import main
from dashboard.export.datafiles import count_comment_lines

SEPT_2022, BEFORE = "2022-09-12:2022-09-14", "2021-05-12:2021-11-16"


def test_cli_compare_writes_the_table_with_both_periods(tmp_path, capsys):
    out = tmp_path / "cmp.csv"
    assert (
        main(["compare", "--a", SEPT_2022, "--b", BEFORE, "--by", "sector", "--min-events", "2", "--out", str(out)])
        == 0
    )
    text = out.read_text(encoding="utf-8")
    assert "A: 12–14 Sep 2022 vs B: 12 May – 16 Nov 2021" in text.splitlines()[1]
    table = pd.read_csv(io.StringIO(text), skiprows=count_comment_lines(text)).set_index("unit")
    assert table.loc["Gegharkunik – Kəlbəcər"].tolist() == [6, 4, 2, 50.0, "large increase"]
    assert table.loc["Syunik – Qubadlı", "band"] == "too few to compare"
    assert "In no border sector: 3 events of period A and 0 of period B." in capsys.readouterr().err


def test_cli_compare_defaults_b_to_the_period_before_a(tmp_path):
    out = tmp_path / "cmp.csv"
    assert main(["compare", "--a", SEPT_2022, "--out", str(out)]) == 0
    assert "B: 9–11 Sep 2022" in out.read_text(encoding="utf-8")


def test_cli_compare_change_map_fills_the_units_by_band(tmp_path):
    svg_path = tmp_path / "change.svg"
    assert main(["compare", "--a", SEPT_2022, "--b", BEFORE, "--min-events", "2", "--out", str(svg_path)]) == 0
    text = svg_path.read_text(encoding="utf-8")
    svg = ET.fromstring(text)
    assert svg.find(".//{http://www.w3.org/2000/svg}g[@id='units']") is not None
    for band in ("large increase", "limited change", "large decrease", "too few to compare", "no events"):
        assert band in text  # the legend names every band
    assert "Gegharkunik" in text and "6 / 4" in text  # each unit with events names its counts, A / B


def test_cli_compare_maps_show_both_periods(tmp_path):
    svg_path, pdf_path = tmp_path / "cmp.svg", tmp_path / "cmp.pdf"
    assert main(["compare", "--a", SEPT_2022, "--b", BEFORE, "--map", "pair", "--out", str(svg_path)]) == 0
    svg = ET.fromstring(svg_path.read_text(encoding="utf-8"))
    groups = svg.findall(".//{http://www.w3.org/2000/svg}g[@id='events']")
    assert len(groups) == 2  # one map per period
    assert main(["compare", "--a", SEPT_2022, "--b", BEFORE, "--map", "pair", "--out", str(pdf_path)]) == 0
    text = " ".join(PdfReader(pdf_path).pages[0].extract_text().split())
    assert "A: 12–14 Sep 2022 — 15 events" in text and "B: 12 May – 16 Nov 2021 — 6 events" in text


def test_cli_compare_refuses_bad_periods_and_formats(tmp_path, capsys):
    with pytest.raises(SystemExit) as refused:
        main(["compare", "--a", "2022-09-14:2022-09-12", "--out", str(tmp_path / "x.csv")])
    assert refused.value.code == 2
    assert "a period ends (2022-09-12) before it starts (2022-09-14)" in capsys.readouterr().err
    assert main(["compare", "--a", SEPT_2022, "--out", str(tmp_path / "x.geojson")]) == 1
    assert "A comparison is written as csv, png, svg, pdf" in capsys.readouterr().err
