"""Snapshots, standalone HTML and data files, as an analyst would use them in a report."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from pypdf import PdfReader

from dashboard.basemaps import BASEMAPS, Basemap
from dashboard.bbox import BBox
from dashboard.cli import main
from dashboard.describe import default_title, export_filename, period_text
from dashboard.export.registry import ExportError, ExportRequest, export_bytes, format_for
from dashboard.export.snapshot import SnapshotError, parse_bbox
from dashboard.filters import EventFilter
from dashboard.pipeline import select_events
from dashboard.style import EVENT_TYPE_COLOURS

SEPT_2022 = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14))
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
SYUNIK = BBox(west=45.9, south=39.0, east=46.7, north=39.7)


@pytest.fixture(scope="module")
def sept(bundled):
    return select_events(bundled, "nkao_1991", SEPT_2022)


def export(fmt, selection, boundaries, layers, flt=SEPT_2022, **kwargs) -> bytes:
    request = ExportRequest(fmt=fmt, title=kwargs.pop("title", default_title(flt)), **kwargs)
    return export_bytes(request, selection, flt, "nkao_1991", boundaries, layers, now=NOW)


def event_marks(svg: str) -> int:
    """Marks drawn in the SVG group of events (matplotlib writes a path or a use per point)."""
    group = ET.fromstring(svg).find(".//{http://www.w3.org/2000/svg}g[@id='events']")
    assert group is not None, "no events group in the SVG"
    return sum(1 for el in group.iter() if el.tag.rsplit("}", 1)[-1] in ("path", "use"))


def rgb_pixels(png: bytes) -> set[tuple[int, int, int]]:
    image = imread(io.BytesIO(png), format="png")
    rgb = (image[..., :3] * 255).round().astype(int).reshape(-1, 3)
    return set(map(tuple, np.unique(rgb, axis=0)))


def hex_rgb(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))


@pytest.mark.parametrize(("dpi", "size"), [(150, (1650, 1275)), (300, (3300, 2550))])
def test_png_has_the_requested_resolution_and_is_not_blank(sept, boundaries, layers, dpi, size):
    png = export("png", sept, boundaries, layers, dpi=dpi)
    image = imread(io.BytesIO(png), format="png")
    assert (image.shape[1], image.shape[0]) == size
    assert image[..., :3].std() > 0.05


def test_png_shows_the_legend_colours_and_the_boundaries(sept, boundaries, layers):
    pixels = rgb_pixels(export("png", sept, boundaries, layers, dpi=150))
    for event_type in set(sept.events["event_type"]):
        assert hex_rgb(EVENT_TYPE_COLOURS[event_type]) in pixels, event_type
    assert hex_rgb("#333333") in pixels  # international boundary
    assert hex_rgb("#6a3d9a") in pixels  # Nagorno-Karabakh outline


def test_svg_has_title_caption_and_one_mark_per_event(sept, boundaries, layers):
    svg = export("svg", sept, boundaries, layers).decode()
    assert event_marks(svg) == sept.counts.shown == 15
    assert "Events 12–14 Sep 2022" in svg
    assert "Period: 12–14 Sep 2022" in svg
    assert "OpenStreetMap contributors" in svg
    # The caption's accounting adds up to the file, as on screen.
    assert "15 shown · 43 filtered out · 19 unmapped · 0 rejected = 77 rows in file" in svg


def test_bbox_snapshot_contains_only_events_inside(sept, boundaries, layers):
    svg = export("svg", sept, boundaries, layers, bbox=SYUNIK).decode()
    inside = sept.events[
        sept.events["longitude"].between(SYUNIK.west, SYUNIK.east)
        & sept.events["latitude"].between(SYUNIK.south, SYUNIK.north)
    ]
    assert 0 < len(inside) < len(sept.events)
    assert event_marks(svg) == len(inside)
    assert f"{len(inside)} of 15 filtered events inside" in svg


def test_pdf_is_one_page_with_title_and_attribution(sept, boundaries, layers):
    reader = PdfReader(io.BytesIO(export("pdf", sept, boundaries, layers, title="Sept 2022 attack on Armenia")))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Sept 2022 attack on Armenia" in text
    assert "OpenStreetMap contributors" in text
    assert "imply no judgement" in text


def test_snapshot_of_an_empty_selection_still_renders(bundled, boundaries, layers):
    empty = select_events(bundled, "nkao_1991", EventFilter(event_types=()))
    png = export("png", empty, boundaries, layers, flt=EventFilter(event_types=()))
    assert png.startswith(b"\x89PNG")


def test_csv_is_plain_and_round_trips_the_filtered_rows(sept, boundaries, layers):
    data = export("csv", sept, boundaries, layers)
    assert data.startswith("\ufeffevent_id,".encode())  # Excel's mark of UTF-8, then the header row
    assert b"# " not in data.split(b"\r\n", 1)[0]
    table = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)  # pandas' defaults otherwise
    assert table["event_id"].tolist() == sept.events["event_id"].tolist()
    assert {"region", "province_code", "border_distance_km", "source_url"} <= set(table.columns)


def test_csv_neutralises_formula_cells(sept, boundaries, layers):
    hostile = sept.events.assign(notes="=cmd|' /C calc'!A0", actor1="@SUM(1)")
    selection = dataclasses.replace(sept, events=hostile)
    data = export("csv", selection, boundaries, layers).decode()
    table = pd.read_csv(io.StringIO(data), dtype=str)
    assert table["notes"].str.startswith("'=").all()
    assert table["actor1"].str.startswith("'@").all()


def test_geojson_is_rfc7946_with_one_feature_per_shown_event(sept, boundaries, layers):
    collection = json.loads(export("geojson", sept, boundaries, layers))
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == sept.counts.shown
    assert collection["generated"] == "2026-11-26T12:00:00+00:00"
    assert "Period: 12–14 Sep 2022" in collection["filters"]
    for feature, (_, row) in zip(collection["features"], sept.events.iterrows(), strict=True):
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == pytest.approx((row["longitude"], row["latitude"]))  # lon/lat order
        assert feature["properties"]["event_id"] == row["event_id"]
        assert feature["properties"]["region"] == row["region"]


def test_html_is_self_contained(sept, boundaries, layers):
    page = export("html", sept, boundaries, layers).decode()
    assert "<script src=" not in page and '<link rel="stylesheet" href=' not in page
    assert "L.markerClusterGroup" in page and "Events 12–14 Sep 2022" in page
    assert "url(data:image/png;base64," in page  # Leaflet's control images inlined


def test_export_errors_are_sentences(sept, boundaries, layers):
    with pytest.raises(ExportError, match="Unknown export format 'tiff'"):
        export("tiff", sept, boundaries, layers)
    with pytest.raises(SnapshotError, match=r"The area 47,40,46,41 is not valid: it needs minlon < maxlon"):
        parse_bbox("47,40,46,41")
    with pytest.raises(ExportError, match="outside 30–600 dpi"):
        export("png", sept, boundaries, layers, dpi=2000)
    with pytest.raises(SnapshotError, match="must be four numbers"):
        parse_bbox("45,39,46")


def test_format_follows_the_extension():
    from pathlib import Path

    assert format_for(Path("a.PDF"), None) == "pdf"
    assert format_for(Path("a.json"), None) == "geojson"
    assert format_for(Path("a.csv"), "png") == "png"
    with pytest.raises(ExportError, match="Cannot tell the format"):
        format_for(Path("a.docx"), None)


def test_file_names_describe_the_content():
    flt = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14), regions=("Armenia",))
    assert export_filename(flt, "png") == "events_2022-09-12_2022-09-14_armenia.png"
    flt = EventFilter(regions=("Armenia", "Nagorno-Karabakh"), event_types=("Battle", "Shelling/artillery"))
    assert export_filename(flt, "pdf", "print") == "events_armenia-nagorno-karabakh_battle-shelling-artillery_print.pdf"


def test_titles_and_periods_read_naturally():
    assert (
        default_title(
            EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14), regions=("Armenia", "Nagorno-Karabakh"))
        )
        == "Events 12–14 Sep 2022 · Armenia, Nagorno-Karabakh"
    )
    assert period_text(dt.date(2020, 9, 27), dt.date(2020, 11, 10)) == "27 Sep – 10 Nov 2020"
    assert period_text(dt.date(2020, 9, 27), dt.date(2024, 2, 13)) == "27 Sep 2020 – 13 Feb 2024"


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg", "html", "csv", "geojson"])
def test_cli_writes_every_format(tmp_path, capsys, fmt):
    out = tmp_path / f"sept.{fmt}"
    assert (
        main(
            [
                "export",
                "--out",
                str(out),
                "--start",
                "2022-09-12",
                "--end",
                "2022-09-14",
                "--region",
                "Armenia",
                "--title",
                "Sept 2022 attack on Armenia",
            ]
        )
        == 0
    )
    assert out.stat().st_size > 1000
    err = capsys.readouterr().err
    assert "15 shown · 43 filtered out" in err and f"wrote {fmt.upper()}" in err


def test_cli_print_png_and_bbox(tmp_path):
    out = tmp_path / "print.png"
    assert main(["export", "--out", str(out), "--dpi", "300", "--bbox", "45.9,39.0,46.7,39.7"]) == 0
    assert imread(str(out)).shape[:2] == (2550, 3300)


def test_cli_refuses_an_unknown_extension(tmp_path, capsys):
    assert main(["export", "--out", str(tmp_path / "x.docx")]) == 1
    assert "Cannot tell the format from 'x.docx'" in capsys.readouterr().err


@pytest.fixture
def tile_server():
    """A tile server on loopback that answers every tile with solid green."""
    import http.server
    import threading

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (0, 200, 0)).save(buffer, format="PNG")
    tile = buffer.getvalue()

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()


def test_tile_basemap_is_drawn_when_it_can_be_fetched(sept, boundaries, layers, tile_server, monkeypatch):

    monkeypatch.setitem(BASEMAPS, "Test tiles", Basemap("Test tiles", tile_server, "", "&copy; test tiles", "test", 18))
    png = export("png", sept, boundaries, layers, basemap="Test tiles")
    assert (0, 200, 0) in rgb_pixels(png)
    svg = export("svg", sept, boundaries, layers, basemap="Test tiles").decode()
    assert "Basemap: © test tiles" in svg


def test_snapshot_succeeds_without_reachable_tiles(sept, boundaries, layers, monkeypatch):
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    unreachable = f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png"
    monkeypatch.setitem(BASEMAPS, "Unreachable", Basemap("Unreachable", unreachable, "", "x", "x", 18))
    svg = export("svg", sept, boundaries, layers, basemap="Unreachable").decode()
    assert "could not be fetched (offline?); drawn without it" in svg
    assert event_marks(svg) == 15


def test_selection_summary():
    from dashboard.describe import selection_summary
    from dashboard.filters import Counts

    flt = EventFilter(start=dt.date(2022, 9, 12), end=dt.date(2022, 9, 14), regions=("Armenia",))
    summary = selection_summary(Counts(shown=15, filtered_out=43, unmapped=19, rejected=0), flt)
    assert summary == "**15 events** · 12–14 Sep 2022 · Armenia · 19 unmapped"


def test_map_view_is_read_from_the_map_reply():
    from dashboard.webmap.base_map import view_bbox

    reply = {"bounds": {"_southWest": {"lat": 39.0, "lng": 45.9}, "_northEast": {"lat": 39.7, "lng": 46.7}}}
    assert view_bbox(reply) == SYUNIK
    assert view_bbox(None) is None
    assert view_bbox({"bounds": {"_southWest": {"lat": None, "lng": None}, "_northEast": {}}}) is None


def test_a_long_caption_flows_into_a_second_column_clear_of_the_attribution(sept, boundaries):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from dashboard.export.snapshot import ATTRIBUTION, SnapshotSpec, render_snapshot

    lines = [f"Caption line {n}: " + " ".join(["words"] * 12) for n in range(1, 8)]
    figure = render_snapshot(sept.events, boundaries, "nkao_1991", SnapshotSpec(title="x", caption_lines=lines)).figure
    renderer = FigureCanvasAgg(figure).get_renderer()
    footer = next(t for t in figure.texts if t.get_text().startswith(ATTRIBUTION[:40]))
    captions = [t for t in figure.texts if t.get_text().startswith("Caption line")]
    assert len(captions) == 2
    assert "\n".join(t.get_text() for t in captions) == "\n".join(lines)  # every line, in order
    boxes = [t.get_window_extent(renderer) for t in captions]
    assert not any(box.overlaps(footer.get_window_extent(renderer)) for box in boxes)
    assert not boxes[0].overlaps(boxes[1])
