"""Irregular CSV: a bad line is rejected with its number, blank lines are counted, the rest loads."""

from __future__ import annotations

import pytest

from dashboard.errors import EventFileError
from dashboard.filters import EventFilter
from dashboard.load.events import load_events
from dashboard.pipeline import load_joined_events, select_events

HEADER = "event_id,event_date,event_type,latitude,longitude\n"
ROW = "{},2022-09-13,Battle,39.5,46.3\n"


def test_a_row_with_more_fields_than_the_header_is_rejected_alone(csv_file):
    path = csv_file(HEADER + ROW.format("A1") + "A2,2022-09-13,Battle,39.5,46.3,x,y\n" + ROW.format("A3"))
    table = load_events(path)
    assert table.events["event_id"].tolist() == ["A1", "A3"]
    assert table.rejected[["line", "event_id", "reason"]].values.tolist() == [
        [3, "A2", "7 fields where the header has 5"]
    ]
    assert len(table.events) + len(table.rejected) == table.n_rows == 3
    assert list(table.rejected.columns[:5]) == ["file", "line", "event_id", "column", "reason"]


def test_blank_lines_are_counted_so_the_accounting_adds_up(csv_file, boundaries):
    path = csv_file(HEADER + ROW.format("A1") + "\n" + ROW.format("A2") + ",,,,\n" + ROW.format("A3"))
    selection = select_events(load_joined_events(path, boundaries), "nkao_1991", EventFilter())
    line = selection.counts.line()
    assert line == "3 shown · 0 filtered out · 0 unmapped · 0 rejected = 3 rows in file (2 blank lines skipped)"


def test_lines_stay_right_after_a_quoted_cell_spanning_lines_and_a_bad_record(csv_file):
    text = HEADER + 'A1,2022-09-13,Battle,39.5,46.3\nA2,"2022-09-13\nlater",Battle,1,2,3\n' + ROW.format("A3")
    table = load_events(csv_file(text))
    assert table.rejected[["line", "event_id"]].values.tolist() == [[3, "A2"]]
    assert table.events.set_index("event_id")["line"].to_dict() == {"A1": 2, "A3": 5}


def test_a_header_naming_a_column_twice_is_refused_with_a_sentence(csv_file):
    with pytest.raises(EventFileError, match=r"names a column more than once \(latitude\)"):
        load_events(
            csv_file("event_id,event_date,event_type,latitude,latitude,longitude\nA1,2022-09-13,Battle,1,2,3\n")
        )


def test_a_row_with_a_nul_byte_past_the_first_check_is_rejected_with_its_line(tmp_path):
    rows = [f"A{i},2022-09-13,Battle,39.5,46.3\n" for i in range(300)]  # past the first 4 KB
    path = tmp_path / "nul.csv"
    path.write_bytes((HEADER + "".join(rows)).encode() + b"N1,2022-09-13,Bat\x00tle,39.5,46.3\n")
    table = load_events(path)
    assert table.rejected[["line", "event_id", "reason"]].values.tolist() == [
        [302, "N1", "contains a NUL byte (binary data)"]
    ]
    assert not table.events["event_type"].str.contains("\x00").any()


@pytest.mark.parametrize("date", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_implausible_dates_are_rejected_with_a_reason(csv_file, date):
    table = load_events(csv_file(HEADER + f"D1,{date},Battle,39.5,46.3\n" + ROW.format("A1")))
    assert table.rejected["reason"].tolist() == [f"date {date} is outside 1900-01-01 to today; a mistyped year?"]


def test_a_legacy_encoded_line_in_a_utf8_file_is_decoded_alone_and_named(tmp_path):
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        (HEADER.strip() + ",location\n" + "A1,2022-09-13,Battle,39.5,46.3,Ереван\n").encode()
        + "A2,2022-09-13,Battle,39.5,46.3,Ереван\n".encode("cp1251")
        + "A3,2022-09-13,Battle,39.5,46.3,Ստեփանակերտ\n".encode()
    )
    table = load_events(path)
    assert table.events["location"].tolist() == ["Ереван", "Ереван", "Ստեփանակերտ"]  # nothing garbled
    assert "utf-8, with 1 line in Windows-1251 (line 3)" in table.detections[0].sentence()


def test_a_wholly_legacy_file_is_still_read_in_its_encoding(tmp_path):
    path = tmp_path / "cp1251.csv"
    path.write_bytes((HEADER.strip() + ",location\n" + "A1,2022-09-13,Battle,39.5,46.3,Степанакерт\n").encode("cp1251"))
    table = load_events(path)
    assert table.events["location"].tolist() == ["Степанакерт"]
    assert "cp1251" in table.detections[0].sentence()


def test_an_invisible_mark_inside_an_id_does_not_defeat_duplicate_detection(csv_file):
    table = load_events(csv_file(HEADER + ROW.format("A1") + ROW.format("\ufeffA1") + ROW.format("A1\u200b")))
    assert table.events["event_id"].tolist() == ["A1"]
    assert table.rejected["reason"].tolist() == ["duplicate event id (first used on line 2)"] * 2


def test_a_line_of_spaces_and_commas_is_blank_on_every_path(csv_file):
    table = load_events(csv_file(HEADER + ROW.format("A1") + " , , ,,\n" + ROW.format("A2")))  # otherwise clean
    assert (len(table.events), len(table.rejected), table.n_blank) == (2, 0, 1)


def test_a_header_with_a_padded_duplicate_name_is_refused_not_a_traceback(csv_file):
    with pytest.raises(EventFileError, match=r"names a column more than once \(event_id\)"):
        load_events(
            csv_file("event_id, event_id,event_date,event_type,latitude,longitude\nA1,A1,2022-09-13,Battle,1,2\n")
        )


def test_a_utf8_file_with_a_bom_and_one_legacy_line_is_decoded_per_line(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + (HEADER.strip() + ",location\nA1,2022-09-13,Battle,39.5,46.3,Ереван\n").encode()
        + "A2,2022-09-13,Battle,39.5,46.3,Gäncä\n".encode("cp1252")
    )
    table = load_events(path)
    assert table.events["location"].tolist() == ["Ереван", "Gäncä"]
