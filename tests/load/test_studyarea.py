"""Rows outside the study area are counted, never validated; every other row is accounted as before."""

from __future__ import annotations

import csv
import gzip
import io
import string
import zipfile
from unittest import mock

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.errors import EventFileError
from dashboard.filters import EventFilter
from dashboard.load import studyarea
from dashboard.load.events import load_events
from dashboard.load.formats import ACLED_2023_COLUMNS
from dashboard.load.reading import Limits
from dashboard.pipeline import join_table, select_events
from dashboard.vocab import DEFAULT_NK_BOUNDARY, KM_PER_DEGREE, STUDY_AREA_BBOX

HEADER = ["event_id", "event_date", "event_type", "latitude", "longitude", "notes"]
MIDDLE_LON = (STUDY_AREA_BBOX.west + STUDY_AREA_BBOX.east) / 2


def north_of_box(km: float) -> str:
    """A latitude ``km`` north of the study area's box (due north: the distance is all latitude)."""
    return f"{STUDY_AREA_BBOX.north + km / KM_PER_DEGREE:.6f}"


# A hand-made global file: what each row should become.
ROWS = [
    (["IN1", "2022-09-13", "Battle", "40.0", "45.5", "Armenia"], "event"),
    (["OUT1", "2022-09-13", "Battle", "48.85", "2.35", "Paris"], "outside"),
    (["OUT2", "2022-09-13", "Battle", "-33.9", "151.2", "Sydney"], "outside"),
    (["EDGE1", "2022-09-13", "Battle", north_of_box(49.0), f"{MIDDLE_LON}", "49 km north"], "event"),
    (["EDGE2", "2022-09-13", "Battle", north_of_box(51.0), f"{MIDDLE_LON}", "51 km north"], "outside"),
    (["BAD1", "2022-09-13", "Battle", "forty", "45.5", "text"], "rejected"),
    (["BAD2", "2022-09-13", "Battle", "95", "2.35", "out of range"], "rejected"),
    (["BAD3", "2022-09-13", "Battle", "48.85", "", "one coordinate"], "rejected"),
    (["BAD4", "2022-09-13", "Battle", "nan", "nan", "nan"], "rejected"),
    (["NONE", "2022-09-13", "Battle", "", "", "no coordinates"], "unmapped"),
    (["SWAP", "2022-09-13", "Battle", "45.5", "40.0", "swapped"], "rejected"),
    (["OUT3", "not a date", "Riot", "64.1", "-21.9", "Reykjavik, invalid but outside"], "outside"),
    (["BAD5", "not a date", "Battle", "40.1", "45.1", "invalid inside"], "rejected"),
]


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def expected(kind: str) -> set[str]:
    return {row[0] for row, k in ROWS if k == kind}


