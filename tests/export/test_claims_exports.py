"""Exports carry the casualty claims: GeoJSON per feature, CSV in words, captions per party, HTML popups."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from pypdf import PdfReader

from dashboard.describe import default_title
from dashboard.export.registry import ExportRequest, export_bytes
from dashboard.export.snapshot import MAP_AXES, SnapshotSpec, render_snapshot
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events

SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


def export(fmt: str, bundled, boundaries, layers) -> bytes:
    selection = select_events(bundled, "nkao_1991", SEPT_2022)
    request = ExportRequest(fmt=fmt, title=default_title(SEPT_2022))
    return export_bytes(request, selection, SEPT_2022, "nkao_1991", boundaries, layers, now=NOW)


def test_geojson_features_carry_their_claims(bundled, boundaries, layers):
    collection = json.loads(export("geojson", bundled, boundaries, layers))
    by_id = {f["properties"]["event_id"]: f["properties"]["claims"] for f in collection["features"]}
    (sotk,) = by_id["AA-045"]
    assert sotk["reported_by"] == "Armenian Mirror-Spectator"
    assert (sotk["killed"], sotk["wounded"]) == (None, 6)
    assert sotk["quote"] == "6 civilians wounded (Mirror-Spectator text)"
    assert by_id["AA-043"] == []  # Jermuk: the research gives no figure, so no claim
    # The per-party figures of the period are in the header, area-wide rows included.
    header = " ".join(collection["filters"])
    assert "Azerbaijani forces: 80 killed (Azerbaijani MoD; the other side claims 431 killed (Armenia))" in header


def test_csv_has_each_events_claims_in_words(bundled, boundaries, layers):
    table = pd.read_csv(io.BytesIO(export("csv", bundled, boundaries, layers)), dtype=str, keep_default_na=False)
    sotk = table.loc[table["event_id"] == "AA-045", "claims_text"].item()
    assert sotk == (
        "Armenian Mirror-Spectator: 6 wounded — civilians in Armenia "
        "(the headline's '6 Civilians Dead' contradicts the text)"
    )
    # The per-party figures of the period are in the package's description beside the CSV.
    with zipfile.ZipFile(io.BytesIO(export("zip", bundled, boundaries, layers))) as package:
        readme = package.read("README.txt").decode("utf-8")
    assert "Reported killed (latest figure per reporter): Armenian forces and civilians: 202–224" in readme


def test_snapshot_captions_give_the_per_party_figures(bundled, boundaries, layers):
    pdf = PdfReader(io.BytesIO(export("pdf", bundled, boundaries, layers)))
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Reported killed in the filtered period (latest figure per reporter):" in text
    assert "Azerbaijani forces: 80 killed" in text and "Azerbaijani MoD" in text


def test_the_casualty_block_fits_between_the_legend_and_the_map_bottom(bundled, boundaries):
    clauses = [f"Party {i}: {i * 10} killed (" + ", ".join(f"Reporter {j}" for j in range(8)) + ")" for i in range(9)]
    spec = SnapshotSpec(title="Everything", casualty_lines=clauses)
    snapshot = render_snapshot(bundled.events, boundaries, "nkao_1991", spec)
    figure = snapshot.figure
    renderer = FigureCanvasAgg(figure).get_renderer()
    (block,) = [t for t in figure.texts if t.get_text().startswith("Reported killed in the filtered period")]
    box = block.get_window_extent(renderer)
    legend = figure.legends[0].get_window_extent(renderer)
    assert box.y1 <= legend.y0  # under the legend, not over it
    assert box.y0 >= MAP_AXES[1] * figure.bbox.height  # not below the map into the caption
    assert "more parties: see the claims in the data exports" in block.get_text()  # the rest is counted


def test_html_popups_list_the_claims(bundled, boundaries, layers):
    page = export("html", bundled, boundaries, layers).decode("utf-8")
    assert "Casualty claims:" in page and "Armenian Mirror-Spectator: 6 wounded" in page