def check_global_table(table) -> None:
    assert table.n_rows == len(ROWS)
    assert table.n_outside == len(expected("outside"))
    assert set(table.events["event_id"]) == expected("event") | expected("unmapped")
    assert set(table.unmapped["event_id"]) == expected("unmapped")
    assert set(table.rejected["event_id"]) == expected("rejected")
    # Lines of the kept rows are those of the file (header = line 1), whatever was set aside before them.
    lines = {row[0]: number for number, (row, _) in enumerate(ROWS, start=2)}
    assert dict(zip(table.rejected["event_id"], table.rejected["line"], strict=True)) == {
        i: lines[i] for i in expected("rejected")
    }
    assert dict(zip(table.events["event_id"], table.events["line"], strict=True)) == {
        i: lines[i] for i in expected("event") | expected("unmapped")
    }
    reasons = dict(zip(table.rejected["event_id"], table.rejected["reason"], strict=True))
    assert "swapped" in reasons["SWAP"]
    assert "not a number" in reasons["BAD1"]


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("events.csv", data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        ("events.csv", lambda data: data),
        ("events.csv", lambda data: b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")),
        ("events.csv.gz", gzip.compress),
        ("events.zip", zipped),
        ("events.csv", lambda data: data.replace(b"Sydney", "Zürich".encode("cp1252"))),  # legacy line: whole file
        ("events.csv", lambda data: data.replace(b"Paris", b'"Pa\nris"')),  # a cell over two lines: whole file
        ("events.csv", lambda data: data + b"X1,2022-09-13,Battle,40,45,,extra field\n"),  # record by record
    ],
)
def test_a_global_file_keeps_its_rows_inside_and_counts_the_others(name, pack):
    data = csv_bytes([row for row, _ in ROWS])
    packed = pack(data)
    table = load_events(packed, name=name)
    if b"extra field" in packed:
        assert table.rejected["reason"].str.contains("fields where the header has").sum() == 1
        table = type(table)(
            events=table.events,
            rejected=table.rejected[~table.rejected["reason"].str.contains("fields where")],
            n_rows=table.n_rows - 1,
            n_outside=table.n_outside,
        )
    if b'"Pa\nris"' in packed:
        # The two-line cell moves every later line down by one.
        table = type(table)(
            events=table.events.assign(line=lambda e: e["line"].where(e["line"] < 3, e["line"] - 1)),
            rejected=table.rejected.assign(line=lambda r: r["line"].where(r["line"] < 3, r["line"] - 1)),
            n_rows=table.n_rows,
            n_outside=table.n_outside,
        )
    check_global_table(table)


def test_the_accounting_names_the_rows_outside_and_adds_up(boundaries):
    table = join_table(load_events(csv_bytes([row for row, _ in ROWS]), name="global.csv"), boundaries)
    counts = select_events(table, DEFAULT_NK_BOUNDARY, EventFilter()).counts
    assert counts.outside == len(expected("outside"))
    assert counts.total == len(ROWS)
    assert f"{counts.outside} outside the study area" in counts.line()
    assert counts.line().endswith(f"= {len(ROWS)} rows in file")


def test_an_acled_export_counts_points_that_fit_only_when_swapped_as_outside():
    columns = list(ACLED_2023_COLUMNS)
    base = dict.fromkeys(columns, "")
    base.update(event_date="2022-09-13", event_type="Battles", sub_event_type="Armed clash", geo_precision="1")
    rows = [
        {**base, "event_id_cnty": "ARM1", "latitude": "40.0", "longitude": "45.5"},
        {**base, "event_id_cnty": "RUS1", "latitude": "45.04", "longitude": "38.98"},  # Krasnodar
    ]
    table = load_events(csv_bytes([[r[c] for c in columns] for r in rows], header=columns), name="acled.csv")
    assert table.events["event_id"].tolist() == ["ARM1"]
    assert table.rejected.empty and table.n_outside == 1 and table.n_rows == 2


def test_the_row_limit_counts_the_rows_kept():
    inside = [[f"IN{i}", "2022-09-13", "Battle", "40.0", "45.5", ""] for i in range(3)]
    outside = [[f"OUT{i}", "2022-09-13", "Battle", "48.85", "2.35", ""] for i in range(500)]
    table = load_events(csv_bytes(inside + outside), limits=Limits(max_rows=5))
    assert (len(table.events), table.n_outside) == (3, 500)
    with pytest.raises(EventFileError, match="more than 5 rows"):
        load_events(csv_bytes(inside * 2 + outside), limits=Limits(max_rows=5))


def test_the_margin_is_a_setting(monkeypatch):
    data = csv_bytes([["T1", "2022-09-13", "Battle", north_of_box(30), f"{MIDDLE_LON}", "30 km north of the box"]])
    assert load_events(data).n_outside == 0
    monkeypatch.setenv("CCM_STUDY_AREA_MARGIN_KM", "10")
    assert load_events(data).n_outside == 1
    monkeypatch.setenv("CCM_STUDY_AREA_MARGIN_KM", "-3")
    with pytest.raises(ValueError, match="CCM_STUDY_AREA_MARGIN_KM"):
        load_events(data)


def test_chunks_carry_lines_across_their_edges(monkeypatch):
    monkeypatch.setattr(studyarea, "CHUNK_BYTES", 64)  # many chunks, lines cut at every edge
    data = csv_bytes([row for row, _ in ROWS])
    check_global_table(load_events(data))
    check_global_table(load_events(gzip.compress(data), name="events.csv.gz"))


# --- property-based: the fast pre-filter and the whole-file reader agree, and the accounting adds up

coordinate = st.one_of(
    st.sampled_from(["", "40.1", "45.5", "48.85", "2.35", "-0", "1e3", "nan", "inf", " 40 ", "x", "91", "44.9"]),
    st.floats(min_value=-200, max_value=200, allow_nan=False).map(lambda v: f"{v:.4f}"),
    st.floats(min_value=37, max_value=43, allow_nan=False).map(lambda v: f"{v:.3f}"),
)
text = st.text(alphabet=string.ascii_letters + " ,;\"'é", max_size=8)
row = st.tuples(
    st.sampled_from(["A1", "A2", "A3", "", "B"]),
    st.sampled_from(["2022-09-13", "2021-01-01", "bad"]),
    st.sampled_from(["Battle", "Riot", ""]),
    coordinate,
    coordinate,
    text,
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(row, max_size=30), st.sampled_from([",", ";", "\t"]))
def test_every_row_is_accounted_for_on_both_paths(boundaries, rows, delimiter):
    data = csv_bytes([list(r) for r in rows], delimiter=delimiter)
    fast = load_events(data)
    with mock.patch.object(studyarea, "_keep_inside", side_effect=studyarea.NotOneLinePerRecord):
        whole = load_events(data)
    for table in (fast, whole):
        non_blank = sum(1 for r in rows if any(c.strip() for c in r))
        assert table.n_rows == non_blank
        assert len(table.events) + len(table.rejected) + table.n_outside == table.n_rows
    assert fast.n_outside == whole.n_outside
    pd.testing.assert_frame_equal(fast.events, whole.events)
    pd.testing.assert_frame_equal(fast.rejected, whole.rejected)
    counts = select_events(join_table(fast, boundaries), DEFAULT_NK_BOUNDARY, EventFilter()).counts
    assert counts.total == counts.shown + counts.filtered_out + counts.unmapped + counts.rejected + counts.outside
    assert counts.total == fast.n_rows


def test_a_clean_file_takes_the_pre_filter_and_a_two_line_cell_the_whole_file_reader():
    from dashboard.load.events import study_area
    from dashboard.load.reading import _prefiltered

    area = study_area(50.0)
    data = csv_bytes([row for row, _ in ROWS])
    kept = _prefiltered(data, True, Limits(), area, "csv")
    assert kept is not None and kept.outside == len(expected("outside"))
    assert _prefiltered(data.replace(b"Paris", b'"Pa\nris"'), True, Limits(), area, "csv") is None


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz"])
def test_a_global_file_read_by_path_is_filtered_in_steps_too(tmp_path, monkeypatch, suffix):
    monkeypatch.setattr(studyarea, "CHUNK_BYTES", 64)
    data = csv_bytes([row for row, _ in ROWS])
    path = tmp_path / f"world{suffix}"
    path.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    table = load_events(path)
    check_global_table(table)
    assert table.detections[0].read_as.startswith("gzip-compressed CSV" if suffix.endswith(".gz") else "CSV")


def test_a_damaged_gzip_file_read_by_path_is_refused_with_a_sentence(tmp_path):
    path = tmp_path / "world.csv.gz"
    path.write_bytes(gzip.compress(csv_bytes([row for row, _ in ROWS]))[:-20])
    with pytest.raises(EventFileError, match="cannot be decompressed"):
        load_events(path)
